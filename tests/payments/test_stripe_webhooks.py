"""Stripe webhooks posted to payments:stripe-webhook, signed exactly as Stripe signs them."""
# ruff: noqa: F811 (the stripe_api fixture is imported, then requested by name)

import json
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from marketplace.core.models import OutboxEvent
from orders.models import Order, OrderEvent
from payments.models import Dispute, Payment, Refund, RefundAllocation, WebhookEvent
from payments.refunds import refund_create
from payments.stripe_checkout import payment_element_start
from tests.payments.stripe_fixtures import WEBHOOK_SECRET, event, sign, stripe_api  # noqa: F401

pytestmark = pytest.mark.django_db

WEBHOOK_URL = "/pay/stripe/webhook/"


@pytest.fixture
def payment(order, stripe_api):
    return payment_element_start(order=order).payment


def deliver(client, payload: bytes, signature: str | None = ""):
    """POST ``payload`` as Stripe does; ``signature=""`` signs it now with the endpoint secret."""
    headers = {}
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature or sign(payload)
    return client.post(WEBHOOK_URL, payload, content_type="application/json", **headers)


def confirmations():
    return [message for message in mail.outbox if message.subject.endswith("is confirmed")]


def test_the_url_name():
    assert reverse("payments:stripe-webhook") == WEBHOOK_URL


def test_the_webhook_alone_pays_the_order_when_the_shopper_never_comes_back(
    client, order, payment, stripe_api, django_capture_on_commit_callbacks
):
    # given the shopper paid in the Payment Element and closed the tab
    intent = stripe_api.confirm_in_browser(payment.provider_payment_id)
    payload = event("payment_intent.succeeded", intent, event_id="evt_3Qpaid0001")

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, payload)

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (response.status_code, response.json()) == (200, {"received": "evt_3Qpaid0001"})
    assert order.status == Order.Status.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    stored = WebhookEvent.objects.get()
    assert (stored.provider, stored.type, stored.processed_at is not None) == (
        "stripe",
        "payment_intent.succeeded",
        True,
    )
    assert stored.payload["data"]["object"]["amount"] == 4899
    # the charge was fetched for the card's fingerprint (fraud screening)
    assert [r.path for r in stripe_api.sent("GET", "/v1/charges/")] == [
        f"/v1/charges/{intent['latest_charge']}"
    ]
    assert len(confirmations()) == 1


def test_replayed_duplicated_and_reordered_deliveries_pay_once_and_send_one_email(
    client, shopper_client, order, payment, stripe_api, django_capture_on_commit_callbacks
):
    intent_id = payment.provider_payment_id
    declined = event("payment_intent.payment_failed", stripe_api.decline_in_browser(intent_id))
    succeeded = event("payment_intent.succeeded", stripe_api.confirm_in_browser(intent_id))
    # Stripe may deliver the same change twice under another event id
    again = event("payment_intent.succeeded", stripe_api.intents[intent_id])

    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            deliver(client, succeeded),
            deliver(client, succeeded),  # a replay
            deliver(client, declined),  # the older decline arrives late
            deliver(client, again),
            deliver(client, succeeded, sign(succeeded, timestamp=int(time.time()) - 60)),  # Stripe's retry
        ]
        # and the shopper reaches the return page after all
        shopper_client.get(
            reverse("payments:pay-return", kwargs={"number": order.number}), {"payment_intent": intent_id}
        )

    order.refresh_from_db()
    payment.refresh_from_db()
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200]
    assert order.status == Order.Status.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    assert OutboxEvent.objects.filter(name="order.paid").count() == 1
    assert WebhookEvent.objects.count() == 3
    assert len(confirmations()) == 1


