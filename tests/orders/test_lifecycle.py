from decimal import Decimal

import pytest
from django.utils import timezone

from fulfillment.models import Stock
from marketplace.core import events
from marketplace.core.errors import ApplicationError
from orders.lifecycle import (
    ORDER_TRANSITIONS,
    SELLER_ORDER_TRANSITIONS,
    OrderNotPayable,
    order_cancel,
    order_hold,
    order_mark_paid,
    order_transition,
    seller_order_transition,
)
from orders.models import Order, OrderEvent, SellerOrder, StockAllocation
from tests.accounts.factories import UserFactory
from tests.fulfillment.factories import StockFactory
from tests.orders.order_data import order_build

pytestmark = pytest.mark.django_db

OS = Order.Status
SS = SellerOrder.Status
EVENT_NAMES = [f"order.{s}" for s in OS.values] + [f"seller_order.{s}" for s in SS.values]


@pytest.fixture
def emitted():
    """Every order and seller-order domain event emitted during the test."""
    seen = []
    saved = {name: list(handlers) for name, handlers in events._handlers.items()}

    def make(name):
        return lambda **payload: seen.append((name, payload))

    for name in EVENT_NAMES:
        events.subscribe(name, make(name))
    yield seen
    events._handlers.clear()
    events._handlers.update(saved)


@pytest.fixture
def stocks():
    first = StockFactory(on_hand=10, offer__price_amount=Decimal("10.00"))
    second = StockFactory(on_hand=5, offer__price_amount=Decimal("25.00"))
    return first, second


@pytest.fixture
def order(stocks):
    first, second = stocks
    return order_build(user=UserFactory(), parts=[[(first.offer, 2)], [(second.offer, 1)]])


def reserved(stocks):
    return [Stock.objects.get(pk=s.pk).reserved for s in stocks]


def pay(order, reference="pi_1"):
    return order_mark_paid(order=order, payment_reference=reference, amount=order.total_amount)


def test_order_build_reserves_the_stock(order, stocks):
    assert order.total_amount == Decimal("57.50")  # 45.00 + 2 x 4.00 shipping + 4.50 tax
    assert reserved(stocks) == [2, 1]


@pytest.mark.parametrize(
    ("start", "to"), [(s, t) for s in OS.values for t in OS.values if t in ORDER_TRANSITIONS[s]]
)
def test_every_allowed_order_transition_saves_audits_and_emits(order, emitted, start, to):
    Order.objects.filter(pk=order.pk).update(status=start)
    actor = UserFactory()

    result = order_transition(order=order, to=to, actor=actor, message="because", data={"reason": "r"})

    result.refresh_from_db()
    assert result.status == to
    assert order.status == to
    assert (result.paid_at is not None) == (to == OS.PAID)
    assert (result.cancelled_at is not None, result.cancel_reason) == (
        (True, "r") if to == OS.CANCELLED else (False, "")
    )
    event = OrderEvent.objects.exclude(kind="placed").get()
    assert (event.kind, event.from_status, event.to_status, event.actor, event.message, event.data) == (
        to,
        start,
        to,
        actor,
        "because",
        {"reason": "r"},
    )
    expected = {"order_id": order.pk, "previous": start, "status": to}
    if to == OS.CANCELLED:
        expected |= {"was_paid": start in (OS.PAID, OS.ON_HOLD), "reason": "r"}
    assert emitted == [(f"order.{to}", expected)]


@pytest.mark.parametrize(
    ("start", "to"), [(s, t) for s in OS.values for t in OS.values if t not in ORDER_TRANSITIONS[s]]
)
def test_every_forbidden_order_transition_is_refused(order, emitted, start, to):
    Order.objects.filter(pk=order.pk).update(status=start)

    with pytest.raises(ApplicationError) as error:
        order_transition(order=order, to=to)

    label = OS(start).label.lower()
    assert error.value.message.startswith(f"Order {order.number} is {label} and cannot be ")
    assert Order.objects.get(pk=order.pk).status == start
    assert OrderEvent.objects.exclude(kind="placed").count() == 0
    assert emitted == []


def test_a_forbidden_order_transition_reads_well(order):
    Order.objects.filter(pk=order.pk).update(status=OS.PAID)

    with pytest.raises(ApplicationError) as error:
        order_transition(order=order, to=OS.PAID)

    assert error.value.message == f"Order {order.number} is paid and cannot be paid."


