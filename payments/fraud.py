"""Fraud screening: score an order before it is released to its sellers.

When a payment succeeds, ``order_screen_and_pay`` runs the rules below on the
order. Each rule is a small function of the order's ``Signals`` returning
``(points, reason)`` when it fires and ``None`` when it does not; the score
is the sum of the points, stored with the reasons on a ``FraudAssessment``.
A score below ``settings.FRAUD_HOLD_SCORE`` releases the order at once
(``order_mark_paid``); a score at or above it holds the order
(``order_hold``: the money is captured and the stock committed, but the seller
orders stay ``pending_payment``, so no seller sees the order) until staff
approve it (``fraud_approve``) or reject it (``fraud_reject``: cancelled,
refunded, stock released) from the admin queue.

What the rules need that the provider's success does not carry (the
shopper's IP address, the billing country, the sandbox card's fingerprint)
is written by ``payment_attempt_record`` as an ``OrderEvent`` of kind
``payment_attempt`` when the shopper confirms the payment, so the webhook
path, which has no request, screens with the same facts. See
docs/decisions/0033-fraud-screening-and-reconciliation.md.
"""

from __future__ import annotations

import hashlib
import hmac
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from marketplace.core.errors import ApplicationError
from marketplace.core.money import format_money
from orders.lifecycle import order_hold, order_lock, order_mark_paid, order_reject, order_release
from orders.models import Order, OrderEvent
from payments.models import FraudAssessment, Payment
from payments.refunds import payment_refunded_total, refund_create

OS = Order.Status
Decision = FraudAssessment.Decision
ATTEMPT_EVENT = "payment_attempt"

# Points per rule (settings.FRAUD_RULE_POINTS overrides any of them).
DEFAULT_POINTS = {
    "account_velocity": 25,
    "card_velocity": 35,
    "ip_velocity": 25,
    "amount_history": 30,
    "country_mismatch": 20,
    "new_account_high_value": 40,
    "repeated_declines": 35,
}


@dataclass(frozen=True)
class Signals:
    """What the rules look at: the order and how it was paid."""

    order: Order
    now: datetime
    ip_address: str | None = None
    card_fingerprint: str = ""
    billing_country: str = ""


Finding = tuple[int, str]


def points(rule: str) -> int:
    return int(settings.FRAUD_RULE_POINTS.get(rule, DEFAULT_POINTS[rule]))


def card_fingerprint_for_number(number: str) -> str:
    """Return a stable fingerprint of a card number (keyed SHA-256), "" for no number.

    For providers that give no fingerprint of their own (the sandbox). The
    key comes from ``SECRET_KEY``, so the fingerprint cannot be reversed by
    hashing every possible card number.
    """
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    if not digits:
        return ""
    key = hmac.new(settings.SECRET_KEY.encode(), b"card-fingerprint", hashlib.sha256).digest()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


# -- the rules ------------------------------------------------------------------


def rule_account_velocity(signals: Signals) -> Finding | None:
    """Many orders from one account in the last hour or day."""
    order = signals.order
    counts = (
        Order.objects.filter(user_id=order.user_id, placed_at__gte=signals.now - timedelta(days=1))
        .exclude(pk=order.pk)
        .aggregate(
            day=Count("pk"), hour=Count("pk", filter=Q(placed_at__gte=signals.now - timedelta(hours=1)))
        )
    )
    if counts["hour"] >= settings.FRAUD_ACCOUNT_ORDERS_PER_HOUR:
        return points(
            "account_velocity"
        ), f"{counts['hour']} other orders from this account in the last hour."
    if counts["day"] >= settings.FRAUD_ACCOUNT_ORDERS_PER_DAY:
        return points("account_velocity"), f"{counts['day']} other orders from this account in the last day."
    return None


def rule_card_velocity(signals: Signals) -> Finding | None:
    """One card paying many orders, or for several accounts, in the last day."""
    if not signals.card_fingerprint:
        return None
    others = (
        FraudAssessment.objects.filter(
            card_fingerprint=signals.card_fingerprint, created_at__gte=signals.now - timedelta(days=1)
        )
        .exclude(order_id=signals.order.pk)
        .aggregate(
            orders=Count("pk"),
            accounts=Count("order__user", distinct=True, filter=~Q(order__user=signals.order.user_id)),
        )
    )
    if others["accounts"] >= settings.FRAUD_CARD_ACCOUNTS_PER_DAY:
        return points(
            "card_velocity"
        ), f"This card paid for {others['accounts']} other accounts in the last day."
    if others["orders"] >= settings.FRAUD_CARD_ORDERS_PER_DAY:
        return points("card_velocity"), f"This card paid {others['orders']} other orders in the last day."
    return None


