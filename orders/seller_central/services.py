"""Writes of the seller's Orders pages that are not state changes: the acknowledgement."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.core import events
from marketplace.core.errors import ApplicationError
from orders.models import OrderEvent, SellerOrder

SS = SellerOrder.Status
# What a seller may still acknowledge: the order is theirs to ship (or on its way).
ACKNOWLEDGEABLE = (SS.READY_TO_SHIP, SS.PARTIALLY_SHIPPED, SS.SHIPPED, SS.DELIVERED)
ACKNOWLEDGED_EVENT = "acknowledged"


@transaction.atomic
def seller_order_acknowledge(*, seller_order: SellerOrder, actor) -> bool:
    """Record that the seller has seen ``seller_order``; return False if it already had.

    One conditional UPDATE: of two members acknowledging at once, one writes
    the time and the audit row, the other changes nothing. Raise
    ``ApplicationError`` for an order cancelled (or not paid yet).
    """
    now = timezone.now()
    updated = SellerOrder.objects.filter(
        pk=seller_order.pk, acknowledged_at__isnull=True, status__in=ACKNOWLEDGEABLE
    ).update(acknowledged_at=now, updated_at=now)
    if not updated:
        current = SellerOrder.objects.only("status", "acknowledged_at", "number").get(pk=seller_order.pk)
        if current.acknowledged_at is not None:
            seller_order.acknowledged_at = current.acknowledged_at
            return False
        raise ApplicationError(
            f"Order {current.number} is {current.get_status_display().lower()} and cannot be acknowledged."
        )
    OrderEvent.objects.create(
        order_id=seller_order.order_id,
        seller_order=seller_order,
        kind=ACKNOWLEDGED_EVENT,
        actor=actor if getattr(actor, "pk", None) else None,
        message="Acknowledged by the seller.",
    )
    seller_order.acknowledged_at = now
    seller_order.updated_at = now
    events.emit(
        "seller_order.acknowledged",
        seller_order_id=seller_order.pk,
        order_id=seller_order.order_id,
        seller_id=seller_order.seller_id,
    )
    return True
