import json
import time
import uuid

import pytest
from django.urls import reverse

from orders.models import Order, OrderEvent
from payments.models import Payment, WebhookEvent
from payments.providers.sandbox import SIGNATURE_HEADER, SandboxProvider, sign
from payments.services import payment_start
from tests.payments.conftest import CARDS, payment_method

pytestmark = pytest.mark.django_db

WEBHOOK_URL = "/pay/sandbox/webhook/"


@pytest.fixture
def payment(order):
    return payment_start(order=order, idempotency_key=f"pay-{order.number}-{uuid.uuid4()}")


def confirm_at_provider(payment, number=CARDS["success"]):
    """Confirm as the browser does with Stripe.js: straight at the provider, not through our page."""
    return SandboxProvider().confirm_payment(
        payment_id=payment.provider_payment_id, payment_method=payment_method(number)
    )


def post(client, payload: bytes, signature: str | None):
    headers = {"HTTP_SANDBOX_SIGNATURE": signature} if signature is not None else {}
    return client.post(WEBHOOK_URL, payload, content_type="application/json", **headers)


def test_the_url_name():
    assert reverse("payments:sandbox-webhook") == WEBHOOK_URL


def test_the_webhook_alone_pays_the_order_when_the_shopper_never_comes_back(
    order, payment, django_capture_on_commit_callbacks
):
    # when the shopper pays at the provider and closes the tab: only the webhook reaches us
    with django_capture_on_commit_callbacks(execute=True):
        confirm_at_provider(payment)

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    event = WebhookEvent.objects.get()
    assert (event.provider, event.type) == ("sandbox", "payment_intent.succeeded")
    assert event.payload["data"]["object"]["amount"] == 4899
    assert event.processed_at is not None


def test_a_signed_event_posted_to_the_endpoint_is_processed(client, order, payment):
    confirm_at_provider(payment)  # the automatic delivery is not run: no on-commit in this test
    payload = SandboxProvider().event_payload(
        event_type="payment_intent.succeeded", payment_id=payment.provider_payment_id, event_id="evt_sb_1"
    )

    response = post(client, payload, sign(payload))

    order.refresh_from_db()
    assert (response.status_code, response.json()) == (200, {"received": "evt_sb_1"})
    assert order.status == Order.Status.PAID
    assert WebhookEvent.objects.get().event_id == "evt_sb_1"


def _signed_event(payment):
    confirm_at_provider(payment)
    payload = SandboxProvider().event_payload(
        event_type="payment_intent.succeeded", payment_id=payment.provider_payment_id, event_id="evt_sb_2"
    )
    return payload


@pytest.mark.parametrize(
    ("tamper", "error"),
    [
        (lambda p: (p, sign(p, secret="not-the-secret")), "The webhook signature does not match."),
        (
            lambda p: (p, sign(p, timestamp=int(time.time()) - 330)),
            "The webhook timestamp is outside the tolerance.",
        ),
        (
            lambda p: (p, sign(p, timestamp=int(time.time()) + 330)),
            "The webhook timestamp is outside the tolerance.",
        ),
        (lambda p: (p.replace(b"4899", b"1"), sign(p)), "The webhook signature does not match."),
        (lambda p: (p, None), "The webhook call is not signed."),
        (lambda p: (p, "v1=abc"), "The webhook signature has no timestamp."),
    ],
    ids=["wrong-secret", "old", "future", "edited-body", "unsigned", "no-timestamp"],
)
def test_an_untrusted_call_is_refused_and_changes_nothing(client, order, payment, tamper, error):
    payload, signature = tamper(_signed_event(payment))

    response = post(client, payload, signature)

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (response.status_code, response.json()) == (400, {"error": error})
    assert WebhookEvent.objects.count() == 0
    assert order.status == Order.Status.PENDING_PAYMENT
    assert payment.status == Payment.Status.CREATED


def test_an_event_four_minutes_old_is_still_accepted(client, order, payment):
    payload = _signed_event(payment)

    response = post(client, payload, sign(payload, timestamp=int(time.time()) - 240))

    assert response.status_code == 200


def test_a_replayed_event_id_is_not_processed_again(client, order, payment):
    # given a decline event, processed
    confirm_at_provider(payment, CARDS["generic_decline"])
    payload = SandboxProvider().event_payload(
        event_type="payment_intent.payment_failed",
        payment_id=payment.provider_payment_id,
        event_id="evt_sb_3",
    )
    assert post(client, payload, sign(payload)).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == (Payment.Status.FAILED, "generic_decline")
    processed_at = WebhookEvent.objects.get().processed_at
    # and the payment since put back to created (so processing again would show)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.CREATED, failure_code="")

    # when the same event id arrives again, freshly signed
    response = post(client, payload, sign(payload))

    payment.refresh_from_db()
    assert response.status_code == 200
    assert (payment.status, payment.failure_code) == (Payment.Status.CREATED, "")
    assert list(WebhookEvent.objects.values_list("event_id", "processed_at")) == [("evt_sb_3", processed_at)]


def test_a_late_failure_event_never_undoes_a_success(
    client, order, payment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        confirm_at_provider(payment)
    event = json.loads(
        SandboxProvider().event_payload(
            event_type="payment_intent.payment_failed",
            payment_id=payment.provider_payment_id,
            event_id="evt_sb_4",
        )
    )
    event["data"]["object"]["status"] = "requires_payment_method"
    event["data"]["object"]["last_payment_error"] = {
        "code": "card_declined",
        "decline_code": "x",
        "message": "No.",
    }
    payload = json.dumps(event).encode()

    assert post(client, payload, sign(payload)).status_code == 200

    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert order.status == Order.Status.PAID
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1


def test_the_sandbox_endpoint_is_off_when_another_provider_is_configured(client, settings, order, payment):
    settings.PAYMENT_PROVIDER = "stripe"
    payload = _signed_event(payment)

    assert post(client, payload, sign(payload)).status_code == 404


def test_the_signature_header_is_stripe_shaped():
    header = sign(b"{}", timestamp=1700000000)

    assert header.startswith("t=1700000000,v1=")
    assert len(header.split("v1=")[1]) == 64
    assert SIGNATURE_HEADER == "Sandbox-Signature"