def test_a_refund_event_before_the_success_event_still_pays_once_and_records_the_refund(
    client, order, payment, stripe_api, django_capture_on_commit_callbacks
):
    intent_id = payment.provider_payment_id
    succeeded = event("payment_intent.succeeded", stripe_api.confirm_in_browser(intent_id))
    made = stripe_api.refund_in_dashboard(intent_id, 899)
    refunded = event("charge.refunded", stripe_api.charge_of(intent_id))

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, refunded).status_code == 200
        assert deliver(client, succeeded).status_code == 200

    order.refresh_from_db()
    payment.refresh_from_db()
    refund = Refund.objects.get()
    assert order.status == Order.Status.PAID
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    assert (refund.provider_refund_id, refund.amount, refund.reason) == (
        made["id"],
        Decimal("8.99"),
        "Refunded in Stripe.",
    )
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    assert list(RefundAllocation.objects.values_list("refund_id", "amount")) == [(refund.pk, Decimal("8.99"))]
    assert len(confirmations()) == 1


def test_refunds_made_in_the_dashboard_are_recorded_once_each(client, order, payment, stripe_api):
    intent_id = payment.provider_payment_id
    deliver(client, event("payment_intent.succeeded", stripe_api.confirm_in_browser(intent_id)))
    first = stripe_api.refund_in_dashboard(intent_id, 1000)
    after_first = event("charge.refunded", stripe_api.charge_of(intent_id))
    second = stripe_api.refund_in_dashboard(intent_id, 3899)
    after_second = event("charge.refunded", stripe_api.charge_of(intent_id))

    for payload in (after_second, after_first, after_second, after_first):
        assert deliver(client, payload).status_code == 200

    payment.refresh_from_db()
    assert sorted(Refund.objects.values_list("provider_refund_id", "amount")) == sorted(
        [(first["id"], Decimal("10.00")), (second["id"], Decimal("38.99"))]
    )
    assert payment.status == Payment.Status.REFUNDED
    assert OutboxEvent.objects.filter(name="refund.created").count() == 2
    # the refunds were listed from the API: charges no longer embed them
    assert {r.params["payment_intent"] for r in stripe_api.sent("GET", "/v1/refunds")} == {intent_id}


def test_a_refund_we_made_is_not_recorded_again_from_its_webhook(client, order, payment, stripe_api):
    intent_id = payment.provider_payment_id
    deliver(client, event("payment_intent.succeeded", stripe_api.confirm_in_browser(intent_id)))
    payment.refresh_from_db()
    ours = refund_create(
        payment=payment, amount=Decimal("5.00"), reason="Damaged box", actor=None, idempotency_key="staff-1"
    )

    deliver(client, event("charge.refunded", stripe_api.charge_of(intent_id)))

    assert list(Refund.objects.values_list("pk", "amount", "reason")) == [
        (ours.pk, Decimal("5.00"), "Damaged box")
    ]
    assert stripe_api.sent("POST", "/v1/refunds")[0].params == {"payment_intent": intent_id, "amount": "500"}


def test_a_dispute_is_recorded_once_and_announced_to_the_ledger(client, order, payment, stripe_api):
    intent_id = payment.provider_payment_id
    deliver(client, event("payment_intent.succeeded", stripe_api.confirm_in_browser(intent_id)))
    from tests.payments.stripe_fixtures import dispute

    opened = dispute(charge_obj=stripe_api.charge_of(intent_id), reason="fraudulent")
    payload = event("charge.dispute.created", opened)

    assert deliver(client, payload).status_code == 200
    assert deliver(client, payload).status_code == 200

    recorded = Dispute.objects.get()
    assert (recorded.payment_id, recorded.provider_dispute_id, recorded.amount, recorded.currency) == (
        payment.pk,
        opened["id"],
        Decimal("48.99"),
        "USD",
    )
    assert (recorded.reason, recorded.status) == ("fraudulent", Dispute.Status.OPEN)
    announced = OutboxEvent.objects.get(name="dispute.created")
    assert announced.payload["dispute_id"] == recorded.pk
    assert OrderEvent.objects.filter(order=order, kind="dispute").count() == 1


def test_a_dispute_without_its_intent_finds_the_payment_through_the_charge(
    client, order, payment, stripe_api
):
    intent_id = payment.provider_payment_id
    stripe_api.confirm_in_browser(intent_id)
    from tests.payments.stripe_fixtures import dispute

    opened = dispute(charge_obj=stripe_api.charge_of(intent_id), with_intent=False)

    assert deliver(client, event("charge.dispute.created", opened)).status_code == 200

    assert Dispute.objects.get().payment_id == payment.pk


