"""Stripe webhooks racing each other with real threads on PostgreSQL."""
# ruff: noqa: F811 (the stripe_api fixture is imported, then requested by name)

from decimal import Decimal

import pytest

from marketplace.core.models import OutboxEvent
from orders.models import Order, OrderEvent
from payments.models import Refund, WebhookEvent
from payments.stripe_checkout import payment_element_start
from payments.stripe_webhooks import stripe_webhook_receive
from tests.accounts.factories import UserFactory
from tests.concurrency import race
from tests.payments.conftest import order_create
from tests.payments.stripe_fixtures import event, sign, stripe_api  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def delivery(payload):
    return lambda: stripe_webhook_receive(payload=payload, headers={"Stripe-Signature": sign(payload)})


def test_the_same_success_and_refund_events_delivered_at_once_pay_once_and_refund_once(stripe_api):
    order = order_create(user=UserFactory())
    payment = payment_element_start(order=order).payment
    intent_id = payment.provider_payment_id
    succeeded = event("payment_intent.succeeded", stripe_api.confirm_in_browser(intent_id))
    made = stripe_api.refund_in_dashboard(intent_id, 1000)
    refunded = event("charge.refunded", stripe_api.charge_of(intent_id))

    errors = race([delivery(succeeded)] * 4 + [delivery(refunded)] * 4)

    order.refresh_from_db()
    assert errors == []
    assert order.status == Order.Status.PAID
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    assert list(Refund.objects.values_list("provider_refund_id", "amount")) == [
        (made["id"], Decimal("10.00"))
    ]
    assert WebhookEvent.objects.count() == 2
    assert OutboxEvent.objects.filter(name="order.paid").count() == 1
    assert OutboxEvent.objects.filter(name="refund.created").count() == 1
