"""Refunds racing with real threads on PostgreSQL: the capture is never exceeded."""

from decimal import Decimal

import pytest

from payments.models import Payment, Refund, RefundAllocation, SandboxRefund
from payments.refunds import RefundRefused, refund_create
from tests.accounts.factories import UserFactory
from tests.concurrency import race
from tests.payments.test_refunds_create import paid_two_seller_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_six_concurrent_refunds_of_30_percent_each_stop_at_the_capture():
    placed, payment = paid_two_seller_order()
    staff = UserFactory(is_staff=True)
    share = Decimal("25.86")  # 30% of 86.19

    def refund(n):
        return lambda: refund_create(
            payment=Payment.objects.get(pk=payment.pk),
            amount=share,
            reason=f"Race {n}.",
            actor=staff,
            idempotency_key=f"race-{n}",
        )

    errors = race([refund(n) for n in range(6)])

    payment.refresh_from_db()
    assert [type(error) for error in errors] == [RefundRefused] * 3
    assert {error.message for error in errors} == {"Only $8.61 of this payment can still be refunded."}
    assert list(Refund.objects.values_list("amount", flat=True)) == [share] * 3
    assert SandboxRefund.objects.count() == 3
    total = sum(Refund.objects.values_list("amount", flat=True))
    assert total == Decimal("77.58") <= payment.amount
    assert sum(RefundAllocation.objects.values_list("amount", flat=True)) == total
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED


def test_one_refund_submitted_six_times_at_once_refunds_once():
    placed, payment = paid_two_seller_order()
    staff = UserFactory(is_staff=True)

    def submit():
        refund_create(
            payment=Payment.objects.get(pk=payment.pk),
            lines={placed.a1.pk: 1},
            reason="Doubled click.",
            actor=staff,
            idempotency_key="one-click",
        )

    errors = race([submit] * 6)

    assert errors == []
    assert list(Refund.objects.values_list("amount", flat=True)) == [Decimal("10.83")]
    assert SandboxRefund.objects.count() == 1
