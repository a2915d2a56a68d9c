"""Correctly signed webhooks whose body does not fit: a 400 with the reason, nothing written.

The provider stops retrying an event we answered 400 (or we see it in its
dashboard); a 500 would make it retry for days, and a half-applied event would
leave a payment or a ledger wrong. Each body here is signed as the provider
signs it, so only ``payments.providers.payloads`` stands between it and the data.
"""
# ruff: noqa: F811 (the stripe_api fixture is imported, then requested by name)

import json
import uuid

import pytest

from orders.models import Order
from payments.models import Dispute, Payment, Refund, WebhookEvent
from payments.providers.sandbox import SandboxProvider
from payments.providers.sandbox import sign as sandbox_sign
from payments.services import payment_start
from payments.stripe_checkout import payment_element_start
from tests.payments.conftest import CARDS, payment_method
from tests.payments.stripe_fixtures import dispute, event, stripe_api  # noqa: F401
from tests.payments.stripe_fixtures import sign as stripe_sign

pytestmark = pytest.mark.django_db

SANDBOX_URL = "/pay/sandbox/webhook/"
STRIPE_URL = "/pay/stripe/webhook/"


def _without(key):
    def change(obj):
        obj.pop(key)

    return change


def _set(key, value):
    def change(obj):
        obj[key] = value

    return change


# (what is wrong with the payment intent, the reason given)
BAD_INTENTS = {
    "no-status": (_without("status"), "Malformed event: data.object.status is missing."),
    "no-currency": (_without("currency"), "Malformed event: data.object.currency is missing."),
    "unexpected-status": (
        _set("status", "exploded"),
        "Malformed event: data.object.status 'exploded' is not one we know.",
    ),
    "status-not-text": (_set("status", ["succeeded"]), "Malformed event: data.object.status is not text."),
    "amount-not-a-number": (
        _set("amount", "forty-eight"),
        "Malformed event: data.object.amount is not a whole number of minor units.",
    ),
    "amount-as-text": (
        _set("amount", "4899"),
        "Malformed event: data.object.amount is not a whole number of minor units.",
    ),
    "amount-fractional": (
        _set("amount", 48.99),
        "Malformed event: data.object.amount is not a whole number of minor units.",
    ),
    "amount-true": (
        _set("amount", True),
        "Malformed event: data.object.amount is not a whole number of minor units.",
    ),
    "amount-negative": (
        _set("amount", -4899),
        "Malformed event: data.object.amount is not a whole number of minor units.",
    ),
    "amount-huge": (
        _set("amount", 10**30),
        "Malformed event: data.object.amount is not a whole number of minor units.",
    ),
    "currency-not-a-code": (
        _set("currency", "dollars"),
        "Malformed event: data.object.currency is not a currency code.",
    ),
    "no-id": (_without("id"), "Malformed event: data.object.id is missing."),
    "metadata-not-an-object": (
        _set("metadata", "x"),
        "Malformed event: data.object.metadata is not an object.",
    ),
    "nul-in-metadata": (
        _set("metadata", {"reference": "A\x00B", "order_number": "A\x00B"}),
        "Malformed event: it contains a NUL character.",
    ),
}

# (what is wrong with the event around the object, the reason given)
BAD_ENVELOPES = {
    "long-event-id": (_set("id", "evt_" + "x" * 200), "Malformed event: id is longer than 100 characters."),
    "event-id-not-text": (_set("id", 12345), "Malformed event: id is not text."),
    "long-type": (
        _set("type", "payment_intent." + "x" * 200),
        "Malformed event: type is longer than 100 characters.",
    ),
    "object-not-an-object": (
        lambda body: body["data"].update(object="pi_1"),
        "Malformed event: data.object is not an object.",
    ),
}


# -- the sandbox ----------------------------------------------------------------


@pytest.fixture
def sandbox_payment(order):
    payment = payment_start(order=order, idempotency_key=f"pay-{order.number}-{uuid.uuid4()}")
    SandboxProvider().confirm_payment(
        payment_id=payment.provider_payment_id, payment_method=payment_method(CARDS["success"])
    )
    return payment


