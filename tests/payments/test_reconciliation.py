"""Reconciliation flags each mismatch between the provider and our orders once, and nothing on a clean set."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.lifecycle import order_cancel
from orders.models import Order
from payments.models import Payment, ReconciliationFlag, SandboxPayment
from payments.providers.sandbox import SandboxProvider
from payments.reconciliation import reconciliation_flag_resolve, reconciliation_run
from payments.refunds import refund_cancelled_order
from payments.services import payment_confirm, payment_start
from payments.tasks import reconciliation_run_task
from tests.accounts.factories import UserFactory
from tests.payments.conftest import CARDS, order_create, payment_method

pytestmark = pytest.mark.django_db

Kind = ReconciliationFlag.Kind
LATER = timedelta(hours=1)  # past the grace period


def later():
    return timezone.now() + LATER


def paid_order(user=None, *, number=CARDS["success"]):
    order = order_create(user=user or UserFactory())
    payment = payment_start(order=order, idempotency_key=f"pay-{order.number}")
    payment_confirm(payment=payment, payment_method=payment_method(number))
    order.refresh_from_db()
    return order


def provider_only_success(amount=Decimal("30.00")) -> str:
    """A payment that succeeded at the provider that we never recorded."""
    provider = SandboxProvider()
    created = provider.create_payment(
        amount=amount, currency="USD", reference="GHOST", idempotency_key=uuid.uuid4().hex
    )
    provider.confirm_payment(payment_id=created.id, payment_method=payment_method())
    return created.id


@pytest.fixture
def clean_set(db):
    """A paid order, a declined attempt, and a cancelled order refunded in full."""
    paid = paid_order()
    declined = order_create(user=UserFactory())
    payment_confirm(
        payment=payment_start(order=declined, idempotency_key="declined"),
        payment_method=payment_method(CARDS["generic_decline"]),
    )
    cancelled = paid_order()
    order_cancel(order=cancelled, actor=None, reason="Changed my mind")
    refund_cancelled_order(order=cancelled, reason="Changed my mind")
    return paid, declined, cancelled


def test_a_clean_set_raises_no_flag(clean_set):
    paid, declined, cancelled = clean_set
    assert (paid.status, cancelled.status) == (Order.Status.PAID, Order.Status.CANCELLED)
    assert Payment.objects.get(order=cancelled).status == Payment.Status.REFUNDED

    assert reconciliation_run(now=later()) == []
    assert ReconciliationFlag.objects.count() == 0


def test_a_held_order_is_not_a_mismatch(settings, db):
    settings.FRAUD_HOLD_SCORE = 0  # every order is held
    held = paid_order()
    assert held.status == Order.Status.ON_HOLD

    assert reconciliation_run(now=later()) == []


def test_a_provider_payment_with_no_record_here_is_flagged_once(clean_set):
    ghost = provider_only_success()

    flags = reconciliation_run(now=later())
    again = reconciliation_run(now=later())

    assert [(f.kind, f.provider_payment_id, f.order) for f in flags] == [
        (Kind.PAYMENT_WITHOUT_ORDER, ghost, None)
    ]
    assert flags[0].details == {
        "amount": "30.00",
        "currency": "USD",
        "amount_refunded": "0.00",
        "reference": "GHOST",
        "order_status": "",
    }
    assert again == []
    assert ReconciliationFlag.objects.count() == 1


def test_a_success_whose_order_never_took_it_is_flagged(db):
    # The provider captured, but our side never applied it (the webhook was lost).
    order = order_create(user=UserFactory())
    payment = payment_start(order=order, idempotency_key="lost")
    SandboxProvider().confirm_payment(payment_id=payment.provider_payment_id, payment_method=payment_method())

    flags = reconciliation_run(now=later())

    assert [(f.kind, f.provider_payment_id, f.order) for f in flags] == [
        (Kind.PAYMENT_WITHOUT_ORDER, payment.provider_payment_id, order)
    ]
    assert flags[0].details["order_status"] == Order.Status.PENDING_PAYMENT


def test_a_partly_refunded_payment_of_a_cancelled_order_is_flagged(db):
    order = paid_order()
    payment = Payment.objects.get(order=order)
    SandboxProvider().refund(
        payment_id=payment.provider_payment_id, amount=Decimal("10.00"), idempotency_key="partial"
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)

    flags = reconciliation_run(now=later())

    assert [(f.kind, f.order) for f in flags] == [(Kind.PAYMENT_WITHOUT_ORDER, order)]
    assert flags[0].details["amount_refunded"] == "10.00"


def test_a_paid_order_with_no_captured_payment_is_flagged_once(clean_set):
    order = order_create(user=UserFactory())
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, paid_at=timezone.now())

    flags = reconciliation_run(now=later())
    again = reconciliation_run(now=later())

    assert [(f.kind, f.provider_payment_id, f.order) for f in flags] == [
        (Kind.ORDER_WITHOUT_PAYMENT, "", order)
    ]
    assert flags[0].details == {"reason": "no captured payment"}
    assert again == []


def test_a_paid_order_whose_payment_the_provider_does_not_confirm_is_flagged(db):
    order = paid_order()
    payment = Payment.objects.get(order=order)
    SandboxPayment.objects.filter(payment_id=payment.provider_payment_id).update(
        status=SandboxPayment.Status.CANCELED
    )

    flags = reconciliation_run(now=later())

    assert [(f.kind, f.provider_payment_id, f.order) for f in flags] == [
        (Kind.ORDER_WITHOUT_PAYMENT, payment.provider_payment_id, order)
    ]
    assert flags[0].details == {"reason": "the provider says the payment is cancelled"}


def test_an_amount_mismatch_is_flagged_once(clean_set):
    order = paid_order()
    Order.objects.filter(pk=order.pk).update(subtotal_amount=Decimal("41.00"), total_amount=Decimal("49.99"))
    payment = Payment.objects.get(order=order)

    flags = reconciliation_run(now=later())
    again = reconciliation_run(now=later())

    assert [(f.kind, f.provider_payment_id, f.order) for f in flags] == [
        (Kind.AMOUNT_MISMATCH, payment.provider_payment_id, order)
    ]
    assert (flags[0].details["amount"], flags[0].details["order_total"]) == ("48.99", "49.99")
    assert again == []


def test_each_mismatch_is_flagged_once_in_one_run(clean_set):
    ghost = provider_only_success()
    unpaid = order_create(user=UserFactory())
    Order.objects.filter(pk=unpaid.pk).update(status=Order.Status.COMPLETED)
    mismatched = paid_order()
    Order.objects.filter(pk=mismatched.pk).update(
        subtotal_amount=Decimal("39.01"), total_amount=Decimal("48.00")
    )

    flags = reconciliation_run(now=later())

    assert sorted((f.kind, f.provider_payment_id or f.order.number) for f in flags) == sorted(
        [
            (Kind.PAYMENT_WITHOUT_ORDER, ghost),
            (Kind.ORDER_WITHOUT_PAYMENT, unpaid.number),
            (Kind.AMOUNT_MISMATCH, Payment.objects.get(order=mismatched).provider_payment_id),
        ]
    )
    assert reconciliation_run_task.delay().get() == 0


def test_a_resolved_flag_is_opened_again_if_the_mismatch_remains(db):
    ghost = provider_only_success()
    [flag] = reconciliation_run(now=later())

    assert reconciliation_flag_resolve(flags=[flag]) == 1
    [reopened] = reconciliation_run(now=later())

    assert (reopened.kind, reopened.provider_payment_id) == (Kind.PAYMENT_WITHOUT_ORDER, ghost)
    assert reopened.pk != flag.pk
    assert ReconciliationFlag.objects.filter(resolved_at__isnull=True).count() == 1


def test_payments_within_the_grace_period_wait_for_the_next_run(db):
    order = order_create(user=UserFactory())
    payment = payment_start(order=order, idempotency_key="young")
    SandboxProvider().confirm_payment(payment_id=payment.provider_payment_id, payment_method=payment_method())

    assert reconciliation_run() == []
    assert len(reconciliation_run(now=later())) == 1


def test_payments_older_than_the_window_are_not_listed(db, settings):
    provider_only_success()

    assert (
        reconciliation_run(now=timezone.now() + timedelta(hours=settings.RECONCILIATION_WINDOW_HOURS + 1))
        == []
    )


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _flags(count):
    for _ in range(count):
        ReconciliationFlag.objects.create(
            kind=Kind.ORDER_WITHOUT_PAYMENT,
            order=order_create(user=UserFactory()),
            details={"reason": "test"},
        )


def test_the_flag_list_uses_the_same_queries_for_3_and_30_rows(staff_client, django_assert_max_num_queries):
    url = reverse("admin:payments_reconciliationflag_changelist")
    _flags(3)
    staff_client.get(url)
    with django_assert_max_num_queries(100) as few:
        assert staff_client.get(url).status_code == 200
    _flags(27)
    staff_client.get(url)  # new categories: warm the navigation cache again
    with django_assert_max_num_queries(100) as many:
        response = staff_client.get(url)

    assert "30 reconciliation flags" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_staff_resolve_flags_from_the_admin(staff_client):
    _flags(2)

    response = staff_client.post(
        reverse("admin:payments_reconciliationflag_changelist"),
        {
            "action": "resolve",
            "_selected_action": list(ReconciliationFlag.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )

    assert "Resolved 2 flag(s)." in response.content.decode()
    assert ReconciliationFlag.objects.filter(resolved_at__isnull=True).count() == 0
