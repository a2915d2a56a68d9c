"""Reads for the shopper's order pages, scoped to the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet

from fulfillment.models import Claim, ReturnLine, ReturnRequest, Shipment, TrackingEvent
from orders.models import Order, OrderEvent, OrderLine, SellerOrder

OS = Order.Status
SS = SellerOrder.Status


def order_list(*, user) -> QuerySet[Order]:
    """The user's orders, newest first, each with ``seller_order_count``."""
    return (
        Order.objects.filter(user=user)
        .annotate(seller_order_count=Count("seller_orders"))
        .order_by("-placed_at", "-id")
    )


def order_get(*, user, number: str) -> Order:
    """One of the user's orders with its parts, lines and audit events loaded.

    Raise ``Order.DoesNotExist`` for an order of somebody else.
    """
    return (
        Order.objects.filter(user=user, number=number)
        .prefetch_related(
            Prefetch(
                "seller_orders",
                queryset=SellerOrder.objects.select_related("seller__return_policy").prefetch_related(
                    Prefetch("lines", queryset=OrderLine.objects.select_related("product")),
                    Prefetch(
                        "shipments",
                        queryset=Shipment.objects.filter(direction=Shipment.Direction.OUTBOUND).exclude(
                            status=Shipment.Status.VOIDED
                        ),
                    ),
                    Prefetch(
                        "shipments__tracking_events",
                        queryset=TrackingEvent.objects.order_by("-occurred_at", "-id"),
                    ),
                    Prefetch(
                        "returns",
                        queryset=ReturnRequest.objects.select_related("shipment").order_by(
                            "-requested_at", "-id"
                        ),
                    ),
                    Prefetch(
                        "returns__lines", queryset=ReturnLine.objects.select_related("line").order_by("id")
                    ),
                    Prefetch("claims", queryset=Claim.objects.order_by("-opened_at", "-id")),
                ),
            ),
            Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
        )
        .get()
    )


@dataclass(frozen=True)
class TimelineStep:
    label: str
    at: datetime | None
    done: bool
    current: bool = False


_SELLER_STEPS = [
    (SS.READY_TO_SHIP, "Ready to ship"),
    (SS.SHIPPED, "Shipped"),
    (SS.DELIVERED, "Delivered"),
]


def seller_order_timeline(*, order: Order, seller_order: SellerOrder) -> list[TimelineStep]:
    """Placed, paid, ready to ship, shipped, delivered (or cancelled) for one part of an order.

    Read from the prefetched ``order.events``; steps not reached yet have no
    time and ``done`` False, and a cancelled part stops at "Cancelled".
    """
    order_events = {}
    part_events = {}
    for event in order.events.all():
        if event.seller_order_id is None:
            order_events.setdefault(event.kind, event.created_at)
        elif event.seller_order_id == seller_order.pk:
            part_events.setdefault(event.kind, event.created_at)
    placed_at = order_events.get("placed", order.placed_at)
    paid_at = order_events.get(OS.PAID, order.paid_at)
    steps = [TimelineStep("Placed", placed_at, True), TimelineStep("Paid", paid_at, paid_at is not None)]
    for status, label in _SELLER_STEPS:
        at = part_events.get(status)
        if status == SS.DELIVERED and at is not None and seller_order.delivered_at:
            at = seller_order.delivered_at  # the carrier's delivery scan, not when we heard of it
        steps.append(TimelineStep(label, at, at is not None))
    if seller_order.status == SS.CANCELLED:
        reached = [step for step in steps if step.done]
        cancelled_at = part_events.get(SS.CANCELLED) or order.cancelled_at
        return [*reached, TimelineStep("Cancelled", cancelled_at, True, current=True)]
    last_done = max(index for index, step in enumerate(steps) if step.done)
    steps[last_done] = TimelineStep(steps[last_done].label, steps[last_done].at, True, current=True)
    return steps
