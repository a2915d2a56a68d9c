"""Limits on stock held by unpaid orders, and expired holds released by the next checkout."""

from datetime import timedelta

import pytest

from fulfillment.models import Stock
from marketplace.core.errors import ApplicationError
from orders.models import Order
from tests.orders.placing import (
    NOW,
    buyer_in_san_francisco,
    place,
    seller_with_warehouse,
    shipping_and_tax_tables,
    stocked_offer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kettle():
    shipping_and_tax_tables()
    acme, warehouse = seller_with_warehouse("Acme")
    return stocked_offer(seller=acme, warehouse=warehouse, on_hand=100, title="Acme Kettle", price="24.99")


def held(offer) -> int:
    return Stock.objects.get(offer=offer).reserved


def test_an_account_cannot_have_more_unpaid_orders_than_the_limit(kettle, settings):
    settings.ORDER_MAX_UNPAID_PER_ACCOUNT = 3
    user, address = buyer_in_san_francisco()
    for _ in range(3):
        place(user, address, {kettle: 1})

    with pytest.raises(
        ApplicationError, match=r"You have 3 orders waiting for payment: pay for or cancel one"
    ):
        place(user, address, {kettle: 1})

    assert Order.objects.filter(user=user).count() == 3 and held(kettle) == 3
    # Another shopper is not held back by this one's orders.
    other, other_address = buyer_in_san_francisco()
    place(other, other_address, {kettle: 1})


def test_unpaid_orders_of_an_account_hold_at_most_the_limit_of_one_item(kettle, settings):
    settings.ORDER_MAX_UNPAID_UNITS_PER_OFFER = 30
    user, address = buyer_in_san_francisco()
    place(user, address, {kettle: 20})

    with pytest.raises(
        ApplicationError, match=r"Your unpaid orders already hold 20 of Acme Kettle: at most 30"
    ):
        place(user, address, {kettle: 11})

    place(user, address, {kettle: 10})
    assert held(kettle) == 30


def test_orders_past_their_hold_no_longer_count_against_the_limits(kettle, settings):
    settings.ORDER_MAX_UNPAID_PER_ACCOUNT = 1
    user, address = buyer_in_san_francisco()
    place(user, address, {kettle: 1})
    later = NOW + timedelta(minutes=settings.ORDER_RESERVATION_MINUTES + 1)

    order = place(user, address, {kettle: 1}, now=later)

    assert order.status == Order.Status.PENDING_PAYMENT


def test_a_checkout_that_needs_units_of_expired_holds_releases_them_itself(kettle, settings):
    # given: one shopper's unpaid order holds every unit, and its hold has run out (no beat task ran)
    Stock.objects.filter(offer=kettle).update(on_hand=5)
    hoarder, hoarder_address = buyer_in_san_francisco()
    stale = place(hoarder, hoarder_address, {kettle: 5})
    later = NOW + timedelta(minutes=settings.ORDER_RESERVATION_MINUTES + 1)

    # when: another shopper checks out
    buyer, address = buyer_in_san_francisco()
    order = place(buyer, address, {kettle: 2}, now=later)

    # then: the stale order was cancelled, its units released, and the buyer got two of them
    stale.refresh_from_db()
    assert stale.status == Order.Status.CANCELLED
    assert order.status == Order.Status.PENDING_PAYMENT
    assert held(kettle) == 2


def test_a_hold_still_running_is_not_released(kettle, settings):
    Stock.objects.filter(offer=kettle).update(on_hand=5)
    hoarder, hoarder_address = buyer_in_san_francisco()
    running = place(hoarder, hoarder_address, {kettle: 5})
    buyer, address = buyer_in_san_francisco()

    with pytest.raises(ApplicationError):
        place(buyer, address, {kettle: 1}, now=NOW + timedelta(minutes=1))

    running.refresh_from_db()
    assert running.status == Order.Status.PENDING_PAYMENT and held(kettle) == 5
