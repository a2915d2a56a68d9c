"""Refunds move the sales counts (``orders.sales``, ADR 0083).

Orders cannot import payments, so payments subscribes its own refund events
and has the order counted again: what its refunds gave back is read there
from the order's audit trail, where ``payments.refunds`` records each refund
and each failure of one.
"""

from orders.sales import order_sales_count


def refund_count_sales(*, order_id: int, **_payload) -> None:
    """Outbox handler of ``refund.created`` and ``refund.failed``: count the refund's order again."""
    order_sales_count(order_id=order_id)
