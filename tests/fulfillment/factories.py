from decimal import Decimal

import factory

from fulfillment.models import Stock, Warehouse
from tests.catalog.factories import OfferFactory


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    name = factory.Sequence(lambda n: f"Warehouse {n}")
    code = factory.Sequence(lambda n: f"wh-{n}")
    city = "Reno"
    region = "NV"
    country = "US"
    latitude = Decimal("39.529600")
    longitude = Decimal("-119.813800")


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    offer = factory.SubFactory(OfferFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    on_hand = 10
    reserved = 0