def test_a_decline_event_marks_the_payment_failed_with_the_reason(client, order, payment, stripe_api):
    deliver(
        client,
        event("payment_intent.payment_failed", stripe_api.decline_in_browser(payment.provider_payment_id)),
    )

    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, payment.failure_code, payment.failure_message) == (
        Payment.Status.FAILED,
        "insufficient_funds",
        "Your card has insufficient funds.",
    )
    assert order.status == Order.Status.PENDING_PAYMENT


def test_a_cancel_event_marks_the_payment_cancelled(client, order, payment, stripe_api):
    intent = stripe_api.intents[payment.provider_payment_id]
    intent.update(status="canceled", cancellation_reason="abandoned")

    deliver(client, event("payment_intent.canceled", intent))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED


def _tampered(payload: bytes) -> tuple[bytes, str]:
    signature = sign(payload)
    return payload.replace(b"4899", b"1"), signature


@pytest.mark.parametrize(
    "attack",
    ["wrong secret", "old timestamp", "edited body", "no signature", "garbled header", "future timestamp"],
)
def test_an_untrusted_call_gets_400_and_changes_nothing(client, order, payment, stripe_api, attack):
    payload = event("payment_intent.succeeded", stripe_api.confirm_in_browser(payment.provider_payment_id))
    now = int(time.time())
    body, signature = {
        "wrong secret": (payload, sign(payload, secret="whsec_someone_else")),
        "old timestamp": (payload, sign(payload, timestamp=now - 301)),
        "edited body": _tampered(payload),
        "no signature": (payload, None),
        "garbled header": (payload, "v1=deadbeef"),
        "future timestamp": (payload, sign(payload, timestamp=now + 3600)),
    }[attack]

    response = deliver(client, body, signature)

    order.refresh_from_db()
    assert response.status_code == 400
    assert "error" in response.json()
    assert WebhookEvent.objects.count() == 0
    assert order.status == Order.Status.PENDING_PAYMENT


def test_the_tolerance_window_is_a_setting(client, order, payment, stripe_api):
    payload = event("payment_intent.succeeded", stripe_api.confirm_in_browser(payment.provider_payment_id))
    signature = sign(payload, timestamp=int(time.time()) - 400)

    with override_settings(STRIPE_WEBHOOK_TOLERANCE_SECONDS=600):
        accepted = deliver(client, payload, signature)
    refused = deliver(client, payload, signature)

    assert (accepted.status_code, refused.status_code) == (200, 400)


def test_an_unknown_event_type_is_stored_and_answered_200(client, stripe_api):
    payload = event("customer.created", {"id": "cus_Q1", "object": "customer"}, event_id="evt_3Qcustomer")

    response = deliver(client, payload)

    stored = WebhookEvent.objects.get()
    assert (response.status_code, stored.event_id, stored.type) == (200, "evt_3Qcustomer", "customer.created")
    assert stored.processed_at is not None


def test_an_event_about_a_payment_we_do_not_know_is_stored(client, stripe_api):
    from tests.payments.stripe_fixtures import payment_intent

    intent = payment_intent(amount=100, currency="usd", order_number="ELSEWHERE", status="succeeded")

    response = deliver(client, event("payment_intent.succeeded", intent, event_id="evt_3Qother"))

    assert response.status_code == 200
    assert WebhookEvent.objects.get().event_id == "evt_3Qother"


def test_the_endpoint_is_off_without_a_webhook_secret(client, stripe_api):
    payload = event("customer.created", {"id": "cus_Q1", "object": "customer"})

    with override_settings(STRIPE_WEBHOOK_SECRET=""):
        response = deliver(client, payload, sign(payload, secret=WEBHOOK_SECRET))

    assert response.status_code == 404


def test_the_endpoint_takes_only_post(client, stripe_api):
    assert client.get(WEBHOOK_URL).status_code == 405


def test_the_body_must_be_an_event(client, stripe_api):
    payload = json.dumps({"hello": "world"}).encode()

    response = deliver(client, payload)

    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0
