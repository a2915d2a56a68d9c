"""Every write to Stripe carries an idempotency key of ours, so a retry never writes twice (issue 14, 7).

The keys are read from the ``Idempotency-Key`` header the fake Stripe received:
without ours, the library would send a random one per call and a retry of
ours (after a timeout, say) would confirm, cancel or refund a second time.
"""
# ruff: noqa: F811 (the stripe_api fixture is imported, then requested by name)

import re
from decimal import Decimal

import pytest

from orders.models import Order
from payments.models import Payment
from payments.providers import base, get_provider
from payments.providers.base import ProviderError
from payments.refunds import refund_cancelled_order, refund_create
from payments.services import payment_confirm, payment_start
from tests.payments.stripe_fixtures import stripe_api  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def provider(stripe_api):
    return get_provider()


def created(provider, key="pay-T1-attempt-1"):
    return provider.create_payment(
        amount=Decimal("48.99"), currency="USD", reference="T1", idempotency_key=key
    )


def test_every_write_sends_a_key_of_ours_made_from_our_ids(provider, stripe_api):
    # given a payment confirmed on the server, refunded in part, a payout, and an abandoned payment
    paid = created(provider, key="pay-T1-1")
    provider.confirm_payment(payment_id=paid.id, payment_method={"id": "pm_card_visa"})
    provider.refund(payment_id=paid.id, amount=Decimal("10.00"), idempotency_key="return-R1")
    provider.transfer(
        account_id="acct_1SellerDemo", amount=Decimal("5.00"), currency="USD", idempotency_key="payout-7"
    )
    abandoned = created(provider, key="pay-T1-2")
    provider.cancel_payment(payment_id=abandoned.id)

    # then each POST carried the key we chose, and none the library's random one
    writes = [(r.path, r.idempotency_key) for r in stripe_api.requests if r.method == "POST"]
    assert writes == [
        ("/v1/payment_intents", "pay-T1-1"),
        (f"/v1/payment_intents/{paid.id}/confirm", f"confirm-{paid.id}-pm_card_visa"),
        ("/v1/refunds", "return-R1"),
        ("/v1/transfers", "payout-7"),
        ("/v1/payment_intents", "pay-T1-2"),
        (f"/v1/payment_intents/{abandoned.id}/cancel", f"cancel-{abandoned.id}"),
    ]
    assert not [key for _, key in writes if UUID.search(key)]


def test_a_confirmation_succeeds_with_a_charge(provider, stripe_api):
    payment = created(provider)

    confirmed = provider.confirm_payment(
        payment_id=payment.id, payment_method={"id": "pm_card_visa"}, return_url="https://shop.test/r/"
    )

    (request,) = stripe_api.sent("POST", f"/v1/payment_intents/{payment.id}/confirm")
    assert request.params == {"payment_method": "pm_card_visa", "return_url": "https://shop.test/r/"}
    assert request.idempotency_key == f"confirm-{payment.id}-pm_card_visa"
    assert (confirmed.status, confirmed.amount, confirmed.failure_code) == (
        base.SUCCEEDED,
        Decimal("48.99"),
        "",
    )
    assert len(stripe_api.charges) == 1


def test_a_confirmation_whose_answer_was_lost_is_retried_with_the_same_key_and_charges_once(
    provider, stripe_api
):
    payment = created(provider)
    stripe_api.lose_next_answer()

    with pytest.raises(ProviderError):
        provider.confirm_payment(payment_id=payment.id, payment_method={"id": "pm_card_visa"})
    retried = provider.confirm_payment(payment_id=payment.id, payment_method={"id": "pm_card_visa"})

    confirms = stripe_api.sent("POST", f"/v1/payment_intents/{payment.id}/confirm")
    assert [r.idempotency_key for r in confirms] == [f"confirm-{payment.id}-pm_card_visa"] * 2
    assert retried.status == base.SUCCEEDED
    assert len(stripe_api.charges) == 1  # Stripe replayed its first answer


def test_a_declined_confirmation_is_a_failed_payment_and_another_card_is_a_new_attempt(provider, stripe_api):
    payment = created(provider)

    # Stripe answers a decline with HTTP 402 and the intent inside the error; the library does not retry it
    declined = provider.confirm_payment(
        payment_id=payment.id, payment_method={"id": "pm_card_chargeDeclinedInsufficientFunds"}
    )
    again = provider.confirm_payment(
        payment_id=payment.id, payment_method={"id": "pm_card_chargeDeclinedInsufficientFunds"}
    )
    other_card = provider.confirm_payment(payment_id=payment.id, payment_method={"id": "pm_card_visa"})

    assert (declined.status, declined.failure_code, declined.decline_code, declined.failure_message) == (
        base.FAILED,
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    )
    assert again == declined  # the same request: Stripe's stored answer, not a second try of the card
    assert other_card.status == base.SUCCEEDED
    confirms = stripe_api.sent("POST", f"/v1/payment_intents/{payment.id}/confirm")
    assert [r.idempotency_key for r in confirms] == [
        f"confirm-{payment.id}-pm_card_chargeDeclinedInsufficientFunds",
        f"confirm-{payment.id}-pm_card_chargeDeclinedInsufficientFunds",
        f"confirm-{payment.id}-pm_card_visa",
    ]


