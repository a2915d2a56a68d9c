"""Races with real threads on PostgreSQL: duplicate webhooks, doubled pay submits."""

import uuid

import pytest

from orders.models import Order, OrderEvent
from payments.models import Payment, SandboxPayment, WebhookEvent
from payments.providers.sandbox import SandboxProvider, sign
from payments.services import payment_confirm, payment_start, webhook_receive
from tests.accounts.factories import UserFactory
from tests.concurrency import race as concurrent_race
from tests.payments.conftest import order_create, payment_method

pytestmark = pytest.mark.django_db(transaction=True)


def race(target, count):
    return concurrent_race([target] * count)


def test_the_same_event_delivered_8_times_at_once_is_processed_once():
    order = order_create(user=UserFactory())
    payment = payment_start(order=order, idempotency_key="pay-race")
    # the provider's side succeeds without its own delivery, so only the racing calls can pay the order
    SandboxPayment.objects.filter(payment_id=payment.provider_payment_id).update(status="succeeded")
    payload = SandboxProvider().event_payload(
        event_type="payment_intent.succeeded", payment_id=payment.provider_payment_id, event_id="evt_sb_race"
    )

    errors = race(
        lambda: webhook_receive(
            provider_name="sandbox", payload=payload, headers={"Sandbox-Signature": sign(payload)}
        ),
        8,
    )

    order.refresh_from_db()
    assert errors == []
    assert list(WebhookEvent.objects.values_list("event_id", flat=True)) == ["evt_sb_race"]
    assert order.status == Order.Status.PAID
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1


def test_one_attempt_submitted_8_times_at_once_charges_once():
    order = order_create(user=UserFactory())
    key = f"pay-{order.number}-{uuid.uuid4()}"

    def submit():
        payment = payment_start(order=Order.objects.get(pk=order.pk), idempotency_key=key)
        payment_confirm(payment=payment, payment_method=payment_method())

    errors = race(submit, 8)

    order.refresh_from_db()
    assert errors == []
    assert Payment.objects.count() == SandboxPayment.objects.count() == 1
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED
    assert order.status == Order.Status.PAID
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
