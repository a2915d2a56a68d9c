"""A seller cancels its unshipped part of a paid order: only that part, its stock, its refund, an e-mail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fulfillment.scorecard.figures import scorecard_figures
from marketplace.accounts.models import OutboundEmail
from marketplace.core.errors import ApplicationError
from marketplace.core.models import OutboxEvent
from orders.lifecycle import seller_order_cancel, seller_order_transition
from orders.models import Order, OrderEvent, SellerOrder, StockAllocation
from payments.models import Payment, Refund, RefundAllocation
from payments.refunds import refund_create
from payments.seller_cancellations import seller_order_cancelled_refund
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.fulfillment.returns_data import refunded_total, units_on_hand
from tests.orders.seller_orders_data import paid, part_of, seller_with_stock
from tests.payments.ledger_data import dispatch
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db
D = Decimal
SS = SellerOrder.Status


@pytest.fixture
def two_sellers():
    """An order paid in the sandbox: North ships 2 x 10.00 + 1 x 5.00, South 1 x 30.00."""
    north, north_offers, north_stocks = seller_with_stock(name="North Co", prices=("10.00", "5.00"))
    south, south_offers, south_stocks = seller_with_stock(name="South Co", prices=("30.00",))
    shopper = UserFactory(email="ada@example.com")
    order = paid(user=shopper, parts=[[(north_offers[0], 2), (north_offers[1], 1)], [(south_offers[0], 1)]])
    OutboundEmail.objects.all().delete()  # the confirmation
    return {
        "order": order,
        "north": north,
        "south": south,
        "north_stocks": north_stocks,
        "south_stocks": south_stocks,
        "north_part": part_of(order, north),
        "south_part": part_of(order, south),
        "member": SellerMemberFactory(seller=north, role=SellerMember.Role.SHIPPING).user,
        "payment": Payment.objects.get(order=order),
    }


def test_cancelling_one_part_cancels_only_it_and_refunds_its_lines_and_shipping(two_sellers):
    north_part, south_part = two_sellers["north_part"], two_sellers["south_part"]
    assert units_on_hand(two_sellers["north_stocks"]) == [10, 10]
    assert [stock.reserved for stock in two_sellers["north_stocks"]] == [2, 1]

    seller_order_cancel(
        seller_order=north_part, actor=two_sellers["member"], reason="out_of_stock", note="Last one broke."
    )
    dispatch()

    north_part.refresh_from_db()
    south_part.refresh_from_db()
    order = Order.objects.get(pk=two_sellers["order"].pk)
    assert north_part.status == SS.CANCELLED
    assert south_part.status == SS.READY_TO_SHIP
    assert order.status == Order.Status.PAID
    # 25.00 of items + 2.50 of tax + 4.00 of shipping.
    assert north_part.total_amount == D("31.50")
    refund = Refund.objects.get(payment=two_sellers["payment"])
    assert refund.amount == D("31.50")
    assert refund.idempotency_key == f"seller-cancel-{north_part.number}"
    assert refund.reason == f"Cancelled by the seller ({north_part.number}): Out of stock: Last one broke."
    assert list(RefundAllocation.objects.filter(refund=refund).values_list("seller_order_id", "amount")) == [
        (north_part.pk, D("31.50"))
    ]
    assert refunded_total(two_sellers["payment"]) == D("31.50")
    two_sellers["payment"].refresh_from_db()
    assert two_sellers["payment"].status == Payment.Status.PARTIALLY_REFUNDED
    # Stock back, nothing of the other seller's touched.
    assert units_on_hand(two_sellers["north_stocks"]) == [10, 10]
    assert [stock.reserved for stock in two_sellers["north_stocks"]] == [0, 0]
    assert units_on_hand(two_sellers["south_stocks"]) == [10]
    assert [stock.reserved for stock in two_sellers["south_stocks"]] == [1]
    assert set(
        StockAllocation.objects.filter(line__seller_order=north_part).values_list("status", flat=True)
    ) == {StockAllocation.Status.RELEASED}
    assert set(
        StockAllocation.objects.filter(line__seller_order=south_part).values_list("status", flat=True)
    ) == {StockAllocation.Status.COMMITTED}
    # The audit row says who and why.
    event = OrderEvent.objects.get(seller_order=north_part, kind=SS.CANCELLED)
    assert (event.actor, event.from_status, event.message) == (
        two_sellers["member"],
        SS.READY_TO_SHIP,
        "Out of stock: Last one broke.",
    )
    assert event.data == {
        "reason": "out_of_stock",
        "note": "Last one broke.",
        "units_released": 3,
        "by_seller": True,
    }
    # One e-mail to the shopper about the part.
    (email,) = OutboundEmail.objects.all()
    assert email.payload["to"] == ["ada@example.com"]
    assert email.payload["subject"] == f"North Co cancelled part of your Marketplace order {order.number}"
    assert "We are refunding $31.50" in email.payload["body"]
    assert "Reason: Out of stock: Last one broke." in email.payload["body"]


def test_the_durable_event_names_the_part_and_the_reason(two_sellers):
    north_part = two_sellers["north_part"]
    seller_order_cancel(seller_order=north_part, actor=two_sellers["member"], reason="pricing_error")
    event = OutboxEvent.objects.get(name="seller_order.seller_cancelled")
    assert event.payload == {
        "order_id": two_sellers["order"].pk,
        "seller_order_id": north_part.pk,
        "seller_id": two_sellers["north"].pk,
        "reason": "Pricing error",
        "was_paid": True,
        "order_cancelled": False,
    }


def test_a_redelivered_event_refunds_nothing_more(two_sellers):
    north_part = two_sellers["north_part"]
    seller_order_cancel(seller_order=north_part, actor=two_sellers["member"], reason="buyer_asked")
    dispatch()
    payload = OutboxEvent.objects.get(name="seller_order.seller_cancelled").payload
    again = seller_order_cancelled_refund(**payload)
    assert again == Refund.objects.get()
    assert refunded_total(two_sellers["payment"]) == D("31.50")


def test_cancelling_the_last_part_cancels_the_order_and_refunds_everything_once(two_sellers):
    north_part, south_part = two_sellers["north_part"], two_sellers["south_part"]
    seller_order_cancel(seller_order=north_part, actor=two_sellers["member"], reason="out_of_stock")
    dispatch()
    south_member = SellerMemberFactory(seller=two_sellers["south"]).user
    seller_order_cancel(
        seller_order=south_part, actor=south_member, reason="other", note="Warehouse flooded."
    )
    dispatch()

    order = Order.objects.get(pk=two_sellers["order"].pk)
    assert order.status == Order.Status.CANCELLED
    assert order.cancel_reason == "Cancelled by the seller: Other: Warehouse flooded."
    payment = two_sellers["payment"]
    payment.refresh_from_db()
    # North's 31.50 by its lines, then what was left (South's 33.00 + 4.00 shipping... 37.00) by the order.
    assert sorted(Refund.objects.values_list("idempotency_key", "amount")) == [
        (f"cancel-{order.number}", D("37.00")),
        (f"seller-cancel-{north_part.number}", D("31.50")),
    ]
    assert refunded_total(payment) == payment.amount == D("68.50")
    assert payment.status == Payment.Status.REFUNDED
    # The order's own cancellation e-mail covers the last part; no second e-mail for it.
    subjects = [email.payload["subject"] for email in OutboundEmail.objects.order_by("pk")]
    assert subjects == [
        f"North Co cancelled part of your Marketplace order {order.number}",
        f"Your Marketplace order {order.number} has been cancelled",
    ]
    assert units_on_hand(two_sellers["south_stocks"]) == [10]
    assert [stock.reserved for stock in two_sellers["south_stocks"]] == [0]


def test_cancelling_the_only_part_cancels_the_order():
    seller, offers, stocks = seller_with_stock(prices=("20.00",))
    order = paid(parts=[[(offers[0], 1)]])
    member = SellerMemberFactory(seller=seller).user
    seller_order_cancel(seller_order=part_of(order, seller), actor=member, reason="cannot_ship_to_address")
    dispatch()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.cancel_reason == "Cancelled by the seller: Cannot ship to the address"
    (refund,) = Refund.objects.filter(payment__order=order)
    assert (refund.idempotency_key, refund.amount) == (f"cancel-{order.number}", D("26.00"))
    assert [stock.reserved for stock in units_reserved(stocks)] == [0]


def units_reserved(stocks):
    for stock in stocks:
        stock.refresh_from_db()
    return stocks


def test_a_part_left_beside_a_delivered_one_completes_the_order(two_sellers):
    south_part = two_sellers["south_part"]
    seller_order_transition(seller_order=south_part, to=SS.SHIPPED)
    seller_order_transition(seller_order=south_part, to=SS.DELIVERED)
    seller_order_cancel(
        seller_order=two_sellers["north_part"], actor=two_sellers["member"], reason="out_of_stock"
    )
    dispatch()
    assert Order.objects.get(pk=two_sellers["order"].pk).status == Order.Status.COMPLETED
    assert refunded_total(two_sellers["payment"]) == D("31.50")


@pytest.mark.parametrize(
    ("reason", "note", "message"),
    [
        ("", "", "Choose why you are cancelling."),
        ("because", "", "Choose one of the listed reasons."),
        ("other", "   ", "Say in the note why you are cancelling."),
    ],
)
def test_a_bad_reason_is_refused_and_changes_nothing(two_sellers, reason, note, message):
    north_part = two_sellers["north_part"]
    with pytest.raises(ApplicationError) as refused:
        seller_order_cancel(seller_order=north_part, actor=two_sellers["member"], reason=reason, note=note)
    assert refused.value.message == message
    north_part.refresh_from_db()
    assert north_part.status == SS.READY_TO_SHIP
    assert not OutboxEvent.objects.filter(name="seller_order.seller_cancelled").exists()


def test_a_shipped_or_cancelled_part_is_refused(two_sellers):
    north_part, south_part = two_sellers["north_part"], two_sellers["south_part"]
    seller_order_transition(seller_order=south_part, to=SS.PARTIALLY_SHIPPED)
    with pytest.raises(ApplicationError) as refused:
        seller_order_cancel(seller_order=south_part, actor=None, reason="out_of_stock")
    assert refused.value.message == (
        f"Order {south_part.number} is partially shipped: "
        "only an order with no unit shipped can be cancelled."
    )
    seller_order_cancel(seller_order=north_part, actor=None, reason="out_of_stock")
    with pytest.raises(ApplicationError) as again:
        seller_order_cancel(seller_order=north_part, actor=None, reason="out_of_stock")
    assert again.value.message == f"Order {north_part.number} is already cancelled."
    assert OutboxEvent.objects.filter(name="seller_order.seller_cancelled").count() == 1


def test_a_refund_the_payment_cannot_take_is_left_on_the_audit_trail(two_sellers):
    payment = two_sellers["payment"]
    # Staff refunded nearly everything by hand first.
    refund_create(
        payment=payment, amount=D("60.00"), reason="Goodwill", actor=None, idempotency_key="staff-1"
    )
    north_part = two_sellers["north_part"]
    seller_order_cancel(seller_order=north_part, actor=None, reason="out_of_stock")
    dispatch()
    assert refunded_total(payment) == D("60.00")
    event = OrderEvent.objects.get(seller_order=north_part, kind="seller_cancel_refund_failed")
    assert event.message == "Refund not made: Only $8.50 of this payment can still be refunded."


def test_the_scorecard_counts_it_as_a_seller_cancellation(two_sellers):
    seller_order_cancel(
        seller_order=two_sellers["north_part"], actor=two_sellers["member"], reason="out_of_stock"
    )
    figures = scorecard_figures(seller_ids=[two_sellers["north"].pk])[two_sellers["north"].pk][30]
    assert (figures.orders, figures.cancelled_orders) == (1, 1)
