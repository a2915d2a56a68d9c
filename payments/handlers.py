"""Reactions of ``payments`` to other apps' domain events (subscribed in apps.py)."""

from django.db import transaction

from fulfillment.models import ReturnRequest
from fulfillment.returns import return_refund_amounts, return_refund_failed, return_refund_recorded
from orders.models import Order
from payments.models import Payment
from payments.refunds import (
    CAPTURED,
    RefundRefused,
    payment_released_order,
    refund_cancelled_order,
    refund_create,
    refunded_shipping,
)


def order_cancelled_refund(*, order_id: int, reason: str = "", **payload) -> None:
    """On ``order.cancelled``: refund what was paid, cancel open payments (idempotent)."""
    order = Order.objects.get(pk=order_id)
    refund_cancelled_order(order=order, reason=reason)


def refund_payment_for_order(*, order_id: int) -> Payment | None:
    """The captured payment a return or claim refunds: the one that paid the order to its sellers."""
    captured = list(
        Payment.objects.filter(order_id=order_id, status__in=(*CAPTURED, Payment.Status.REFUNDED)).order_by("pk")
    )
    return next((p for p in captured if payment_released_order(payment=p)), captured[0] if captured else None)


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
    try:
        with transaction.atomic():
            refund = refund_create(
                payment=payment,
                lines=lines,
                shipping_amount=shipping if shipping > 0 else None,
                reason=f"Return {rma.number}: {rma.get_reason_display()}",
                actor=None,
                idempotency_key=f"return-{rma.number}",
            )
    except RefundRefused as error:
        return_refund_failed(return_id=rma.pk, error=error.message)
        return
    return_refund_recorded(return_id=rma.pk, refund_reference=str(refund.pk), amount=refund.amount)
