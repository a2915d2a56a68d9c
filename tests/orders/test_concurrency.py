"""Placing orders with real threads on PostgreSQL: nothing oversold, no deadlock, no double order.

Each thread has its own database connection (Django's are per thread) and
closes it at the end; a barrier starts them together.
"""

import random
import uuid

import pytest
from django.db.models import Sum

from fulfillment.models import Stock
from fulfillment.stock import OutOfStock
from orders.models import Order, OrderLine, StockAllocation
from tests.accounts.factories import AddressFactory
from tests.concurrency import run_together
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.orders.placing import place, seller_with_warehouse, shipping_and_tax_tables, stocked_offer

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_buyers_racing_for_the_last_five_units_make_exactly_five_orders():
    # given: 5 units left, 3 in one warehouse and 2 in another; 50 shoppers want one each
    shipping_and_tax_tables()
    seller, first = seller_with_warehouse("Acme")
    second = WarehouseFactory(seller=seller)
    kettle = stocked_offer(seller=seller, warehouse=first, on_hand=10, title="Acme Kettle", price="24.99")
    Stock.objects.filter(offer=kettle).update(reserved=7)
    StockFactory(offer=kettle, warehouse=second, on_hand=2)
    addresses = [AddressFactory(region="CA", postal_code="94103") for _ in range(50)]

    # when
    outcomes = run_together(50, lambda i: place(addresses[i].user, addresses[i], {kettle: 1}))

    # then
    orders = [result for _, result, error in outcomes if error is None]
    errors = [error for _, _, error in outcomes if error is not None]
    assert len(orders) == 5
    assert len({order.pk for order in orders}) == 5
    assert Order.objects.count() == 5
    assert len(errors) == 45
    assert all(isinstance(error, OutOfStock) for error in errors), {type(e) for e in errors}
    assert {error.message for error in errors} == {"Acme Kettle is out of stock."}
    assert list(
        Stock.objects.order_by("warehouse_id").values_list("warehouse_id", "on_hand", "reserved")
    ) == [
        (first.pk, 10, 10),
        (second.pk, 2, 2),
    ]
    assert StockAllocation.objects.aggregate(units=Sum("quantity")) == {"units": 5}


def test_twenty_carts_with_the_same_offers_in_shuffled_order_neither_deadlock_nor_miscount():
    # given: five offers, each 15 units in one warehouse and 100 in another
    shipping_and_tax_tables()
    seller, first = seller_with_warehouse("Acme")
    second = WarehouseFactory(seller=seller)
    offers = [
        stocked_offer(seller=seller, warehouse=first, on_hand=15, title=f"Item {n}", price="5.00")
        for n in range(5)
    ]
    for offer in offers:
        StockFactory(offer=offer, warehouse=second, on_hand=100)
    addresses = [AddressFactory(region="CA", postal_code="94103") for _ in range(20)]
    shuffler = random.Random(20)  # noqa: S311 - a fixed, reproducible shuffle
    carts = []
    for n in range(20):
        lines = offers[:]
        shuffler.shuffle(lines)
        carts.append(dict.fromkeys(lines, 1 + n % 2))

    # when
    outcomes = run_together(20, lambda i: place(addresses[i].user, addresses[i], carts[i]))

    # then: every cart became an order; 30 units of each offer are reserved, 15 from each warehouse
    assert [error for _, _, error in outcomes if error is not None] == []
    assert Order.objects.count() == 20
    expected = []
    for offer in offers:
        expected += [(offer.pk, first.pk, 15, 15), (offer.pk, second.pk, 100, 15)]
    assert sorted(Stock.objects.values_list("offer_id", "warehouse_id", "on_hand", "reserved")) == sorted(
        expected
    )
    for _, order, _ in outcomes:
        lines = OrderLine.objects.filter(seller_order__order=order)
        allocated = dict(
            StockAllocation.objects.filter(line__in=lines)
            .values("line__offer_id")
            .annotate(units=Sum("quantity"))
            .values_list("line__offer_id", "units")
        )
        assert allocated == dict(lines.values_list("offer_id", "quantity"))


def test_the_same_checkout_posted_ten_times_at_once_makes_one_order():
    # given
    shipping_and_tax_tables()
    seller, warehouse = seller_with_warehouse("Acme")
    kettle = stocked_offer(seller=seller, warehouse=warehouse, on_hand=10, title="Acme Kettle", price="24.99")
    toaster = stocked_offer(
        seller=seller, warehouse=warehouse, on_hand=10, title="Acme Toaster", price="40.00"
    )
    address = AddressFactory(region="CA", postal_code="94103")
    key = uuid.uuid4()

    # when
    outcomes = run_together(10, lambda i: place(address.user, address, {kettle: 2, toaster: 1}, key=key))

    # then
    assert [error for _, _, error in outcomes if error is not None] == []
    assert len({order.pk for _, order, _ in outcomes}) == 1
    assert Order.objects.count() == 1
    assert dict(Stock.objects.values_list("offer_id", "reserved")) == {kettle.pk: 2, toaster.pk: 1}
    assert StockAllocation.objects.count() == 2