def rule_ip_velocity(signals: Signals) -> Finding | None:
    """Many orders paid from one IP address in the last hour."""
    if not signals.ip_address:
        return None
    count = (
        FraudAssessment.objects.filter(
            ip_address=signals.ip_address, created_at__gte=signals.now - timedelta(hours=1)
        )
        .exclude(order_id=signals.order.pk)
        .count()
    )
    if count >= settings.FRAUD_IP_ORDERS_PER_HOUR:
        return points("ip_velocity"), f"{count} other orders paid from {signals.ip_address} in the last hour."
    return None


# How many of the account's latest paid orders the median is taken over.
HISTORY_ORDERS = 50


def rule_amount_history(signals: Signals) -> Finding | None:
    """An order far above what the account usually spends (its median paid order)."""
    order = signals.order
    totals = list(
        Order.objects.filter(
            user_id=order.user_id, status__in=(OS.PAID, OS.COMPLETED), currency=order.currency
        )
        .exclude(pk=order.pk)
        .order_by("-placed_at")
        .values_list("total_amount", flat=True)[:HISTORY_ORDERS]
    )
    if len(totals) < settings.FRAUD_AMOUNT_HISTORY_MIN_ORDERS:
        return None
    median = Decimal(statistics.median(totals))
    factor = settings.FRAUD_AMOUNT_HISTORY_FACTOR
    if order.total_amount > median * factor:
        return points("amount_history"), (
            f"{format_money(order.total_amount, order.currency)} is more than {factor} times this "
            f"account's usual order ({format_money(median.quantize(Decimal('0.01')), order.currency)})."
        )
    return None


def rule_country_mismatch(signals: Signals) -> Finding | None:
    """The card's billing country is not the country the order ships to."""
    billing = signals.billing_country.upper()
    shipping = signals.order.ship_country.upper()
    if billing and billing != shipping:
        return points(
            "country_mismatch"
        ), f"Billing country {billing} differs from shipping country {shipping}."
    return None


def rule_new_account_high_value(signals: Signals) -> Finding | None:
    """A high-value order from an account created in the last hours."""
    order = signals.order
    joined = order.user.date_joined
    hours = settings.FRAUD_NEW_ACCOUNT_HOURS
    if (
        joined > signals.now - timedelta(hours=hours)
        and order.total_amount > settings.FRAUD_HIGH_VALUE_AMOUNT
    ):
        return points("new_account_high_value"), (
            f"An account less than {hours} hours old placed an order of "
            f"{format_money(order.total_amount, order.currency)}."
        )
    return None


def rule_repeated_declines(signals: Signals) -> Finding | None:
    """Several declined payments by the account in the last hour (card testing)."""
    count = Payment.objects.filter(
        order__user_id=signals.order.user_id,
        status=Payment.Status.FAILED,
        updated_at__gte=signals.now - timedelta(hours=1),
    ).count()
    if count >= settings.FRAUD_DECLINES_PER_HOUR:
        return points("repeated_declines"), f"{count} declined payments by this account in the last hour."
    return None


RULES: dict[str, Callable[[Signals], Finding | None]] = {
    "account_velocity": rule_account_velocity,
    "card_velocity": rule_card_velocity,
    "ip_velocity": rule_ip_velocity,
    "amount_history": rule_amount_history,
    "country_mismatch": rule_country_mismatch,
    "new_account_high_value": rule_new_account_high_value,
    "repeated_declines": rule_repeated_declines,
}


def fraud_findings(*, signals: Signals) -> list[dict]:
    """Run every rule; return the ones that fired as ``{"rule", "points", "reason"}``."""
    findings = []
    for name, rule in RULES.items():
        result = rule(signals)
        if result is not None:
            findings.append({"rule": name, "points": result[0], "reason": result[1]})
    return findings


# -- services -------------------------------------------------------------------


@transaction.atomic
def fraud_screen(
    *,
    order: Order,
    ip_address: str | None,
    card_fingerprint: str,
    billing_country: str = "",
    now: datetime | None = None,
) -> FraudAssessment:
    """Score ``order`` and store the assessment: ``released`` below the hold score, else ``held``.

    An order is screened once: a second call returns the first assessment.
    The order itself is not changed (``order_screen_and_pay`` acts on the
    decision).
    """
    existing = FraudAssessment.objects.filter(order=order).first()
    if existing is not None:
        return existing
    signals = Signals(
        order=order,
        now=now or timezone.now(),
        ip_address=ip_address or None,
        card_fingerprint=card_fingerprint or "",
        billing_country=(billing_country or "").strip().upper(),
    )
    findings = fraud_findings(signals=signals)
    score = sum(finding["points"] for finding in findings)
    return FraudAssessment.objects.create(
        order=order,
        score=score,
        reasons=findings,
        decision=Decision.HELD if score >= settings.FRAUD_HOLD_SCORE else Decision.RELEASED,
        ip_address=signals.ip_address,
        card_fingerprint=signals.card_fingerprint,
    )


