"""The ledger's reactions to domain events (subscribed through the outbox in payments/apps.py).

Each posts by unique key, so the outbox's at-least-once delivery posts once.
"""

from __future__ import annotations

from orders.models import Order
from payments.models import Dispute, Refund

from .postings import ledger_post_dispute, ledger_post_order, ledger_post_refund, ledger_post_refund_reversal


def order_paid_post(*, order_id: int, **payload) -> None:
    """On ``order.paid`` / ``order.released``: post each seller order's sale and commission."""
    ledger_post_order(order=Order.objects.get(pk=order_id))


def refund_created_post(*, refund_id: int, **payload) -> None:
    """On ``refund.created``: post the refund's debits and commission given back."""
    ledger_post_refund(refund=Refund.objects.get(pk=refund_id))


def refund_failed_post(*, refund_id: int, **payload) -> None:
    """On ``refund.failed``: reverse the refund's debits and commission given back."""
    ledger_post_refund_reversal(refund=Refund.objects.get(pk=refund_id))


def dispute_created_post(*, dispute_id: int, **payload) -> None:
    """On ``dispute.created``: post the dispute's debits."""
    ledger_post_dispute(dispute=Dispute.objects.select_related("payment__order").get(pk=dispute_id))