@pytest.mark.parametrize(
    ("start", "to"),
    [(s, t) for s in SS.values for t in SS.values if t in SELLER_ORDER_TRANSITIONS[s]],
)
def test_every_allowed_seller_order_transition_saves_audits_and_emits(order, emitted, start, to):
    # An order that is not paid is never settled, so only the seller order moves.
    seller_order = order.seller_orders.first()
    SellerOrder.objects.filter(pk=seller_order.pk).update(status=start)

    seller_order_transition(seller_order=seller_order, to=to, message="moved")

    assert SellerOrder.objects.get(pk=seller_order.pk).status == to
    assert seller_order.status == to
    event = OrderEvent.objects.exclude(kind="placed").get()
    assert (event.seller_order_id, event.kind, event.from_status, event.to_status, event.message) == (
        seller_order.pk,
        to,
        start,
        to,
        "moved",
    )
    assert emitted == [
        (
            f"seller_order.{to}",
            {
                "seller_order_id": seller_order.pk,
                "order_id": order.pk,
                "seller_id": seller_order.seller_id,
                "previous": start,
                "status": to,
            },
        )
    ]


@pytest.mark.parametrize(
    ("start", "to"),
    [(s, t) for s in SS.values for t in SS.values if t not in SELLER_ORDER_TRANSITIONS[s]],
)
def test_every_forbidden_seller_order_transition_is_refused(order, emitted, start, to):
    seller_order = order.seller_orders.first()
    SellerOrder.objects.filter(pk=seller_order.pk).update(status=start)

    with pytest.raises(ApplicationError) as error:
        seller_order_transition(seller_order=seller_order, to=to)

    assert error.value.message.startswith(
        f"Seller order {seller_order.number} is {SS(start).label.lower()} and cannot be "
    )
    assert SellerOrder.objects.get(pk=seller_order.pk).status == start
    assert emitted == []


def test_mark_paid_commits_stock_and_readies_every_seller_order(order, stocks, emitted):
    paid = pay(order)

    assert (paid.status, order.status) == (OS.PAID, OS.PAID)
    assert paid.paid_at is not None
    assert list(order.seller_orders.values_list("status", flat=True)) == [SS.READY_TO_SHIP] * 2
    assert set(StockAllocation.objects.values_list("status", flat=True)) == {"committed"}
    assert reserved(stocks) == [2, 1]
    event = OrderEvent.objects.get(kind="paid")
    assert event.data == {"payment_reference": "pi_1", "amount": "57.50"}
    assert [name for name, _ in emitted] == ["seller_order.ready_to_ship"] * 2 + ["order.paid"]


def test_mark_paid_twice_with_the_same_reference_is_a_no_op(order, emitted):
    pay(order)
    emitted.clear()

    again = pay(order)

    assert again.status == OS.PAID
    assert OrderEvent.objects.filter(kind="paid").count() == 1
    assert emitted == []


def test_mark_paid_by_a_second_payment_is_refused(order):
    pay(order)

    with pytest.raises(OrderNotPayable) as error:
        pay(order, reference="pi_2")

    assert error.value.message == f"Order {order.number} is already paid."


def test_mark_paid_never_releases_an_order_held_for_review(order, emitted):
    order_hold(order=order, payment_reference="pi_1", amount=order.total_amount)
    emitted.clear()

    again = pay(order)  # the same payment, e.g. its webhook delivered again
    with pytest.raises(OrderNotPayable) as error:
        pay(order, reference="pi_2")

    assert again.status == OS.ON_HOLD
    assert error.value.message == f"Order {order.number} is already paid."
    assert Order.objects.get(pk=order.pk).status == OS.ON_HOLD
    assert set(SellerOrder.objects.filter(order=order).values_list("status", flat=True)) == {
        SellerOrder.Status.PENDING_PAYMENT
    }
    assert emitted == []


def test_mark_paid_with_the_wrong_amount_is_refused(order):
    with pytest.raises(OrderNotPayable) as error:
        order_mark_paid(order=order, payment_reference="pi_1", amount=Decimal("57.49"))

    assert error.value.message == (
        f"Payment of 57.49 does not match the total of order {order.number} (57.50)."
    )
    assert Order.objects.get(pk=order.pk).status == OS.PENDING_PAYMENT
    assert set(StockAllocation.objects.values_list("status", flat=True)) == {"reserved"}


def test_mark_paid_on_a_cancelled_order_is_refused(order):
    order_cancel(order=order, actor=None, reason="Changed my mind")

    with pytest.raises(OrderNotPayable) as error:
        pay(order)

    assert error.value.message == f"Order {order.number} is cancelled and cannot be paid."