def sandbox_body(payment) -> dict:
    return json.loads(
        SandboxProvider().event_payload(
            event_type="payment_intent.succeeded", payment_id=payment.provider_payment_id, event_id="evt_sb_9"
        )
    )


def post_sandbox(client, body: dict):
    payload = json.dumps(body).encode()
    return client.post(
        SANDBOX_URL, payload, content_type="application/json", HTTP_SANDBOX_SIGNATURE=sandbox_sign(payload)
    )


def assert_nothing_written(order, payment):
    order.refresh_from_db()
    payment.refresh_from_db()
    assert WebhookEvent.objects.count() == 0
    assert order.status == Order.Status.PENDING_PAYMENT
    assert payment.status == Payment.Status.CREATED
    assert Refund.objects.count() == Dispute.objects.count() == 0


@pytest.mark.parametrize("case", list(BAD_INTENTS), ids=list(BAD_INTENTS))
def test_a_signed_sandbox_event_with_a_bad_intent_gets_400_with_the_reason(
    client, order, sandbox_payment, case
):
    change, reason = BAD_INTENTS[case]
    body = sandbox_body(sandbox_payment)
    change(body["data"]["object"])

    response = post_sandbox(client, body)

    assert (response.status_code, response.json()) == (400, {"error": reason})
    assert_nothing_written(order, sandbox_payment)


@pytest.mark.parametrize("case", list(BAD_ENVELOPES), ids=list(BAD_ENVELOPES))
def test_a_signed_sandbox_event_with_a_bad_envelope_gets_400_with_the_reason(
    client, order, sandbox_payment, case
):
    change, reason = BAD_ENVELOPES[case]
    body = sandbox_body(sandbox_payment)
    change(body)

    response = post_sandbox(client, body)

    assert (response.status_code, response.json()) == (400, {"error": reason})
    assert_nothing_written(order, sandbox_payment)


def test_a_signed_sandbox_event_with_a_5000_digit_amount_gets_400(client, order, sandbox_payment):
    payload = (
        json.dumps(sandbox_body(sandbox_payment))
        .encode()
        .replace(b'"amount": 4899', b'"amount": ' + b"9" * 5000)
    )

    response = client.post(
        SANDBOX_URL, payload, content_type="application/json", HTTP_SANDBOX_SIGNATURE=sandbox_sign(payload)
    )

    assert response.status_code == 400
    assert_nothing_written(order, sandbox_payment)


def test_a_well_formed_sandbox_event_still_pays(client, order, sandbox_payment):
    response = post_sandbox(client, sandbox_body(sandbox_payment))

    order.refresh_from_db()
    assert (response.status_code, order.status) == (200, Order.Status.PAID)


# -- Stripe -----------------------------------------------------------------------


@pytest.fixture
def stripe_payment(order, stripe_api):
    return payment_element_start(order=order).payment


def post_stripe(client, body: dict):
    payload = json.dumps(body).encode()
    return client.post(
        STRIPE_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=stripe_sign(payload)
    )


def stripe_body(event_type: str, obj: dict) -> dict:
    return json.loads(event(event_type, obj))


@pytest.mark.parametrize("case", list(BAD_INTENTS), ids=list(BAD_INTENTS))
@pytest.mark.parametrize("event_type", ["payment_intent.succeeded", "payment_intent.payment_failed"])
def test_a_signed_stripe_intent_event_with_a_bad_intent_gets_400_with_the_reason(
    client, order, stripe_payment, stripe_api, case, event_type
):
    change, reason = BAD_INTENTS[case]
    intent_id = stripe_payment.provider_payment_id
    intent = (
        stripe_api.confirm_in_browser(intent_id)
        if event_type.endswith("succeeded")
        else stripe_api.decline_in_browser(intent_id)
    )
    body = stripe_body(event_type, dict(intent))
    change(body["data"]["object"])

    response = post_stripe(client, body)

    assert (response.status_code, response.json()) == (400, {"error": reason})
    assert_nothing_written(order, stripe_payment)
    assert stripe_api.sent("GET", "/v1/charges/") == []  # refused before anything was fetched