def payment_attempt_record(
    *, payment: Payment, ip_address: str | None, card_fingerprint: str = "", billing_country: str = ""
) -> OrderEvent:
    """Write down how the shopper confirmed ``payment`` (IP, card, billing country) for screening."""
    return OrderEvent.objects.create(
        order_id=payment.order_id,
        kind=ATTEMPT_EVENT,
        message=f"Payment {payment.provider_payment_id} confirmed by the shopper.",
        data={
            "payment": payment.provider_payment_id,
            "ip_address": ip_address or "",
            "card_fingerprint": card_fingerprint or "",
            "billing_country": (billing_country or "").strip().upper(),
        },
    )


def _attempt(payment: Payment) -> dict:
    event = (
        OrderEvent.objects.filter(
            order_id=payment.order_id, kind=ATTEMPT_EVENT, data__payment=payment.provider_payment_id
        )
        .order_by("-pk")
        .first()
    )
    return event.data if event is not None else {}


@transaction.atomic
def order_screen_and_pay(*, payment: Payment, card_fingerprint: str = "", card_country: str = "") -> Order:
    """Apply a succeeded ``payment`` to its order: screen it, then mark it paid or hold it.

    The payment success path calls this instead of ``order_mark_paid``.
    ``card_fingerprint`` and ``card_country`` are the provider's, when it
    gives them; otherwise those recorded with the payment attempt are used.
    Idempotent: a held or paid order with this payment is returned as it
    is. Raise ``OrderNotPayable`` like ``order_mark_paid`` (nothing is kept,
    not even the assessment, when the caller's savepoint rolls back).
    """
    order = order_lock(order_id=payment.order_id)
    reference = payment.provider_payment_id
    if order.status == OS.ON_HOLD:
        return order_hold(order=order, payment_reference=reference, amount=payment.amount)
    if order.status != OS.PENDING_PAYMENT:
        return order_mark_paid(order=order, payment_reference=reference, amount=payment.amount)
    attempt = _attempt(payment)
    assessment = fraud_screen(
        order=order,
        ip_address=attempt.get("ip_address") or None,
        card_fingerprint=card_fingerprint or attempt.get("card_fingerprint", ""),
        billing_country=card_country or attempt.get("billing_country", ""),
    )
    if assessment.decision == Decision.HELD:
        return order_hold(order=order, payment_reference=reference, amount=payment.amount)
    return order_mark_paid(order=order, payment_reference=reference, amount=payment.amount)


def _locked_held(order: Order) -> tuple[Order, FraudAssessment]:
    locked = order_lock(order_id=order.pk)
    assessment = FraudAssessment.objects.select_for_update().filter(order=locked).first()
    if assessment is None or assessment.decision != Decision.HELD or locked.status != OS.ON_HOLD:
        state = assessment.get_decision_display().lower() if assessment else "never held"
        raise ApplicationError(f"Order {locked.number} is not waiting for review ({state}).")
    return locked, assessment


def _decide(assessment: FraudAssessment, decision: str, actor) -> FraudAssessment:
    assessment.decision = decision
    assessment.decided_by = actor if getattr(actor, "pk", None) else None
    assessment.decided_at = timezone.now()
    assessment.save(update_fields=["decision", "decided_by", "decided_at"])
    return assessment


@transaction.atomic
def fraud_approve(*, order: Order, actor) -> FraudAssessment:
    """Release a held order to its sellers (paid, seller orders ready to ship, ``order.released``)."""
    locked, assessment = _locked_held(order)
    order_release(order=locked, actor=actor, message=f"Approved after review by {actor}."[:300])
    return _decide(assessment, Decision.APPROVED, actor)


@transaction.atomic
def fraud_reject(*, order: Order, actor, reason: str = "") -> FraudAssessment:
    """Cancel a held order: release its stock and refund what was captured in full.

    The refund's idempotency key is ``fraud-reject-<order number>``.
    """
    locked, assessment = _locked_held(order)
    reason = (reason or "").strip() or "Rejected after fraud review."
    order_reject(order=locked, actor=actor, reason=reason)
    captured = Payment.objects.filter(
        order=locked, status__in=(Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)
    ).order_by("pk")
    for index, payment in enumerate(captured):
        left = payment.amount - payment_refunded_total(payment=payment)
        if left > 0:
            key = f"fraud-reject-{locked.number}" + (f"-{payment.pk}" if index else "")
            refund_create(payment=payment, amount=left, reason=reason, actor=actor, idempotency_key=key)
    return _decide(assessment, Decision.REJECTED, actor)
