"""Unpaid orders give their stock back when the reservation runs out.

``orders.tasks.order_expire_unpaid_task`` runs ``order_expire_unpaid`` every
minute (``CELERY_BEAT_SCHEDULE``). Each order is expired in its own short
transaction that locks the order row with ``SKIP LOCKED``: an order a payment
is working on right now is skipped and looked at again next minute, when it
is either paid (and no longer a candidate) or still unpaid. The payment path
(``orders.lifecycle.order_mark_paid``) locks the same row and refuses an order
whose reservation has run out, so a late payment and the expiry never both
win: the order is either paid or cancelled and released, exactly once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from orders.lifecycle import order_cancel
from orders.models import Order

EXPIRY_REASON = "Payment was not completed in time"
# Orders expired per run at most; the next run (a minute later) takes the rest.
EXPIRY_BATCH = 500


def order_expire_unpaid(*, now: datetime | None = None, limit: int = EXPIRY_BATCH) -> int:
    """Cancel unpaid orders whose reservation ended before ``now``; return how many.

    Their stock is released and each order is cancelled with the reason
    "Payment was not completed in time". Safe to run twice and concurrently.
    """
    now = now or timezone.now()
    candidates = list(
        Order.objects.filter(status=Order.Status.PENDING_PAYMENT, reserved_until__lt=now)
        .order_by("reserved_until", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for order_id in candidates if order_expire(order_id=order_id, now=now))


@transaction.atomic
def order_expire(*, order_id: int, now: datetime) -> bool:
    """Expire one order if it is still unpaid and past its reservation; return whether it was."""
    order = (
        Order.objects.select_for_update(skip_locked=True)
        .filter(pk=order_id, status=Order.Status.PENDING_PAYMENT, reserved_until__lt=now)
        .first()
    )
    if order is None:  # paid, cancelled or being paid right now
        return False
    order_cancel(order=order, actor=None, reason=EXPIRY_REASON)
    return True
