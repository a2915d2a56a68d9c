"""A small shop for the checkout and order API tests, on the seeded default rates.

US standard shipping $4.99 + $0.50/kg, expedited $12.99 + $1/kg; California tax
7.25% (tests/orders/test_checkout.py works the same figures out by hand). The
clock is Tuesday 1 December 2026, 10 a.m. in New York; sellers ship from New York
with 2 handling days.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from orders.models import Cart, CartLine
from tests.accounts.factories import AddressFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

TUESDAY_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/New_York"))
NYC = {"latitude": Decimal("40.712800"), "longitude": Decimal("-74.006000")}


def seller_in_new_york(name):
    seller = SellerFactory(name=name)
    warehouse = WarehouseFactory(seller=seller, city="New York", region="NY", **NYC)
    return seller, warehouse


def stocked(seller, warehouse, title, price, *, on_hand=10, weight_grams=500):
    offer = OfferFactory(
        seller=seller, price_amount=Decimal(price), product__title=title, product__weight_grams=weight_grams
    )
    StockFactory(offer=offer, warehouse=warehouse, on_hand=on_hand)
    return offer


def put_in_cart(user, offer, quantity):
    cart, _ = Cart.objects.get_or_create(user=user)
    return CartLine.objects.create(
        cart=cart, offer=offer, quantity=quantity, price_seen_amount=offer.price_amount
    )


def home_in_san_francisco(user):
    return AddressFactory(
        user=user,
        full_name="Ada Buyer",
        line1="1 Market St",
        city="San Francisco",
        region="CA",
        postal_code="94103",
        country="US",
        is_default=True,
    )