def test_mark_paid_after_the_reservation_expired_is_refused(stocks):
    first, _ = stocks
    order = order_build(
        user=UserFactory(),
        parts=[[(first.offer, 1)]],
        reserved_until=timezone.now() - timezone.timedelta(seconds=1),
    )

    with pytest.raises(OrderNotPayable) as error:
        pay(order)

    assert error.value.message == f"Order {order.number} was not paid in time and its items were released."
    assert Order.objects.get(pk=order.pk).status == OS.PENDING_PAYMENT


def test_cancel_an_unpaid_order_releases_its_stock_once(order, stocks, emitted):
    actor = order.user

    cancelled = order_cancel(order=order, actor=actor, reason="Found it cheaper")

    assert (cancelled.status, cancelled.cancel_reason, order.status) == (
        OS.CANCELLED,
        "Found it cheaper",
        OS.CANCELLED,
    )
    assert reserved(stocks) == [0, 0]
    assert set(StockAllocation.objects.values_list("status", flat=True)) == {"released"}
    assert list(order.seller_orders.values_list("status", flat=True)) == [SS.CANCELLED] * 2
    event = OrderEvent.objects.get(kind="cancelled", seller_order=None)
    assert (event.actor, event.data) == (actor, {"reason": "Found it cheaper", "units_released": 3})
    assert emitted[-1] == (
        "order.cancelled",
        {
            "order_id": order.pk,
            "previous": OS.PENDING_PAYMENT,
            "status": OS.CANCELLED,
            "was_paid": False,
            "reason": "Found it cheaper",
        },
    )
    assert [name for name, _ in emitted[:-1]] == ["seller_order.cancelled"] * 2

    # when cancelled a second time
    with pytest.raises(ApplicationError) as error:
        order_cancel(order=order, actor=actor, reason="again")

    assert error.value.message == f"Order {order.number} is cancelled and cannot be cancelled."
    assert reserved(stocks) == [0, 0]


def test_cancel_a_paid_order_releases_committed_stock_and_says_it_was_paid(order, stocks, emitted):
    pay(order)

    order_cancel(order=order, actor=None, reason="")

    assert reserved(stocks) == [0, 0]
    assert Order.objects.get(pk=order.pk).cancel_reason == "Cancelled."
    name, payload = emitted[-1]
    assert (name, payload["was_paid"]) == ("order.cancelled", True)


def test_cancel_is_refused_once_a_part_has_shipped(order, stocks):
    pay(order)
    seller_order_transition(seller_order=order.seller_orders.first(), to=SS.SHIPPED)

    with pytest.raises(ApplicationError) as error:
        order_cancel(order=order, actor=None, reason="too late")

    assert error.value.message == f"Order {order.number} has shipped items and cannot be cancelled."
    assert Order.objects.get(pk=order.pk).status == OS.PAID
    assert reserved(stocks) == [2, 1]


def test_cancelling_an_order_held_for_review_says_so_not_that_it_shipped(order, stocks):
    order_hold(order=order, payment_reference="pi_1", amount=order.total_amount)

    with pytest.raises(ApplicationError) as error:
        order_cancel(order=order, actor=None, reason="changed my mind")

    assert error.value.message == (
        f"Order {order.number} is being reviewed by our staff and cannot be cancelled now; "
        "they will release or cancel it shortly."
    )
    assert Order.objects.get(pk=order.pk).status == OS.ON_HOLD


def test_the_order_completes_when_every_part_is_delivered_or_cancelled(order, emitted):
    pay(order)
    first, second = order.seller_orders.all()
    seller_order_transition(seller_order=first, to=SS.SHIPPED)
    seller_order_transition(seller_order=first, to=SS.DELIVERED)
    assert Order.objects.get(pk=order.pk).status == OS.PAID

    seller_order_transition(seller_order=second, to=SS.CANCELLED)

    assert Order.objects.get(pk=order.pk).status == OS.COMPLETED
    assert emitted[-1][0] == "order.completed"
    assert OrderEvent.objects.filter(kind="completed", seller_order=None).count() == 1


def test_the_order_is_cancelled_when_every_seller_cancels_their_part(order, emitted):
    pay(order)

    for seller_order in order.seller_orders.all():
        seller_order_transition(seller_order=seller_order, to=SS.CANCELLED)

    refreshed = Order.objects.get(pk=order.pk)
    assert (refreshed.status, refreshed.cancel_reason) == (OS.CANCELLED, "Every seller cancelled their part.")
    assert emitted[-1][1]["was_paid"] is True
