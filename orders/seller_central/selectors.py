"""Reads of the seller's Orders pages, always scoped to one seller.

A seller sees a seller order once the order is paid and released to it
(``Order.paid_at`` is set): an order awaiting payment, or held by fraud
review and rejected, never reaches the seller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from orders.models import OrderEvent, OrderLine, SellerOrder
from sellers.models import Seller, SellerMember

SS = SellerOrder.Status
TO_SHIP = (SS.READY_TO_SHIP, SS.PARTIALLY_SHIPPED)

# Status groups of the list: (label, filter). The first is the default.
STATUS_GROUPS: dict[str, tuple[str, Q]] = {
    "to_ship": ("To ship", Q(status__in=TO_SHIP)),
    "to_acknowledge": ("To acknowledge", Q(status=SS.READY_TO_SHIP, acknowledged_at__isnull=True)),
    "shipped": ("Shipped", Q(status=SS.SHIPPED)),
    "delivered": ("Delivered", Q(status=SS.DELIVERED)),
    "cancelled": ("Cancelled", Q(status=SS.CANCELLED)),
    "all": ("All", Q()),
}
DUE_CHOICES = {
    "overdue": "Overdue",
    "today": "Due today",
    "soon": "Due in the next 3 days",
}
SORTS = {
    "due": ("Ship-by date", (F("promised_from").asc(nulls_last=True), "promised_to", "created_at", "pk")),
    "placed": ("Newest first", ("-created_at", "-pk")),
}
DEFAULT_STATUS = "to_ship"
DEFAULT_SORT = "due"
SOON_DAYS = 3


def seller_orders_visible(*, seller: Seller) -> QuerySet[SellerOrder]:
    """The seller's orders it may see: those released to it (paid, not held for review)."""
    return SellerOrder.objects.filter(seller=seller, order__paid_at__isnull=False)


def _due_filter(due: str, today: date) -> Q:
    """Orders still to ship whose ship-by date (``promised_from``) is past, today or soon."""
    if due == "overdue":
        window = Q(promised_from__lt=today)
    elif due == "today":
        window = Q(promised_from=today)
    elif due == "soon":
        window = Q(promised_from__gt=today, promised_from__lte=today + timedelta(days=SOON_DAYS))
    else:
        return Q()
    return window & Q(status__in=TO_SHIP)


def seller_order_list(
    *,
    seller: Seller,
    status: str = DEFAULT_STATUS,
    due: str = "",
    query: str = "",
    sort: str = DEFAULT_SORT,
    today: date | None = None,
) -> QuerySet[SellerOrder]:
    """The seller's orders in a status group, due window and search, with ``units``.

    ``query`` matches a part of the order number or a line's exact SKU (any
    case). Unknown ``status`` and ``sort`` values mean the defaults.
    """
    today = today or timezone.localdate()
    _, status_filter = STATUS_GROUPS.get(status, STATUS_GROUPS[DEFAULT_STATUS])
    queryset = seller_orders_visible(seller=seller).filter(status_filter, _due_filter(due, today))
    if query:
        sku = OrderLine.objects.filter(seller_order=OuterRef("pk"), sku__iexact=query)
        queryset = queryset.filter(Q(number__icontains=query) | Exists(sku))
    _, ordering = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return queryset.select_related("order").annotate(units=Sum("lines__quantity")).order_by(*ordering)


def seller_order_get_for_seller(*, seller: Seller, number: str) -> SellerOrder:
    """One of the seller's orders with its lines and its own audit rows (oldest first).

    Raise ``SellerOrder.DoesNotExist`` for another seller's order, one not
    released to the seller, or a number that does not exist.
    """
    return (
        seller_orders_visible(seller=seller)
        .filter(number=number[:28])
        .select_related("order")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch(
                "events", queryset=OrderEvent.objects.select_related("actor").order_by("created_at", "pk")
            ),
        )
        .get()
    )


@dataclass(frozen=True)
class AuditRow:
    at: object
    what: str
    who: str
    message: str


_EVENT_LABELS = {
    SS.READY_TO_SHIP: "Paid: ready to ship",
    SS.PARTIALLY_SHIPPED: "Partially shipped",
    SS.SHIPPED: "Shipped",
    SS.DELIVERED: "Delivered",
    SS.CANCELLED: "Cancelled",
    "acknowledged": "Acknowledged",
}


def seller_order_audit(*, seller_order: SellerOrder) -> list[AuditRow]:
    """The prefetched audit rows of a seller order, saying who acted without naming the buyer.

    The buyer is "The buyer", a member of the seller by name (or "Your team"),
    anybody else "Marketplace staff" and no one "Automatic".
    """
    events = list(seller_order.events.all())
    actor_ids = {event.actor_id for event in events if event.actor_id}
    member_ids = set(
        SellerMember.objects.filter(seller_id=seller_order.seller_id, user_id__in=actor_ids).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    for event in events:
        if event.actor_id is None:
            who = "Automatic"
        elif event.actor_id == seller_order.order.user_id:
            who = "The buyer"
        elif event.actor_id in member_ids:
            who = event.actor.full_name or "Your team"
        else:
            who = "Marketplace staff"
        label = _EVENT_LABELS.get(event.kind, event.kind.replace("_", " ").capitalize())
        rows.append(AuditRow(at=event.created_at, what=label, who=who, message=event.message))
    return rows


def seller_order_counts(*, seller: Seller, today: date | None = None) -> dict[str, int]:
    """For the dashboard: orders to acknowledge, due to ship today and overdue, in one query."""
    today = today or timezone.localdate()
    return seller_orders_visible(seller=seller).aggregate(
        to_acknowledge=Count("pk", filter=STATUS_GROUPS["to_acknowledge"][1]),
        due_today=Count("pk", filter=_due_filter("today", today)),
        overdue=Count("pk", filter=_due_filter("overdue", today)),
    )


def buyer_short_name(full_name: str) -> str:
    """The buyer as the seller's list shows it: first name and last initial ("Ada L.")."""
    parts = (full_name or "").split()
    if not parts:
        return "Buyer"
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[-1][0]}."
