"""What a return refunds, and payments reporting the refund back."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from fulfillment.models import (
    ReturnLine,
    ReturnRequest,
)
from fulfillment.returns.common import RS, audit, emit_status, lock_by_id
from marketplace.core.money import quantize


def return_refund_amounts(*, return_request: ReturnRequest) -> tuple[dict[int, int], Decimal]:
    """The units to refund per order line, and the shipping to refund with them (per the policy).

    Shipping goes back in proportion to the value of the units returned; the
    return that completes the seller order's units takes the rest of it.
    Payments caps it at what is left of the charge.
    """
    seller_order = return_request.seller_order
    lines = {line.line_id: line.quantity for line in return_request.lines.all()}
    if not return_request.refund_shipping or seller_order.shipping_amount <= 0:
        return lines, Decimal("0.00")
    ordered = seller_order.lines.aggregate(units=Sum("quantity"))["units"] or 0
    returned = (
        ReturnLine.objects.filter(
            return_request__seller_order=seller_order, return_request__status__in=(RS.RECEIVED, RS.REFUNDED)
        ).aggregate(units=Sum("quantity"))["units"]
        or 0
    )
    if returned >= ordered:
        return lines, seller_order.shipping_amount
    value = sum(
        (line.line.unit_price_amount * line.quantity for line in return_request.lines.select_related("line")),
        Decimal("0"),
    )
    if not seller_order.subtotal_amount:
        return lines, Decimal("0.00")
    share = quantize(seller_order.shipping_amount * value / seller_order.subtotal_amount)
    return lines, min(share, seller_order.shipping_amount)


@transaction.atomic
def return_refund_recorded(*, return_id: int, refund_reference: str, amount: Decimal) -> ReturnRequest:
    """Payments refunded the return: record it and tell the shopper (idempotent)."""
    rma = lock_by_id(return_id)
    if rma.status == RS.REFUNDED:
        return rma
    rma.status = RS.REFUNDED
    rma.refund_amount = amount
    rma.refund_reference = str(refund_reference)[:40]
    rma.refund_error = ""
    rma.refunded_at = timezone.now()
    rma.save(update_fields=["status", "refund_amount", "refund_reference", "refund_error", "refunded_at"])
    audit(rma, "refunded", message=f"Refunded {amount}.")
    emit_status(rma)
    return rma


def return_refund_failed(*, return_id: int, error: str) -> None:
    """Payments could not refund the return: keep the reason where staff see it."""
    ReturnRequest.objects.filter(pk=return_id, status=RS.RECEIVED).update(refund_error=error[:300])
