"""What became of a refund at the provider: it settled, or it failed after all.

A refund is recorded when the provider accepts it, often still ``pending``
(Stripe: ``pending``, or ``requires_action`` while the shopper gives details).
The provider says later, by webhook, that it succeeded or that it failed
(Stripe: ``failed``, or ``canceled``), days or weeks later, and before or
after it said ``succeeded``. ``refund_sync_from_provider`` applies each such
report under the payment's lock, in any order and any number of times:

* a status only moves forward, pending -> succeeded -> failed, and failed is
  final: a late "pending" or "succeeded" after a failure changes nothing;
* a refund we do not know yet is recorded (one made in the dashboard), and a
  failed one we never knew is recorded as failed, so that a stale report of
  it arriving later cannot record it as money given back;
* a failure (``refund_fail``) is corrected in full: the refund is marked
  failed, the order's audit trail gets a ``refund_failed`` row that gives its
  lines and shipping back, the payment's status is recomputed from the
  refunds that still count, the staff who can refund are e-mailed, and the
  durable ``refund.failed`` event has the ledger post reversing entries
  (``payments.ledger``, never an edit). All of it commits together, once.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from marketplace.core import events
from marketplace.core.money import format_money
from orders.models import OrderEvent
from payments.models import Payment, Refund
from payments.notifications import refund_failed_staff_email
from payments.providers import base

from .create import refund_record_from_provider
from .position import (
    CAPTURED,
    PS,
    REFUND_FAILED_EVENT,
    RefundRefused,
    payment_status_after_refunds,
    refund_audit_data,
    refund_payment_lock,
)

logger = logging.getLogger(__name__)

RS = Refund.Status
# How far each status is along; a report of an earlier one than ours is stale.
_ORDER = {RS.PENDING: 0, RS.SUCCEEDED: 1, RS.FAILED: 2}


@transaction.atomic
def refund_sync_from_provider(
    *, payment: Payment, provider_refund: base.ProviderRefund, reason: str = ""
) -> Refund:
    """Bring our record of ``provider_refund`` (a refund of ``payment``) up to what the provider says.

    Record it if it is new (``reason`` says why, for a dashboard refund); move
    a known one forward: pending to succeeded, anything to failed
    (``refund_fail``). Idempotent, and safe in any order. Raise
    ``RefundRefused`` when our records cannot take it (the refund belongs to
    another payment, or is more than what is left here).
    """
    payment = refund_payment_lock(payment.pk)
    refund = Refund.objects.select_for_update().filter(provider_refund_id=provider_refund.id).first()
    if refund is None:
        if provider_refund.status == RS.FAILED:
            return _record_failed(payment=payment, provider_refund=provider_refund, reason=reason)
        return refund_record_from_provider(
            payment=payment,
            provider_refund_id=provider_refund.id,
            amount=provider_refund.amount,
            reason=reason,
            status=provider_refund.status,
        )
    if refund.payment_id != payment.pk:
        raise RefundRefused(f"Refund {provider_refund.id} belongs to another payment.")
    if _ORDER[provider_refund.status] <= _ORDER[refund.status]:
        return refund  # the same news again, or older news
    if provider_refund.status == RS.FAILED:
        return refund_fail(refund=refund, failure_reason=provider_refund.failure_reason)
    refund.status = RS.SUCCEEDED
    refund.save(update_fields=["status"])
    return refund


@transaction.atomic
def refund_fail(*, refund: Refund, failure_reason: str = "") -> Refund:
    """Record that ``refund`` failed at the provider: the shopper got nothing back.

    Under the payment's lock, once (a failed refund is returned as it is):
    mark it failed with the provider's reason, write the order's
    ``refund_failed`` audit row (the refund's lines and shipping, given
    back), recompute the payment's status, e-mail the staff who can refund,
    and emit the durable ``refund.failed`` event (the ledger reverses the
    refund's postings).
    """
    payment = refund_payment_lock(refund.payment_id)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.status == RS.FAILED:
        return refund
    refund.status = RS.FAILED
    refund.failure_reason = (failure_reason or "unknown")[:100]
    refund.failed_at = timezone.now()
    refund.save(update_fields=["status", "failure_reason", "failed_at"])
    recorded = refund_audit_data(order_id=payment.order_id, refund_id=refund.pk)
    _failure_audit(payment=payment, refund=refund, recorded=recorded)
    if payment.status in (*CAPTURED, PS.REFUNDED):
        payment.status = payment_status_after_refunds(payment=payment)
        payment.save(update_fields=["status", "updated_at"])
    _failure_announce(payment=payment, refund=refund)
    return refund


def _record_failed(*, payment: Payment, provider_refund: base.ProviderRefund, reason: str) -> Refund:
    """Record a refund we first hear of as failed: it gave nothing back, so nothing else changes."""
    refund = Refund.objects.create(
        payment=payment,
        amount=provider_refund.amount,
        reason=((reason or "").strip() or "Refunded at the provider.")[:300],
        provider_refund_id=provider_refund.id,
        idempotency_key=f"provider-{provider_refund.id}",
        status=RS.FAILED,
        failure_reason=(provider_refund.failure_reason or "unknown")[:100],
        failed_at=timezone.now(),
    )
    _failure_audit(payment=payment, refund=refund, recorded={})
    _failure_announce(payment=payment, refund=refund)
    return refund


def _failure_audit(*, payment: Payment, refund: Refund, recorded: dict) -> None:
    amount = format_money(refund.amount, payment.currency)
    OrderEvent.objects.create(
        order_id=payment.order_id,
        kind=REFUND_FAILED_EVENT,
        message=(
            f"Refund {refund.provider_refund_id} of {amount} failed at {payment.provider} "
            f"({refund.failure_reason}): the shopper got nothing back. Staff were told."
        )[:300],
        data={
            "refund_id": refund.pk,
            "payment": payment.provider_payment_id,
            "amount": str(refund.amount),
            "failure_reason": refund.failure_reason,
            "lines": recorded.get("lines") or {},
            "shipping": recorded.get("shipping") or {},
            "allocations": recorded.get("allocations") or {},
        },
    )


def _failure_announce(*, payment: Payment, refund: Refund) -> None:
    logger.warning(
        "Refund %s of payment %s failed at %s: %s",
        refund.provider_refund_id,
        payment.provider_payment_id,
        payment.provider,
        refund.failure_reason,
    )
    refund_failed_staff_email(refund=refund, payment=payment)
    events.emit(
        "refund.failed",
        durable=True,
        refund_id=refund.pk,
        payment_id=payment.pk,
        order_id=payment.order_id,
        amount=refund.amount,
    )
