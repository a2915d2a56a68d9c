"""Refunds: full or partial, by amount or by order line, charged back to the sellers' orders.

Every refund, whoever starts it (staff in the admin, the cancellation of an
order, fraud review rejecting an order, the provider's own dashboard), ends
here, and every one follows the same steps under a lock on the ``Payment``
row (``SELECT ... FOR UPDATE``): look up the idempotency key, check the
payment was captured, work out the amount (and, for lines, the quantities
still refundable), refuse anything above what is left of the capture, call
the provider with the idempotency key, record the ``Refund`` with who and
why and the provider's status (pending or succeeded), split it over the
seller orders (``RefundAllocation``), write the order's audit row and emit
the durable ``refund.created`` event that the ledger turns into debits.
Because the sum of earlier refunds is read inside the lock, two staff
members refunding at once queue: the second sees the first's refund and is
refused if the two together exceed the capture.

What becomes of a refund afterwards (it settles, or fails) is
``payments.refunds.outcomes``. See docs/decisions/0031-refunds.md and 0082.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.db import transaction

from marketplace.core import events
from marketplace.core.audit import audit_record, staff_or_seller
from marketplace.core.money import CENT, format_money
from orders.models import Order, OrderEvent
from payments.models import Payment, Refund, RefundAllocation
from payments.providers import base, get_provider

from .allocations import line_amounts, refund_allocations, with_shipping
from .position import (
    CAPTURED,
    OPEN,
    PS,
    REFUND_EVENT,
    RefundRefused,
    payment_refunded_total,
    payment_status_after_refunds,
    refund_audit_data,
    refund_payment_lock,
)

# Our refund status from the provider's answer (``base.REFUND_*`` are ``Refund.Status`` values).
RS = Refund.Status


def _checked_amount(amount) -> Decimal:
    if isinstance(amount, float):
        raise RefundRefused("Refund amounts must be exact decimals, not floats.")
    try:
        amount = Decimal(str(amount).strip())
    except InvalidOperation:
        raise RefundRefused(f"{amount!r} is not an amount.") from None
    if not amount.is_finite() or amount <= 0:
        raise RefundRefused("A refund must be more than zero.")
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise RefundRefused(f"{amount} has more decimals than cents.")
    return amount.quantize(CENT)


def _checked_lines(lines) -> dict[int, int]:
    checked: dict[int, int] = {}
    for line_id, quantity in lines.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise RefundRefused("Each quantity to refund must be a whole number of at least 1.")
        checked[int(line_id)] = checked.get(int(line_id), 0) + quantity
    return checked


def _checked_captured(payment: Payment) -> None:
    order = payment.order
    if payment.status in CAPTURED:
        return
    if payment.status == PS.REFUNDED:
        raise RefundRefused(f"Payment {payment.provider_payment_id} has been refunded in full already.")
    if order.status == Order.Status.PENDING_PAYMENT:
        raise RefundRefused(f"Order {order.number} is not paid yet, so there is nothing to refund.")
    raise RefundRefused(
        f"Payment {payment.provider_payment_id} did not succeed "
        f"({payment.get_status_display().lower()}), so there is nothing to refund."
    )


def _checked_remaining(payment: Payment, amount: Decimal) -> None:
    remaining = payment.amount - payment_refunded_total(payment=payment)
    if amount > remaining:
        if remaining <= 0:
            raise RefundRefused("This payment has been refunded in full; nothing is left to refund.")
        raise RefundRefused(
            f"Only {format_money(remaining, payment.currency)} of this payment can still be refunded."
        )


def _same_request(existing: Refund, *, payment: Payment, amount: Decimal | None, lines) -> Refund:
    """Return the refund already made with this key, if it was asked for the same thing."""
    if existing.payment_id != payment.pk:
        raise RefundRefused("This refund key was already used for another payment.")
    if amount is not None and existing.amount != amount:
        used, asked = format_money(existing.amount, payment.currency), format_money(amount, payment.currency)
        raise RefundRefused(f"This refund key was already used for a refund of {used}, not {asked}.")
    if lines is not None:
        recorded = refund_audit_data(order_id=payment.order_id, refund_id=existing.pk)
        recorded_lines = {int(k): v for k, v in (recorded.get("lines") or {}).items()}
        if recorded_lines != lines:
            raise RefundRefused("This refund key was already used for a refund of other lines.")
    return existing


def _record(
    *,
    payment: Payment,
    amount: Decimal,
    allocations: dict[int, Decimal],
    reason: str,
    actor,
    idempotency_key: str,
    provider_refund_id: str,
    lines: dict[int, int] | None,
    shipping: dict[int, Decimal] | None = None,
    status: str = RS.SUCCEEDED,
) -> Refund:
    """Write the refund, its allocations and audit row, update the payment, emit the event."""
    actor = actor if getattr(actor, "pk", None) else None
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason[:300],
        provider_refund_id=provider_refund_id,
        idempotency_key=idempotency_key,
        status=status,
        created_by=actor,
    )
    RefundAllocation.objects.bulk_create(
        RefundAllocation(refund=refund, seller_order_id=pk, amount=share)
        for pk, share in sorted(allocations.items())
    )
    OrderEvent.objects.create(
        order_id=payment.order_id,
        kind=REFUND_EVENT,
        actor=actor,
        message=reason[:300],
        data={
            "refund_id": refund.pk,
            "payment": payment.provider_payment_id,
            "amount": str(amount),
            "lines": {str(line_id): quantity for line_id, quantity in sorted((lines or {}).items())},
            "shipping": {str(pk): str(amount) for pk, amount in sorted((shipping or {}).items())},
            "allocations": {str(pk): str(share) for pk, share in sorted(allocations.items())},
        },
    )
    payment.status = payment_status_after_refunds(payment=payment)
    payment.save(update_fields=["status", "updated_at"])
    if actor is not None:  # staff or a seller; the system's own refunds are in the order's events
        audit_record(
            action="refund.created",
            target=refund,
            after={
                "amount": amount,
                "currency": payment.currency,
                "status": status,
                "order_id": payment.order_id,
            },
            reason=reason,
            actor=actor,
            actor_kind=staff_or_seller(actor),
        )
    events.emit(
        "refund.created",
        durable=True,
        refund_id=refund.pk,
        payment_id=payment.pk,
        order_id=payment.order_id,
        amount=amount,
    )
    return refund


@transaction.atomic
def refund_create(
    *,
    payment: Payment,
    amount: Decimal | None = None,
    lines: dict[int, int] | None = None,
    shipping_amount: Decimal | None = None,
    reason: str,
    actor,
    idempotency_key: str,
) -> Refund:
    """Refund ``amount`` of ``payment``, or the units ``lines`` maps (order line id -> quantity).

    With ``lines`` of one seller order, ``shipping_amount`` refunds that much of
    its shipping charge too (a return the seller is at fault for), never more
    than the charge less the shipping refunded before.

    The same ``idempotency_key`` returns the refund already made (and refuses
    it when asked for a different amount or other lines), whatever became of
    it since: its ``status`` says. Raise ``RefundRefused`` with a readable
    reason, changing nothing, when the payment did not succeed, the amount is
    not positive or is more than what is left, a line is not the order's or
    has fewer units left, or the provider answers that the refund failed.
    """
    reason = (reason or "").strip()
    idempotency_key = (idempotency_key or "").strip()
    if not reason:
        raise RefundRefused("Say why the refund is made.")
    if not idempotency_key:
        raise RefundRefused("A refund needs an idempotency key.")
    if (amount is None) == (not lines):
        raise RefundRefused(
            "Give either an amount or the lines to refund, not both."
            if lines
            else ("Give an amount or the lines to refund.")
        )
    amount = _checked_amount(amount) if amount is not None else None
    lines = _checked_lines(lines) if lines else None
    if shipping_amount is not None and lines is None:
        raise RefundRefused("Shipping is refunded only together with the lines it carried.")
    shipping_amount = _checked_amount(shipping_amount) if shipping_amount is not None else None

    payment = refund_payment_lock(payment.pk)
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_request(existing, payment=payment, amount=amount, lines=lines)
    _checked_captured(payment)
    per_seller_order = None
    shipping = None
    if lines is not None:
        per_seller_order = line_amounts(payment, lines)
        if shipping_amount is not None:
            per_seller_order = with_shipping(payment, per_seller_order, shipping_amount)
            shipping = {next(iter(per_seller_order)): shipping_amount}
        amount = sum(per_seller_order.values(), Decimal("0.00"))
    _checked_remaining(payment, amount)
    allocations = refund_allocations(payment, amount, per_seller_order)
    provider_refund = get_provider(payment.provider).refund(
        payment_id=payment.provider_payment_id, amount=amount, idempotency_key=idempotency_key
    )
    recorded = Refund.objects.filter(provider_refund_id=provider_refund.id).first()
    if recorded is not None and recorded.status != RS.FAILED:
        # The provider's webhook recorded this very refund after an earlier try of ours was lost.
        return recorded
    if provider_refund.status == base.REFUND_FAILED or recorded is not None:
        why = provider_refund.failure_reason or (recorded.failure_reason if recorded else "")
        raise RefundRefused(
            f"{payment.provider} refused the refund of {format_money(amount, payment.currency)}"
            + (f" ({why})." if why else ".")
        )
    return _record(
        payment=payment,
        amount=amount,
        allocations=allocations,
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
        provider_refund_id=provider_refund.id,
        lines=lines,
        shipping=shipping,
        status=provider_refund.status,
    )


@transaction.atomic
def refund_record_from_provider(
    *,
    payment: Payment,
    provider_refund_id: str,
    amount: Decimal,
    reason: str = "",
    status: str = RS.SUCCEEDED,
):
    """Record a refund made on the provider's side (Stripe: ``charge.refunded``, ``refund.created``).

    Idempotent by ``provider_refund_id``: a refund we made ourselves, or one
    recorded before, is returned as it is. The amount is split over the
    seller orders in proportion to what is left of each; ``status`` is
    pending or succeeded (a failed refund is ``refunds.outcomes``'). Raise
    ``RefundRefused`` when the payment has not succeeded here yet (apply the
    payment first) or the amount is more than what is left.
    """
    if status not in (RS.PENDING, RS.SUCCEEDED):
        raise RefundRefused(f"A refund recorded from the provider is pending or succeeded, not {status!r}.")
    provider_refund_id = (provider_refund_id or "").strip()
    if not provider_refund_id:
        raise RefundRefused("A provider refund needs its id.")
    amount = _checked_amount(amount)
    payment = refund_payment_lock(payment.pk)
    existing = Refund.objects.filter(provider_refund_id=provider_refund_id).first()
    if existing is not None:
        if existing.payment_id != payment.pk:
            raise RefundRefused(f"Refund {provider_refund_id} belongs to another payment.")
        return existing
    _checked_captured(payment)
    _checked_remaining(payment, amount)
    return _record(
        payment=payment,
        amount=amount,
        allocations=refund_allocations(payment, amount, None),
        reason=(reason or "").strip() or "Refunded at the provider.",
        actor=None,
        idempotency_key=f"provider-{provider_refund_id}",
        provider_refund_id=provider_refund_id,
        lines=None,
        status=status,
    )


@transaction.atomic
def refund_cancelled_order(*, order: Order, reason: str = "") -> list[Refund]:
    """Refund everything still captured for a cancelled order; cancel payments still open.

    Idempotent: the first captured payment is refunded with the key
    ``cancel-<order number>`` (any other with ``cancel-<order number>-<payment id>``),
    so running this again refunds nothing more.
    """
    refunds = []
    message = f"Order cancelled: {reason}" if reason else "Order cancelled."
    payments = list(Payment.objects.select_for_update().filter(order=order).order_by("pk"))
    first_captured = True
    for payment in payments:
        if payment.status in (*CAPTURED, PS.REFUNDED):
            key = f"cancel-{order.number}" if first_captured else f"cancel-{order.number}-{payment.pk}"
            first_captured = False
            existing = Refund.objects.filter(idempotency_key=key).first()
            left = payment.amount - payment_refunded_total(payment=payment)
            if existing is not None:
                refunds.append(existing)
            elif left > 0:
                refunds.append(
                    refund_create(
                        payment=payment, amount=left, reason=message, actor=None, idempotency_key=key
                    )
                )
        elif payment.status in OPEN:
            get_provider(payment.provider).cancel_payment(payment_id=payment.provider_payment_id)
            payment.status = PS.CANCELLED
            payment.next_action_url = ""
            payment.save(update_fields=["status", "next_action_url", "updated_at"])
    return refunds
