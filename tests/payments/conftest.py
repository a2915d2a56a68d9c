import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fulfillment.stock import stock_reserve
from orders.models import Order, OrderLine, SellerOrder, StockAllocation
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory

CARDS = {
    "success": "4242 4242 4242 4242",
    "generic_decline": "4000 0000 0000 0002",
    "insufficient_funds": "4000 0000 0000 9995",
    "3ds": "4000 0025 0000 3155",
}


def order_create(*, user, price=Decimal("20.00"), quantity=2, reserved_for=timedelta(minutes=15)) -> Order:
    """A pending order of one line (plus $4.99 shipping, $4.00 tax) with its stock reserved."""
    offer = OfferFactory(price_amount=price)
    StockFactory(offer=offer, on_hand=5)
    subtotal = price * quantity
    order = Order.objects.create(
        number=f"T{uuid.uuid4().hex[:10].upper()}",
        user=user,
        idempotency_key=uuid.uuid4(),
        subtotal_amount=subtotal,
        shipping_amount=Decimal("4.99"),
        tax_amount=Decimal("4.00"),
        total_amount=subtotal + Decimal("8.99"),
        ship_full_name="Ada Lovelace",
        ship_line1="12 Analytical Way",
        ship_city="Reno",
        ship_region="NV",
        ship_postal_code="89501",
        ship_country="US",
        reserved_until=timezone.now() + reserved_for,
    )
    seller_order = SellerOrder.objects.create(
        order=order,
        seller=offer.seller,
        number=f"{order.number}-1",
        shipping_method="standard",
        shipping_method_name="Standard",
        subtotal_amount=subtotal,
        shipping_amount=Decimal("4.99"),
        tax_amount=Decimal("4.00"),
        total_amount=subtotal + Decimal("8.99"),
    )
    line = OrderLine.objects.create(
        seller_order=seller_order,
        offer=offer,
        product=offer.product,
        title=offer.product.title,
        sku=offer.sku,
        condition=offer.condition,
        unit_price_amount=price,
        quantity=quantity,
        tax_amount=Decimal("4.00"),
        total_amount=subtotal,
    )
    for stock_id, units in stock_reserve(offer_quantities={offer.pk: quantity})[offer.pk]:
        StockAllocation.objects.create(line=line, stock_id=stock_id, quantity=units)
    return order


@pytest.fixture
def shopper(db):
    return UserFactory()


@pytest.fixture
def order(shopper):
    """A $48.99 order awaiting payment, held for 15 more minutes."""
    return order_create(user=shopper)


@pytest.fixture
def shopper_client(client, shopper):
    client.force_login(shopper)
    return client


def card(number=CARDS["success"], *, expiry="12/34", cvc="123", name="Ada Lovelace", attempt=None):
    return {
        "number": number,
        "expiry": expiry,
        "cvc": cvc,
        "name": name,
        "attempt": str(attempt or uuid.uuid4()),
    }


def payment_method(number=CARDS["success"], *, exp_month="12", exp_year="34", cvc="123"):
    return {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc, "name": "Ada"}
