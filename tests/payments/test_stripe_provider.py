"""The Stripe adapter against Stripe's HTTP API, stubbed at the HTTP client (``FakeStripe``)."""
# ruff: noqa: F811 (the stripe_api fixture is imported, then requested by name)

import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from payments.providers import base, get_provider
from payments.providers.base import ProviderError
from payments.providers.sandbox import SandboxProvider
from payments.providers.stripe import StripeProvider
from tests.payments.stripe_fixtures import SECRET_KEY, stripe_api  # noqa: F401 (a fixture)

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db
# Spelled in two parts so this file does not match itself.
DYNAMIC_IMPORT = 'import_module("' + "stripe"


@pytest.fixture
def provider(stripe_api):
    return get_provider()


def created(provider, amount="48.99", currency="USD", key="pay-T1-attempt-1"):
    return provider.create_payment(
        amount=Decimal(amount), currency=currency, reference="T1", idempotency_key=key
    )


def test_stripe_is_the_provider_when_its_secret_key_is_set(stripe_api):
    assert isinstance(get_provider(), StripeProvider)
    with override_settings(STRIPE_SECRET_KEY=""):
        assert isinstance(get_provider(), SandboxProvider)


def test_creating_a_payment_sends_a_payment_intent_with_the_idempotency_key(provider, stripe_api):
    payment = created(provider)

    (request,) = stripe_api.requests
    assert (request.method, request.path) == ("POST", "/v1/payment_intents")
    assert request.params == {
        "amount": "4899",
        "currency": "usd",
        "automatic_payment_methods[enabled]": "true",
        "description": "Order T1",
        "metadata[order_number]": "T1",
    }
    assert request.idempotency_key == "pay-T1-attempt-1"
    assert request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert payment.id.startswith("pi_")
    assert (payment.status, payment.amount, payment.currency, payment.reference) == (
        base.CREATED,
        Decimal("48.99"),
        "USD",
        "T1",
    )
    assert payment.client_secret.startswith(f"{payment.id}_secret_")


def test_the_same_key_gets_the_same_intent_and_another_amount_is_refused(provider, stripe_api):
    first = created(provider)
    again = created(provider)

    assert again.id == first.id
    assert len(stripe_api.intents) == 1
    with pytest.raises(ProviderError, match="Keys for idempotent requests can only be used with the same"):
        created(provider, amount="50.00")


def test_zero_decimal_currencies_are_sent_in_whole_units(provider, stripe_api):
    payment = created(provider, amount="1500", currency="JPY")

    assert stripe_api.requests[0].params["amount"] == "1500"
    assert stripe_api.requests[0].params["currency"] == "jpy"
    assert (payment.amount, payment.currency) == (Decimal("1500"), "JPY")


def test_an_amount_finer_than_the_currency_is_refused_before_calling_stripe(provider, stripe_api):
    with pytest.raises(ValueError, match="more decimals than JPY allows"):
        created(provider, amount="1500.50", currency="JPY")

    assert stripe_api.requests == []


def test_retrieving_a_paid_intent_reads_its_card_from_the_charge(provider, stripe_api):
    payment = created(provider)
    stripe_api.confirm_in_browser(payment.id, fingerprint="fp_Ada", country="gb")

    current = provider.retrieve_payment(payment_id=payment.id)

    request = stripe_api.requests[-1]
    assert (request.method, request.path, request.params) == (
        "GET",
        f"/v1/payment_intents/{payment.id}",
        {"expand[0]": "latest_charge"},
    )
    assert (current.status, current.card_fingerprint, current.card_country, current.amount_refunded) == (
        base.SUCCEEDED,
        "fp_Ada",
        "GB",
        Decimal("0.00"),
    )


def test_a_declined_intent_is_failed_with_the_decline_code_and_stripe_message(provider, stripe_api):
    payment = created(provider)
    stripe_api.decline_in_browser(payment.id, "insufficient_funds")

    current = provider.retrieve_payment(payment_id=payment.id)

    assert (current.status, current.failure_code, current.decline_code, current.failure_message) == (
        base.FAILED,
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    )


def test_an_intent_needing_3d_secure_sends_the_shopper_back_to_the_pay_page(provider, stripe_api):
    payment = created(provider)
    stripe_api.require_action(payment.id)

    current = provider.retrieve_payment(payment_id=payment.id)

    assert (current.status, current.next_action_url) == (base.REQUIRES_ACTION, "/pay/T1/")


def test_cancelling_an_open_intent(provider, stripe_api):
    payment = created(provider)

    cancelled = provider.cancel_payment(payment_id=payment.id)

    assert stripe_api.requests[-1].path == f"/v1/payment_intents/{payment.id}/cancel"
    assert cancelled.status == base.CANCELLED
    # A second cancel carries the same key and gets Stripe's first answer again.
    assert provider.cancel_payment(payment_id=payment.id).status == base.CANCELLED
    # With another key Stripe refuses it; the adapter sees the intent is cancelled, which was asked.
    assert provider.cancel_payment(payment_id=payment.id, idempotency_key="again").status == base.CANCELLED
    assert [r.path for r in stripe_api.requests[-2:]] == [
        f"/v1/payment_intents/{payment.id}/cancel",
        f"/v1/payment_intents/{payment.id}",
    ]


