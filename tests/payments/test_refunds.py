import uuid
from decimal import Decimal

import pytest

from orders.lifecycle import order_cancel
from orders.models import Order
from payments.handlers import order_cancelled_refund
from payments.models import Payment, Refund, SandboxPayment, SandboxRefund
from payments.providers.sandbox import SandboxProvider
from payments.refunds import refund_create
from payments.services import payment_confirm, payment_start, payment_sync
from tests.payments.conftest import CARDS, payment_method

pytestmark = pytest.mark.django_db


def pay(order, number=CARDS["success"]):
    payment = payment_start(order=order, idempotency_key=f"pay-{order.number}-{uuid.uuid4()}")
    return payment_confirm(payment=payment, payment_method=payment_method(number), return_url="/r/").payment


def test_cancelling_a_paid_order_refunds_it_once(order, shopper, django_capture_on_commit_callbacks):
    payment = pay(order)

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=shopper, reason="Ordered by mistake.")
    # the handler runs again (an outbox retry): nothing more is refunded
    order_cancelled_refund(order_id=order.pk, reason="Ordered by mistake.")

    payment.refresh_from_db()
    refund = Refund.objects.get()
    assert (refund.payment, refund.amount, refund.idempotency_key, refund.reason) == (
        payment,
        Decimal("48.99"),
        f"cancel-{order.number}",
        "Order cancelled: Ordered by mistake.",
    )
    assert payment.status == Payment.Status.REFUNDED
    assert list(SandboxRefund.objects.values_list("refund_id", "amount_minor")) == [
        (refund.provider_refund_id, 4899)
    ]


def test_cancelling_after_a_partial_refund_refunds_the_rest(
    order, shopper, django_capture_on_commit_callbacks
):
    payment = pay(order)
    refund_create(
        payment=payment, amount=Decimal("10.00"), reason="Goodwill", actor=None, idempotency_key="goodwill-1"
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=shopper, reason="Too slow.")

    payment.refresh_from_db()
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [Decimal("10.00"), Decimal("38.99")]
    assert payment.status == Payment.Status.REFUNDED


def test_cancelling_an_unpaid_order_cancels_its_open_payment(
    order, shopper, django_capture_on_commit_callbacks
):
    payment = pay(order, CARDS["3ds"])
    assert payment.status == Payment.Status.REQUIRES_ACTION

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=shopper, reason="Changed my mind.")

    payment.refresh_from_db()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert payment.status == Payment.Status.CANCELLED
    assert SandboxPayment.objects.get().status == SandboxPayment.Status.CANCELED
    assert Refund.objects.count() == 0


def test_a_second_payment_of_a_paid_order_is_refunded(order):
    # given two tabs, each with a payment started while the order awaited payment
    first = payment_start(order=order, idempotency_key="pay-tab-1")
    second = payment_start(order=order, idempotency_key="pay-tab-2")
    payment_confirm(payment=first, payment_method=payment_method())

    # when the second tab's payment also goes through at the provider
    SandboxProvider().confirm_payment(payment_id=second.provider_payment_id, payment_method=payment_method())
    result = payment_sync(payment=second)

    # then it is refunded at once, and the first one stands
    first.refresh_from_db()
    assert first.status == Payment.Status.SUCCEEDED
    assert result.payment.status == Payment.Status.REFUNDED
    assert result.refunded_because == f"Order {order.number} is already paid."
    assert Refund.objects.get().idempotency_key == f"unpayable-{second.provider_payment_id}"
