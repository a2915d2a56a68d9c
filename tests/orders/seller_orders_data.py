"""Paid orders of one or two sellers, not shipped, for the seller's Orders pages and cancellations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from orders.models import Order, SellerOrder
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.payments.ledger_data import dispatch, paid_order
from tests.sellers.factories import SellerFactory

D = Decimal


def seller_with_stock(*, name: str = "North Co", prices=("10.00",), on_hand: int = 10):
    """A seller with one warehouse and one offer per price; return (seller, offers, stocks)."""
    seller = SellerFactory(name=name)
    warehouse = WarehouseFactory(seller=seller)
    offers = [OfferFactory(seller=seller, price_amount=D(price)) for price in prices]
    stocks = [StockFactory(offer=offer, warehouse=warehouse, on_hand=on_hand) for offer in offers]
    return seller, offers, stocks


def paid(*, parts, user=None, ship_by: date | None = None) -> Order:
    """Pay an order of ``parts`` in the sandbox (tax 10 %, shipping 4.00 per part); credit its sellers.

    ``ship_by`` sets every part's ``promised_from`` (``promised_to`` two days later).
    """
    order, _payment = paid_order(user=user or UserFactory(), parts=parts)
    if ship_by is not None:
        order.seller_orders.update(promised_from=ship_by, promised_to=ship_by + timedelta(days=2))
    dispatch()  # order.paid: the sellers are credited
    return order


def part_of(order: Order, seller) -> SellerOrder:
    return SellerOrder.objects.get(order=order, seller=seller)