def test_a_caller_can_pass_its_own_key_to_try_the_same_card_again(provider, stripe_api):
    payment = created(provider)
    provider.confirm_payment(payment_id=payment.id, payment_method={"id": "pm_card_chargeDeclined"})

    retry = provider.confirm_payment(
        payment_id=payment.id, payment_method={"id": "pm_card_chargeDeclined"}, idempotency_key="confirm-9-2"
    )

    assert (retry.status, retry.decline_code) == (base.FAILED, "generic_decline")
    keys = [r.idempotency_key for r in stripe_api.sent("POST", f"/v1/payment_intents/{payment.id}/confirm")]
    assert keys == [f"confirm-{payment.id}-pm_card_chargeDeclined", "confirm-9-2"]


def test_a_confirmation_needing_3d_secure_sends_the_shopper_to_stripe(provider, stripe_api):
    payment = created(provider)

    current = provider.confirm_payment(
        payment_id=payment.id,
        payment_method={"id": "pm_card_authenticationRequired"},
        return_url="https://shop.test/r/",
    )

    assert current.status == base.REQUIRES_ACTION
    assert current.next_action_url == (
        f"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={payment.id}"
    )


def test_confirming_a_paid_intent_is_refused(provider, stripe_api):
    payment = created(provider)
    stripe_api.confirm_in_browser(payment.id)

    with pytest.raises(ProviderError, match="You cannot confirm this PaymentIntent"):
        provider.confirm_payment(payment_id=payment.id, payment_method={"id": "pm_card_visa"})


def test_a_cancellation_retried_gets_the_same_answer_and_one_made_after_the_key_expired_is_accepted(
    provider, stripe_api
):
    payment = created(provider)
    stripe_api.lose_next_answer()

    with pytest.raises(ProviderError):
        provider.cancel_payment(payment_id=payment.id)
    retried = provider.cancel_payment(payment_id=payment.id)
    # Stripe forgets a key after 24 hours: a new key meets an intent already cancelled
    later = provider.cancel_payment(payment_id=payment.id, idempotency_key=f"cancel-{payment.id}-later")

    cancels = stripe_api.sent("POST", f"/v1/payment_intents/{payment.id}/cancel")
    assert [r.idempotency_key for r in cancels] == [
        f"cancel-{payment.id}",
        f"cancel-{payment.id}",
        f"cancel-{payment.id}-later",
    ]
    assert (retried.status, later.status) == (base.CANCELLED, base.CANCELLED)


def test_the_payment_service_confirms_through_stripe_with_the_key(order, stripe_api):
    payment = payment_start(order=order, idempotency_key=f"pay-{order.number}-1")

    result = payment_confirm(payment=payment, payment_method={"id": "pm_card_visa"})

    order.refresh_from_db()
    (request,) = stripe_api.sent("POST", f"/v1/payment_intents/{payment.provider_payment_id}/confirm")
    assert request.idempotency_key == f"confirm-{payment.provider_payment_id}-pm_card_visa"
    assert result.payment.status == Payment.Status.SUCCEEDED
    assert order.status == Order.Status.PAID


def test_cancelling_an_order_cancels_its_open_stripe_payment_with_the_key(order, stripe_api):
    payment = payment_start(order=order, idempotency_key=f"pay-{order.number}-1")

    refund_cancelled_order(order=order, reason="Changed my mind.")
    refund_cancelled_order(order=order, reason="Changed my mind.")  # the handler delivered again

    payment.refresh_from_db()
    cancels = stripe_api.sent("POST", f"/v1/payment_intents/{payment.provider_payment_id}/cancel")
    assert [r.idempotency_key for r in cancels] == [f"cancel-{payment.provider_payment_id}"]
    assert payment.status == Payment.Status.CANCELLED


def test_a_refund_whose_answer_was_lost_is_retried_with_its_key_and_refunds_once(order, stripe_api):
    payment = payment_start(order=order, idempotency_key=f"pay-{order.number}-1")
    payment_confirm(payment=payment, payment_method={"id": "pm_card_visa"})
    payment.refresh_from_db()
    stripe_api.lose_next_answer()

    with pytest.raises(ProviderError):
        refund_create(
            payment=payment, amount=Decimal("5.00"), reason="Late", actor=None, idempotency_key="r-1"
        )
    refund = refund_create(
        payment=payment, amount=Decimal("5.00"), reason="Late", actor=None, idempotency_key="r-1"
    )

    assert [r.idempotency_key for r in stripe_api.sent("POST", "/v1/refunds")] == ["r-1", "r-1"]
    assert list(stripe_api.refunds) == [refund.provider_refund_id]
    assert refund.amount == Decimal("5.00")
