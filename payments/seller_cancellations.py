"""The refund of a seller order its seller cancelled (``seller_order.seller_cancelled``, ADR 0075).

Subscribed through the outbox in ``PaymentsConfig.ready``. The refund is the
part's lines (with their tax) and its shipping, through ``refund_create`` and
keyed by the seller order's number, so a redelivered event refunds nothing
more. When the cancellation cancelled the whole order, ``order.cancelled``
refunds what is left (``payments.handlers.order_cancelled_refund``) and this
handler does nothing, so the money goes back once.
"""

from __future__ import annotations

import logging

from django.db import transaction

from orders.models import OrderEvent, SellerOrder
from payments.handlers import refund_payment_for_order
from payments.models import Refund
from payments.refunds import RefundRefused, refund_create, refunded_line_quantities, refunded_shipping

logger = logging.getLogger(__name__)

REFUND_FAILED_EVENT = "seller_cancel_refund_failed"


def seller_cancel_refund_key(seller_order: SellerOrder) -> str:
    return f"seller-cancel-{seller_order.number}"


def _refund_failed(seller_order: SellerOrder, message: str) -> None:
    """Leave the refusal on the order's audit trail for staff (a retry would be refused again)."""
    logger.warning("Refund of cancelled seller order %s refused: %s", seller_order.number, message)
    OrderEvent.objects.create(
        order_id=seller_order.order_id,
        seller_order=seller_order,
        kind=REFUND_FAILED_EVENT,
        message=f"Refund not made: {message}"[:300],
    )


def seller_order_cancelled_refund(
    *, seller_order_id: int, was_paid: bool = True, order_cancelled: bool = False, reason: str = "", **payload
) -> Refund | None:
    """Refund the units of the cancelled part not refunded yet and what is left of its shipping."""
    if not was_paid or order_cancelled:
        return None
    seller_order = SellerOrder.objects.get(pk=seller_order_id)
    if seller_order.status != SellerOrder.Status.CANCELLED:
        return None
    key = seller_cancel_refund_key(seller_order)
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    payment = refund_payment_for_order(order_id=seller_order.order_id)
    if payment is None:
        _refund_failed(seller_order, "the order has no captured payment to refund.")
        return None
    refunded = refunded_line_quantities(order_id=seller_order.order_id)
    lines = {
        line.pk: line.quantity - refunded.get(line.pk, 0)
        for line in seller_order.lines.order_by("pk")
        if line.quantity > refunded.get(line.pk, 0)
    }
    if not lines:
        return None
    shipping = seller_order.shipping_amount - refunded_shipping(order_id=seller_order.order_id).get(
        seller_order.pk, 0
    )
    try:
        with transaction.atomic():
            return refund_create(
                payment=payment,
                lines=lines,
                shipping_amount=shipping if shipping > 0 else None,
                reason=f"Cancelled by the seller ({seller_order.number}): {reason or 'no reason given'}",
                actor=None,
                idempotency_key=key,
            )
    except RefundRefused as error:
        _refund_failed(seller_order, error.message)
        return None
