"""Reactions of ``payments`` to other apps' domain events (subscribed in apps.py)."""

from orders.models import Order
from payments.refunds import refund_cancelled_order


def order_cancelled_refund(*, order_id: int, reason: str = "", **payload) -> None:
    """On ``order.cancelled``: refund what was paid, cancel open payments (idempotent)."""
    order = Order.objects.get(pk=order_id)
    refund_cancelled_order(order=order, reason=reason)
