import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from payments.models import SandboxPayment, SandboxRefund
from payments.providers import base, get_provider
from payments.providers.base import ProviderError, from_minor_units, to_minor_units
from payments.providers.sandbox import SandboxProvider, luhn_valid
from tests.payments.conftest import CARDS, payment_method

pytestmark = pytest.mark.django_db


def create(amount=Decimal("48.99"), key=None):
    return SandboxProvider().create_payment(
        amount=amount, currency="USD", reference="T123", idempotency_key=key or str(uuid.uuid4())
    )


def confirm(number=CARDS["success"], **card):
    created = create()
    return SandboxProvider().confirm_payment(
        payment_id=created.id, payment_method=payment_method(number, **card), return_url="/pay/T123/return/"
    )


def test_minor_units_are_exact_and_refuse_fractions_and_floats():
    assert to_minor_units(Decimal("48.99"), "USD") == 4899
    assert to_minor_units(Decimal("0.50"), "eur") == 50
    assert to_minor_units(Decimal("500"), "JPY") == 500
    assert from_minor_units(4899, "USD") == Decimal("48.99")
    assert str(from_minor_units(500, "USD")) == "5.00"
    assert from_minor_units(500, "JPY") == Decimal("500")
    with pytest.raises(ValueError, match="more decimals than USD allows"):
        to_minor_units(Decimal("1.005"), "USD")
    with pytest.raises(ValueError, match="more decimals than JPY allows"):
        to_minor_units(Decimal("1.5"), "JPY")
    with pytest.raises(TypeError):
        to_minor_units(1.5, "USD")


def test_minor_units_live_only_in_the_provider_state():
    created = create(Decimal("48.99"))

    stored = SandboxPayment.objects.get(payment_id=created.id)
    assert stored.amount_minor == 4899
    assert (created.amount, created.currency) == (Decimal("48.99"), "USD")
    assert created.client_secret.startswith(f"{created.id}_secret_")
    assert created.status == base.CREATED


def test_the_same_idempotency_key_returns_the_same_payment_and_refuses_other_parameters():
    first = create(key="k-1")
    again = create(key="k-1")

    assert again.id == first.id
    assert SandboxPayment.objects.count() == 1
    with pytest.raises(ProviderError, match="different parameters"):
        create(Decimal("10.00"), key="k-1")


def test_4242_succeeds():
    result = confirm(CARDS["success"])

    assert (result.status, result.failure_code, result.failure_message) == (base.SUCCEEDED, "", "")
    assert SandboxPayment.objects.get(payment_id=result.id).card_last4 == "4242"


@pytest.mark.parametrize(
    ("number", "decline_code", "message"),
    [
        (CARDS["generic_decline"], "generic_decline", "Your card was declined."),
        (CARDS["insufficient_funds"], "insufficient_funds", "Your card has insufficient funds."),
        (
            "5555 5555 5555 4444",
            "test_mode_live_card",
            "Your card was declined. The sandbox accepts only its test cards.",
        ),
    ],
)
def test_decline_cards_fail_with_their_decline_code(number, decline_code, message):
    result = confirm(number)

    assert (result.status, result.failure_code, result.decline_code, result.failure_message) == (
        base.FAILED,
        "card_declined",
        decline_code,
        message,
    )


def test_3155_requires_authentication_on_the_sandbox_bank_page():
    result = confirm(CARDS["3ds"])

    assert result.status == base.REQUIRES_ACTION
    assert result.next_action_url == f"/pay/sandbox/authenticate/{result.id}/"


@pytest.mark.parametrize(
    ("card", "code", "message"),
    [
        ({"number": "4242 4242 4242 4241"}, "incorrect_number", "Your card number is incorrect."),
        ({"number": "4242"}, "incorrect_number", "Your card number is incorrect."),
        ({"number": "4242-4242-4242-4242"}, "incorrect_number", "Your card number is incorrect."),
        ({"exp_month": "01", "exp_year": "20"}, "expired_card", "Your card has expired."),
        (
            {"exp_month": "13", "exp_year": "34"},
            "invalid_expiry_month",
            "Your card's expiration month is invalid.",
        ),
        ({"cvc": "12"}, "invalid_cvc", "Your card's security code is invalid."),
        ({"cvc": "12345"}, "invalid_cvc", "Your card's security code is invalid."),
        ({"cvc": "abc"}, "invalid_cvc", "Your card's security code is invalid."),
    ],
)
def test_card_checks_come_before_the_charge(card, code, message):
    number = card.pop("number", CARDS["success"])

    result = confirm(number, **card)

    assert (result.status, result.failure_code, result.failure_message) == (base.FAILED, code, message)


def test_a_four_digit_cvc_and_this_months_expiry_are_accepted(settings):
    from django.utils import timezone

    today = timezone.localdate()
    result = confirm(exp_month=str(today.month), exp_year=str(today.year % 100), cvc="1234")

    assert result.status == base.SUCCEEDED


def test_luhn():
    assert luhn_valid("4242424242424242")
    assert luhn_valid("4000002500003155")
    assert not luhn_valid("4242424242424243")
    assert not luhn_valid("42a2")


def test_authentication_complete_or_fail():
    provider = SandboxProvider()
    completed = provider.authenticate(payment_id=confirm(CARDS["3ds"]).id, succeed=True)
    failed = provider.authenticate(payment_id=confirm(CARDS["3ds"]).id, succeed=False)

    assert completed.status == base.SUCCEEDED
    assert (failed.status, failed.failure_code) == (base.FAILED, "payment_intent_authentication_failure")


def test_refunds_are_idempotent_and_never_exceed_the_payment():
    provider = SandboxProvider()
    paid = confirm()

    first = provider.refund(payment_id=paid.id, amount=Decimal("10.00"), idempotency_key="r-1")
    again = provider.refund(payment_id=paid.id, amount=Decimal("10.00"), idempotency_key="r-1")

    assert again.id == first.id
    assert (first.amount, first.currency) == (Decimal("10.00"), "USD")
    assert list(SandboxRefund.objects.values_list("amount_minor", flat=True)) == [1000]
    with pytest.raises(ProviderError, match="more than what is left"):
        provider.refund(payment_id=paid.id, amount=Decimal("38.99") + Decimal("0.01"), idempotency_key="r-2")


def test_a_declined_payment_cannot_be_refunded_and_a_paid_one_cannot_be_cancelled():
    provider = SandboxProvider()
    with pytest.raises(ProviderError, match="Only a payment that succeeded"):
        provider.refund(
            payment_id=confirm(CARDS["generic_decline"]).id, amount=Decimal("1.00"), idempotency_key="x"
        )
    with pytest.raises(ProviderError, match="refund it instead"):
        provider.cancel_payment(payment_id=confirm().id)


def test_get_provider_is_the_sandbox_without_a_stripe_key(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENT_PROVIDER = ""
    assert isinstance(get_provider(), SandboxProvider)

    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert get_provider().name == "stripe"
    settings.PAYMENT_PROVIDER = "paypal"
    with pytest.raises(ImproperlyConfigured, match="'paypal' is not available"):
        get_provider()
