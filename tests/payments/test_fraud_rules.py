"""Each fraud rule fires on its case and stays quiet on the normal case; the score and the threshold."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from payments.fraud import (
    Signals,
    card_fingerprint_for_number,
    fraud_screen,
    rule_account_velocity,
    rule_amount_history,
    rule_card_velocity,
    rule_country_mismatch,
    rule_ip_velocity,
    rule_new_account_high_value,
    rule_repeated_declines,
)
from payments.models import FraudAssessment, Payment
from tests.accounts.factories import UserFactory
from tests.payments.conftest import order_create

pytestmark = pytest.mark.django_db

FP = card_fingerprint_for_number("4242 4242 4242 4242")


@pytest.fixture
def old_shopper(db):
    """A shopper who joined a month ago (the new-account rule stays quiet)."""
    return UserFactory(date_joined=timezone.now() - timedelta(days=30))


@pytest.fixture
def order(old_shopper):
    return order_create(user=old_shopper)


def signals(order, **kwargs):
    return Signals(order=order, now=timezone.now(), **kwargs)


def placed(user, *, ago: timedelta, count: int = 1) -> list[Order]:
    orders = [order_create(user=user) for _ in range(count)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(placed_at=timezone.now() - ago)
    return orders


def with_total(order, total: str, status=Order.Status.PAID) -> Order:
    total = Decimal(total)
    Order.objects.filter(pk=order.pk).update(
        subtotal_amount=total - Decimal("8.99"), total_amount=total, status=status
    )
    order.refresh_from_db()
    return order


def assessed(order, *, fingerprint="", ip=None, ago=timedelta(minutes=5)) -> FraudAssessment:
    assessment = FraudAssessment.objects.create(
        order=order,
        score=0,
        reasons=[],
        decision=FraudAssessment.Decision.RELEASED,
        card_fingerprint=fingerprint,
        ip_address=ip,
    )
    FraudAssessment.objects.filter(pk=assessment.pk).update(created_at=timezone.now() - ago)
    return assessment


def failed_payment(order, *, ago=timedelta(minutes=5)) -> Payment:
    payment = Payment.objects.create(
        order=order,
        provider="sandbox",
        provider_payment_id=f"pi_sb_{uuid.uuid4().hex[:12]}",
        amount=order.total_amount,
        currency="USD",
        status=Payment.Status.FAILED,
        idempotency_key=uuid.uuid4().hex,
    )
    Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now() - ago)
    return payment


# -- velocity by account --------------------------------------------------------


def test_account_velocity_is_quiet_for_a_shopper_with_a_few_orders(order, old_shopper):
    placed(old_shopper, ago=timedelta(minutes=20), count=2)
    placed(old_shopper, ago=timedelta(days=2), count=5)

    assert rule_account_velocity(signals(order)) is None


def test_account_velocity_fires_on_three_other_orders_in_the_last_hour(order, old_shopper):
    placed(old_shopper, ago=timedelta(minutes=20), count=3)

    assert rule_account_velocity(signals(order)) == (25, "3 other orders from this account in the last hour.")


def test_account_velocity_fires_on_many_orders_in_the_last_day(order, old_shopper, settings):
    settings.FRAUD_ACCOUNT_ORDERS_PER_DAY = 4
    placed(old_shopper, ago=timedelta(hours=5), count=4)

    assert rule_account_velocity(signals(order)) == (25, "4 other orders from this account in the last day.")


# -- velocity by card -------------------------------------------------------------


def test_card_velocity_is_quiet_for_a_card_used_twice_by_its_owner(order, old_shopper):
    for other in placed(old_shopper, ago=timedelta(hours=3), count=2):
        assessed(other, fingerprint=FP)
    assessed(order_create(user=UserFactory()), fingerprint=card_fingerprint_for_number("4000000000000002"))

    assert rule_card_velocity(signals(order, card_fingerprint=FP)) is None
    assert rule_card_velocity(signals(order, card_fingerprint="")) is None


def test_card_velocity_fires_on_three_other_orders_with_the_card_in_a_day(order, old_shopper):
    for other in placed(old_shopper, ago=timedelta(hours=3), count=3):
        assessed(other, fingerprint=FP, ago=timedelta(hours=3))
    assessed(order_create(user=old_shopper), fingerprint=FP, ago=timedelta(days=2))  # too old

    assert rule_card_velocity(signals(order, card_fingerprint=FP)) == (
        35,
        "This card paid 3 other orders in the last day.",
    )


def test_card_velocity_fires_on_a_card_shared_by_two_other_accounts(order):
    assessed(order_create(user=UserFactory()), fingerprint=FP)
    assessed(order_create(user=UserFactory()), fingerprint=FP)

    assert rule_card_velocity(signals(order, card_fingerprint=FP)) == (
        35,
        "This card paid for 2 other accounts in the last day.",
    )


def test_the_sandbox_card_fingerprint_is_stable_keyed_and_ignores_spaces():
    assert card_fingerprint_for_number("4242424242424242") == FP
    assert len(FP) == 64
    assert card_fingerprint_for_number("4000000000000002") != FP
    assert card_fingerprint_for_number("") == ""
    assert "4242" not in FP


# -- velocity by IP ---------------------------------------------------------------


def test_ip_velocity_is_quiet_below_five_other_orders_in_an_hour(order):
    for _ in range(4):
        assessed(order_create(user=UserFactory()), ip="203.0.113.7")
    assessed(order_create(user=UserFactory()), ip="203.0.113.7", ago=timedelta(hours=2))

    assert rule_ip_velocity(signals(order, ip_address="203.0.113.7")) is None
    assert rule_ip_velocity(signals(order, ip_address=None)) is None


def test_ip_velocity_fires_on_five_other_orders_from_the_address_in_an_hour(order):
    for _ in range(5):
        assessed(order_create(user=UserFactory()), ip="203.0.113.7")

    assert rule_ip_velocity(signals(order, ip_address="203.0.113.7")) == (
        25,
        "5 other orders paid from 203.0.113.7 in the last hour.",
    )


# -- amount against the account's history ---------------------------------------------


def test_amount_history_is_quiet_up_to_five_times_the_median(order, old_shopper):
    for total in ("40.00", "50.00", "60.00"):
        with_total(order_create(user=old_shopper), total)
    with_total(order, "250.00", status=Order.Status.PENDING_PAYMENT)

    assert rule_amount_history(signals(order)) is None


def test_amount_history_fires_above_five_times_the_median(order, old_shopper):
    for total in ("40.00", "50.00", "60.00"):
        with_total(order_create(user=old_shopper), total)
    with_total(order, "250.01", status=Order.Status.PENDING_PAYMENT)

    assert rule_amount_history(signals(order)) == (
        30,
        "$250.01 is more than 5 times this account's usual order ($50.00).",
    )


def test_amount_history_needs_three_paid_orders(order, old_shopper):
    for total in ("40.00", "50.00"):
        with_total(order_create(user=old_shopper), total)
    with_total(order_create(user=old_shopper), "10.00", status=Order.Status.CANCELLED)
    with_total(order, "900.00", status=Order.Status.PENDING_PAYMENT)

    assert rule_amount_history(signals(order)) is None


# -- billing and shipping country ---------------------------------------------------


def test_country_mismatch_fires_when_the_billing_country_differs(order):
    assert rule_country_mismatch(signals(order, billing_country="FR")) == (
        20,
        "Billing country FR differs from shipping country US.",
    )


def test_country_mismatch_is_quiet_for_the_same_or_an_unknown_country(order):
    assert rule_country_mismatch(signals(order, billing_country="US")) is None
    assert rule_country_mismatch(signals(order, billing_country="")) is None


# -- new account, high value ----------------------------------------------------------


def test_new_account_with_a_high_value_order_fires(db):
    order = with_total(order_create(user=UserFactory()), "500.01", status=Order.Status.PENDING_PAYMENT)

    assert rule_new_account_high_value(signals(order)) == (
        40,
        "An account less than 24 hours old placed an order of $500.01.",
    )


def test_new_account_rule_is_quiet_at_the_limit_or_for_an_older_account(db):
    new_at_limit = with_total(order_create(user=UserFactory()), "500.00", status=Order.Status.PENDING_PAYMENT)
    older = with_total(
        order_create(user=UserFactory(date_joined=timezone.now() - timedelta(hours=25))),
        "900.00",
        status=Order.Status.PENDING_PAYMENT,
    )

    assert rule_new_account_high_value(signals(new_at_limit)) is None
    assert rule_new_account_high_value(signals(older)) is None


# -- repeated declines ------------------------------------------------------------------


def test_three_declines_in_the_last_hour_fire(order):
    for _ in range(3):
        failed_payment(order)

    assert rule_repeated_declines(signals(order)) == (
        35,
        "3 declined payments by this account in the last hour.",
    )


def test_two_declines_or_old_ones_are_quiet(order):
    failed_payment(order)
    failed_payment(order)
    failed_payment(order, ago=timedelta(hours=2))
    failed_payment(order_create(user=UserFactory()))

    assert rule_repeated_declines(signals(order)) is None


# -- the score ----------------------------------------------------------------------------


def test_a_normal_order_scores_zero_and_is_released(order):
    assessment = fraud_screen(
        order=order, ip_address="198.51.100.1", card_fingerprint=FP, billing_country="US"
    )

    assert (assessment.score, assessment.reasons, assessment.decision) == (
        0,
        [],
        FraudAssessment.Decision.RELEASED,
    )
    assert (assessment.ip_address, assessment.card_fingerprint) == ("198.51.100.1", FP)


def test_the_score_is_the_sum_of_the_rules_that_fired_with_their_reasons(order):
    for _ in range(3):
        failed_payment(order)

    assessment = fraud_screen(order=order, ip_address=None, card_fingerprint="", billing_country="fr")

    assert assessment.score == 55
    assert assessment.reasons == [
        {
            "rule": "country_mismatch",
            "points": 20,
            "reason": "Billing country FR differs from shipping country US.",
        },
        {
            "rule": "repeated_declines",
            "points": 35,
            "reason": "3 declined payments by this account in the last hour.",
        },
    ]
    assert assessment.decision == FraudAssessment.Decision.HELD


@pytest.mark.parametrize(
    ("hold_score", "decision"),
    [(20, FraudAssessment.Decision.HELD), (21, FraudAssessment.Decision.RELEASED)],
)
def test_a_score_equal_to_the_hold_score_is_held_and_one_below_released(
    order, settings, hold_score, decision
):
    settings.FRAUD_HOLD_SCORE = hold_score

    assessment = fraud_screen(order=order, ip_address=None, card_fingerprint="", billing_country="FR")

    assert (assessment.score, assessment.decision) == (20, decision)


def test_rule_points_can_be_changed_in_settings(order, settings):
    settings.FRAUD_RULE_POINTS = {"country_mismatch": 70}

    assessment = fraud_screen(order=order, ip_address=None, card_fingerprint="", billing_country="FR")

    assert (assessment.score, assessment.decision) == (70, FraudAssessment.Decision.HELD)


def test_an_order_is_screened_once(order):
    first = fraud_screen(order=order, ip_address=None, card_fingerprint="", billing_country="FR")
    again = fraud_screen(order=order, ip_address="198.51.100.1", card_fingerprint=FP, billing_country="US")

    assert again.pk == first.pk
    assert FraudAssessment.objects.count() == 1
    assert again.score == 20
