"""Reactions of ``payments`` to other apps' domain events (subscribed in apps.py)."""

from decimal import Decimal

from django.db import transaction

from fulfillment.claims import claim_refund_failed, claim_refund_recorded, claim_return_requests
from fulfillment.models import Claim, ReturnRequest
from fulfillment.returns import return_refund_amounts, return_refund_failed, return_refund_recorded
from orders.models import Order
from payments.models import Payment
from payments.refunds import (
    CAPTURED,
    RefundRefused,
    line_refund_amount,
    payment_released_order,
    refund_cancelled_order,
    refund_create,
    refunded_line_quantities,
    refunded_shipping,
)


def order_cancelled_refund(*, order_id: int, reason: str = "", **payload) -> None:
    """On ``order.cancelled``: refund what was paid, cancel open payments (idempotent)."""
    order = Order.objects.get(pk=order_id)
    refund_cancelled_order(order=order, reason=reason)


def refund_payment_for_order(*, order_id: int) -> Payment | None:
    """The captured payment a return or claim refunds: the one that paid the order to its sellers."""
    captured = list(
        Payment.objects.filter(order_id=order_id, status__in=(*CAPTURED, Payment.Status.REFUNDED)).order_by(
            "pk"
        )
    )
    return next((p for p in captured if payment_released_order(payment=p)), captured[0] if captured else None)


def _refund_or_report(*, payment, lines, shipping, reason, actor, key, failed):
    """Refund ``lines`` (and ``shipping``) under ``key``; on a refusal call ``failed`` with the
    reason and return None, leaving the refusal for staff rather than retrying it forever."""
    try:
        with transaction.atomic():
            return refund_create(
                payment=payment,
                lines=lines,
                shipping_amount=shipping if shipping > 0 else None,
                reason=reason,
                actor=actor,
                idempotency_key=key,
            )
    except RefundRefused as error:
        failed(error.message)
        return None


def return_received_refund(*, return_id: int, **payload) -> None:
    """On ``return.received``: refund the returned units (and shipping per policy), once.

    The refund's idempotency key is the return's number, so a redelivered event
    refunds nothing more. A refund the payment cannot take (it was refunded by
    hand already, say) is recorded on the return for staff, not retried.
    """
    rma = ReturnRequest.objects.select_related("seller_order").get(pk=return_id)
    if rma.status != ReturnRequest.Status.RECEIVED:
        return
    lines, shipping = return_refund_amounts(return_request=rma)
    payment = refund_payment_for_order(order_id=rma.seller_order.order_id)
    if payment is None:
        return_refund_failed(return_id=rma.pk, error="The order has no captured payment to refund.")
        return
    if shipping > 0:
        left = rma.seller_order.shipping_amount - refunded_shipping(order_id=payment.order_id).get(
            rma.seller_order_id, 0
        )
        shipping = min(shipping, max(left, 0))
    refund = _refund_or_report(
        payment=payment,
        lines=lines,
        shipping=shipping,
        reason=f"Return {rma.number}: {rma.get_reason_display()}",
        actor=None,
        key=f"return-{rma.number}",
        failed=lambda message: return_refund_failed(return_id=rma.pk, error=message),
    )
    if refund is not None:
        return_refund_recorded(return_id=rma.pk, refund_reference=str(refund.pk), amount=refund.amount)


def _claim_refund_plan(claim: Claim, order_id: int):
    """What a granted claim refunds: (lines, shipping, {return id: its share}).

    "Not arrived": every unit of the seller order not refunded yet and what is
    left of its shipping. "Return not refunded": the units of its returns still
    waiting for a refund, with their shipping share (the return policy's).
    """
    seller_order = claim.seller_order
    refunded = refunded_line_quantities(order_id=order_id)
    shipping_left = seller_order.shipping_amount - refunded_shipping(order_id=order_id).get(
        seller_order.pk, 0
    )
    if claim.reason == Claim.Reason.NOT_ARRIVED:
        lines = {
            line.pk: line.quantity - refunded.get(line.pk, 0)
            for line in seller_order.lines.order_by("pk")
            if line.quantity > refunded.get(line.pk, 0)
        }
        return lines, max(shipping_left, 0), {}
    lines: dict[int, int] = {}
    shares: dict[int, Decimal] = {}
    shipping = Decimal("0.00")
    running = dict(refunded)
    for rma in claim_return_requests(claim=claim):
        rma_lines, rma_shipping = return_refund_amounts(return_request=rma)
        rma_shipping = min(rma_shipping, max(shipping_left - shipping, 0))
        share = rma_shipping
        for line in rma.lines.select_related("line").order_by("pk"):
            share += line_refund_amount(
                line=line.line, already=running.get(line.line_id, 0), quantity=line.quantity
            )
            running[line.line_id] = running.get(line.line_id, 0) + line.quantity
        for line_id, quantity in rma_lines.items():
            lines[line_id] = lines.get(line_id, 0) + quantity
        shipping += rma_shipping
        shares[rma.pk] = share
    return lines, shipping, shares


def claim_granted_refund(*, claim_id: int, **payload) -> None:
    """On ``claim.granted``: the marketplace refunds the shopper; the seller's ledger is debited.

    Keyed by the claim's number, so a redelivered event refunds nothing more.
    A refund the payment cannot take is recorded on the claim for staff.
    """
    claim = Claim.objects.select_related("seller_order").get(pk=claim_id)
    if claim.status != Claim.Status.GRANTED or claim.refunded_at is not None:
        return
    order_id = claim.seller_order.order_id
    payment = refund_payment_for_order(order_id=order_id)
    if payment is None:
        claim_refund_failed(claim_id=claim.pk, error="The order has no captured payment to refund.")
        return
    lines, shipping, shares = _claim_refund_plan(claim, order_id)
    if not lines:
        claim_refund_failed(claim_id=claim.pk, error="Everything of this order was refunded already.")
        return
    refund = _refund_or_report(
        payment=payment,
        lines=lines,
        shipping=shipping,
        reason=f"Claim {claim.number} granted: {claim.get_reason_display()}",
        actor=claim.decided_by,
        key=f"claim-{claim.number}",
        failed=lambda message: claim_refund_failed(claim_id=claim.pk, error=message),
    )
    if refund is None:
        return
    claim_refund_recorded(
        claim_id=claim.pk, refund_reference=str(refund.pk), amount=refund.amount, returns=shares
    )
