"""A small shop to place orders in: sellers with warehouses, stocked offers, known rates.

Plain builders (not fixtures) shared by the placement, concurrency and expiry
tests. ``shipping_and_tax_tables`` replaces whatever rates the seed
migrations left with a few whose amounts the tests work out by hand.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from fulfillment.models import Holiday, ShippingMethod, ShippingRate, ShippingZone
from orders.models import TaxRate
from orders.placement import PlacementLine, order_place
from orders.tax import tax_rates_changed
from tests.accounts.factories import AddressFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

# A Tuesday, 10 a.m. in New York: before every warehouse's cut-off.
NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def shipping_and_tax_tables() -> None:
    """US shipping: standard $5 + $0.50/kg, expedited $12 + $1/kg; California tax 7.25% (books 2%)."""
    Holiday.objects.all().delete()
    ShippingRate.objects.all().delete()
    ShippingZone.objects.all().delete()
    ShippingMethod.objects.all().delete()
    zone = ShippingZone.objects.create(name="United States", countries=["US"])
    standard = ShippingMethod.objects.create(code="standard", name="Standard", position=1)
    expedited = ShippingMethod.objects.create(code="expedited", name="Expedited", position=2)
    for method, base, per_kg, transit in (
        (standard, "5.00", "0.50", (3, 5)),
        (expedited, "12.00", "1.00", (1, 2)),
    ):
        ShippingRate.objects.create(
            method=method,
            zone=zone,
            base_amount=Decimal(base),
            per_kg_amount=Decimal(per_kg),
            max_weight_grams=30_000,
            transit_days_min=transit[0],
            transit_days_max=transit[1],
        )
    TaxRate.objects.all().delete()
    TaxRate.objects.create(country="US", region="", tax_class="standard", rate=Decimal("0.0500"))
    TaxRate.objects.create(country="US", region="CA", tax_class="standard", rate=Decimal("0.0725"))
    TaxRate.objects.create(country="US", region="CA", tax_class="reduced", rate=Decimal("0.0200"))
    tax_rates_changed(country="US")


def seller_with_warehouse(name: str, *, latitude="37.804400", longitude="-122.271100"):
    seller = SellerFactory(name=name)
    warehouse = WarehouseFactory(seller=seller, latitude=latitude, longitude=longitude)
    return seller, warehouse


def stocked_offer(*, seller, warehouse, on_hand: int, title: str, price: str, weight_grams=500, **product):
    offer = OfferFactory(
        seller=seller,
        price_amount=Decimal(price),
        product__title=title,
        product__weight_grams=weight_grams,
        **{f"product__{k}": v for k, v in product.items()},
    )
    StockFactory(offer=offer, warehouse=warehouse, on_hand=on_hand)
    return offer


def buyer_in_san_francisco():
    """Return (user, address) of a shopper in California."""
    address = AddressFactory(
        full_name="Ada Buyer", line1="1 Market St", city="San Francisco", region="CA", postal_code="94103"
    )
    return address.user, address


def place(user, address, lines: dict, *, key=None, shipping=None, now=NOW):
    """Place an order for ``{offer: quantity}``; every seller ships standard unless told."""
    return order_place(
        user=user,
        idempotency_key=key or uuid.uuid4(),
        address=address,
        lines=[PlacementLine(offer_id=offer.pk, quantity=quantity) for offer, quantity in lines.items()],
        shipping_choices=shipping if shipping is not None else {o.seller_id: "standard" for o in lines},
        now=now,
    )