def test_a_paid_intent_cannot_be_cancelled(provider, stripe_api):
    payment = created(provider)
    stripe_api.confirm_in_browser(payment.id)

    with pytest.raises(
        ProviderError, match="You cannot cancel this PaymentIntent because it has a status of succeeded"
    ):
        provider.cancel_payment(payment_id=payment.id)


def test_a_refund_is_sent_in_minor_units_with_its_idempotency_key(provider, stripe_api):
    payment = created(provider)
    stripe_api.confirm_in_browser(payment.id)

    refund = provider.refund(payment_id=payment.id, amount=Decimal("10.00"), idempotency_key="refund-1")
    again = provider.refund(payment_id=payment.id, amount=Decimal("10.00"), idempotency_key="refund-1")

    refunds = stripe_api.sent("POST", "/v1/refunds")
    assert [(r.params, r.idempotency_key) for r in refunds] == [
        ({"payment_intent": payment.id, "amount": "1000"}, "refund-1"),
        ({"payment_intent": payment.id, "amount": "1000"}, "refund-1"),
    ]
    assert refund == again
    assert (refund.status, refund.amount, refund.currency) == ("succeeded", Decimal("10.00"), "USD")
    assert len(stripe_api.refunds) == 1


def test_a_refund_above_what_is_left_is_refused_by_stripe(provider, stripe_api):
    payment = created(provider)
    stripe_api.confirm_in_browser(payment.id)

    with pytest.raises(ProviderError, match="greater than unrefunded amount"):
        provider.refund(payment_id=payment.id, amount=Decimal("60.00"), idempotency_key="refund-big")


def test_card_numbers_are_never_sent_from_our_server(provider, stripe_api):
    payment = created(provider)

    with pytest.raises(ProviderError, match="only in the browser"):
        provider.confirm_payment(payment_id=payment.id, payment_method={"number": "4242424242424242"})

    assert [r.path for r in stripe_api.requests] == ["/v1/payment_intents"]


def test_listing_recent_payments_for_reconciliation(provider, stripe_api):
    paid = created(provider, key="k1")
    created(provider, key="k2")
    stripe_api.confirm_in_browser(paid.id)
    stripe_api.refund_in_dashboard(paid.id, 899)

    payments = provider.list_payments(created_since=timezone.now() - timedelta(hours=1))

    request = stripe_api.requests[-1]
    assert (request.method, request.path) == ("GET", "/v1/payment_intents")
    assert request.params["expand[0]"] == "data.latest_charge"
    assert {(p.id, p.status, p.amount_refunded) for p in payments} == {
        (paid.id, base.SUCCEEDED, Decimal("8.99")),
        (payments[1].id, base.CREATED, Decimal("0.00")),
    }


def test_a_missing_secret_key_is_a_configuration_error(stripe_api):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="STRIPE_SECRET_KEY"):
        StripeProvider(api_key="").retrieve_payment(payment_id="pi_1")


def test_only_the_adapter_imports_stripe():
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    importers = sorted(
        path
        for path in tracked
        if (REPO / path).is_file()  # a tracked file deleted in the working tree is listed too
        and any(
            line.strip().startswith(("import stripe", "from stripe ", "from stripe."))
            or DYNAMIC_IMPORT in line
            for line in (REPO / path).read_text().splitlines()
        )
    )
    assert importers == ["payments/providers/stripe.py"]


def test_a_payout_is_a_connect_transfer_in_minor_units_and_a_retry_pays_once(stripe_api):  # noqa: F811
    provider = StripeProvider()

    first = provider.transfer(
        account_id="acct_1SellerDemo",
        amount=Decimal("1234.56"),
        currency="USD",
        idempotency_key="payout-7-2026-11-22",
    )
    again = provider.transfer(
        account_id="acct_1SellerDemo",
        amount=Decimal("1234.56"),
        currency="USD",
        idempotency_key="payout-7-2026-11-22",
    )

    assert first == again
    assert len(stripe_api.transfers) == 1
    [request, _retry] = stripe_api.sent("POST", "/v1/transfers")
    assert request.params == {"amount": "123456", "currency": "usd", "destination": "acct_1SellerDemo"}
    assert request.idempotency_key == "payout-7-2026-11-22"


def test_a_transfer_to_an_unknown_account_is_a_provider_error(stripe_api):  # noqa: F811
    with pytest.raises(ProviderError, match="No such destination"):
        StripeProvider().transfer(
            account_id="nope", amount=Decimal("10.00"), currency="USD", idempotency_key="payout-x"
        )
