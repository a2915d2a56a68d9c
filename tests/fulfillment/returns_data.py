"""Orders paid through the sandbox payment provider, shipped and delivered by the sandbox carrier."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from fulfillment.carriers.sandbox import sandbox_clock_advance, sandbox_parcel_replan
from fulfillment.models import Shipment
from fulfillment.shipments import ParcelSpec, shipment_create, shipments_track_open
from orders.models import Order
from payments.services import payment_confirm, payment_start
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.fulfillment.shipping_data import PARCEL_KWARGS
from tests.orders.order_data import order_build
from tests.payments.conftest import payment_method
from tests.payments.ledger_data import dispatch
from tests.sellers.factories import SellerFactory

D = Decimal


def delivered_order(*, prices=("10.00",), quantities=(2,), user=None, on_hand=10, ship=True, deliver=True):
    """Return (order, seller order, warehouse, stocks, payment): paid, every unit shipped and delivered.

    Each line of ``quantities`` is an offer of the same seller at ``prices``;
    the tax is 10 % and the shipping 4.00 (tests.orders.order_data).
    """
    seller = SellerFactory(name="Return Co", support_email="help@return-co.example")
    warehouse = WarehouseFactory(seller=seller, name="Reno DC", city="Reno", region="NV")
    offers = [OfferFactory(seller=seller, price_amount=D(price)) for price in prices]
    stocks = [StockFactory(offer=offer, warehouse=warehouse, on_hand=on_hand) for offer in offers]
    order = order_build(user=user or UserFactory(), parts=[list(zip(offers, quantities, strict=True))])
    promised = promise_date()
    order.seller_orders.update(promised_from=promised - timedelta(days=1), promised_to=promised)
    payment = payment_start(order=order, idempotency_key=str(uuid.uuid4()))
    payment_confirm(payment=payment, payment_method=payment_method())
    order.refresh_from_db()
    assert order.status == Order.Status.PAID, order.status
    dispatch()  # order.paid: the seller is credited
    seller_order = order.seller_orders.get()
    if not ship:
        payment.refresh_from_db()
        return order, seller_order, warehouse, stocks, payment
    shipment = shipment_create(
        seller_order=seller_order,
        warehouse=warehouse,
        quantities={line.pk: line.quantity for line in seller_order.lines.all()},
        parcel=ParcelSpec(**PARCEL_KWARGS),
        service="ground",
    )
    sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario="on_time")
    if deliver:
        parcels_move_on(days=12)
        shipment.refresh_from_db()
        assert shipment.status == Shipment.Status.DELIVERED, shipment.status
    seller_order.refresh_from_db()
    payment.refresh_from_db()
    for stock in stocks:
        stock.refresh_from_db()
    return order, seller_order, warehouse, stocks, payment


def promise_date() -> date:
    """The promise checkout would have made: a business day five or more days from now."""
    promised = date.today() + timedelta(days=5)
    while promised.weekday() >= 5:
        promised += timedelta(days=1)
    return promised


def parcels_move_on(*, days: int) -> None:
    """Let the sandbox carrier's clock run ``days`` on and pull every open parcel's scans."""
    sandbox_clock_advance(seconds=days * 86400)
    shipments_track_open()


def units_on_hand(stocks) -> list[int]:
    for stock in stocks:
        stock.refresh_from_db()
    return [stock.on_hand for stock in stocks]


def refunded_total(payment) -> Decimal:
    return payment.refunds.aggregate(total=Sum("amount"))["total"] or D("0.00")