@pytest.mark.parametrize("case", list(BAD_ENVELOPES), ids=list(BAD_ENVELOPES))
def test_a_signed_stripe_event_with_a_bad_envelope_gets_400_with_the_reason(
    client, order, stripe_payment, stripe_api, case
):
    change, reason = BAD_ENVELOPES[case]
    body = stripe_body(
        "payment_intent.succeeded", stripe_api.confirm_in_browser(stripe_payment.provider_payment_id)
    )
    change(body)

    response = post_stripe(client, body)

    assert (response.status_code, response.json()) == (400, {"error": reason})
    assert_nothing_written(order, stripe_payment)


BAD_CHARGES = {
    "amount-not-a-number": (
        _set("amount", "lots"),
        "Malformed event: data.object.amount is not a whole number of minor units.",
    ),
    "no-currency": (_without("currency"), "Malformed event: data.object.currency is missing."),
    "unexpected-status": (
        _set("status", "vanished"),
        "Malformed event: data.object.status 'vanished' is not one we know.",
    ),
    "intent-not-text": (
        _set("payment_intent", 7),
        "Malformed event: data.object.payment_intent is not text.",
    ),
    "refunded-not-a-number": (
        _set("amount_refunded", "some"),
        "Malformed event: data.object.amount_refunded is not a whole number of minor units.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CHARGES), ids=list(BAD_CHARGES))
def test_a_signed_charge_refunded_event_with_a_bad_charge_gets_400(
    client, order, stripe_payment, stripe_api, case
):
    change, reason = BAD_CHARGES[case]
    intent_id = stripe_payment.provider_payment_id
    stripe_api.confirm_in_browser(intent_id)
    stripe_api.refund_in_dashboard(intent_id, 899)
    body = stripe_body("charge.refunded", dict(stripe_api.charge_of(intent_id)))
    change(body["data"]["object"])

    response = post_stripe(client, body)

    assert (response.status_code, response.json()) == (400, {"error": reason})
    assert_nothing_written(order, stripe_payment)


BAD_DISPUTES = {
    "no-amount": (_without("amount"), "Malformed event: data.object.amount is missing."),
    "no-currency": (_without("currency"), "Malformed event: data.object.currency is missing."),
    "amount-not-a-number": (
        _set("amount", "48.99"),
        "Malformed event: data.object.amount is not a whole number of minor units.",
    ),
    "reason-not-text": (_set("reason", {"why": "x"}), "Malformed event: data.object.reason is not text."),
}


@pytest.mark.parametrize("case", list(BAD_DISPUTES), ids=list(BAD_DISPUTES))
def test_a_signed_dispute_event_with_a_bad_dispute_gets_400(client, order, stripe_payment, stripe_api, case):
    change, reason = BAD_DISPUTES[case]
    intent_id = stripe_payment.provider_payment_id
    stripe_api.confirm_in_browser(intent_id)
    opened = dispute(charge_obj=stripe_api.charge_of(intent_id))
    body = stripe_body("charge.dispute.created", dict(opened))
    change(body["data"]["object"])

    response = post_stripe(client, body)

    assert (response.status_code, response.json()) == (400, {"error": reason})
    assert_nothing_written(order, stripe_payment)


def test_an_unknown_stripe_event_type_with_a_nul_byte_gets_400_not_a_500(client, stripe_api):
    body = stripe_body("customer.created", {"id": "cus_Q1", "object": "customer", "name": "A\x00B"})

    response = post_stripe(client, body)

    assert (response.status_code, response.json()) == (
        400,
        {"error": "Malformed event: it contains a NUL character."},
    )
    assert WebhookEvent.objects.count() == 0
