"""Reads of buyer-seller messages, scoped to the buyer or to the seller, and response times.

A seller sees the conversations of its orders once they are paid (as it sees
the orders); a buyer those of its own orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Aggregate,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Substr

from orders.models import Conversation, Message, SellerOrder
from sellers.models import Seller

# Amazon expects an answer to a buyer within 24 hours.
RESPONSE_TARGET = timedelta(hours=24)
RESPONSE_WINDOWS = (30, 90)
PREVIEW_LENGTH = 120
SHOW_CHOICES = {"all": "All conversations", "unanswered": "Awaiting your reply"}
DEFAULT_SHOW = "all"


def seller_order_get_for_buyer(*, user, order_number: str, number: str) -> SellerOrder:
    """The part ``number`` of the user's order ``order_number``, with its order, seller and conversation.

    Raise ``SellerOrder.DoesNotExist`` for anybody else's order or a number that does not exist.
    """
    return (
        SellerOrder.objects.filter(order__user=user, order__number=order_number[:24], number=number[:28])
        .select_related("order", "seller", "conversation")
        .get()
    )


def seller_order_get_for_seller(*, seller: Seller, number: str) -> SellerOrder:
    """One of the seller's paid orders with its order and conversation (if any).

    Raise ``SellerOrder.DoesNotExist`` for another seller's order, one not paid
    yet, or a number that does not exist.
    """
    return (
        SellerOrder.objects.filter(seller=seller, order__paid_at__isnull=False, number=number[:28])
        .select_related("order", "conversation")
        .get()
    )


def conversation_of(seller_order: SellerOrder) -> Conversation | None:
    """The seller order's conversation as ``select_related`` loaded it (None before a first message)."""
    try:
        return seller_order.conversation
    except Conversation.DoesNotExist:
        return None


def message_list(*, seller_order: SellerOrder) -> list[Message]:
    """The seller order's messages, oldest first, with their authors."""
    return list(
        Message.objects.filter(conversation__seller_order=seller_order)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def conversation_list(*, seller: Seller, show: str = DEFAULT_SHOW) -> QuerySet[Conversation]:
    """The seller's conversations: newest message first, or those awaiting a reply, oldest wait first.

    Each carries its order and ``preview``, the start of its last message.
    """
    last_body = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    queryset = (
        Conversation.objects.filter(seller=seller, seller_order__order__paid_at__isnull=False)
        .select_related("seller_order__order")
        .annotate(preview=Substr(Subquery(last_body.values("body")[:1]), 1, PREVIEW_LENGTH))
    )
    if show == "unanswered":
        return queryset.filter(waiting_since__isnull=False).order_by("waiting_since", "pk")
    return queryset.order_by("-last_message_at", "-pk")


def conversation_waiting_summary(*, seller: Seller) -> dict:
    """How many conversations await the seller's reply and since when the oldest waits: one query."""
    return Conversation.objects.filter(seller=seller, waiting_since__isnull=False).aggregate(
        waiting=Count("pk"), oldest=Min("waiting_since")
    )


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median of an interval (or a number)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class ResponseWindow:
    """The seller's answers to buyers over the last ``days`` days.

    ``counted`` waits: answered, or unanswered for more than 24 hours (late);
    those waiting less than 24 hours are not counted yet.
    """

    days: int
    counted: int
    on_time: int
    median: timedelta | None

    @property
    def late(self) -> int:
        return self.counted - self.on_time

    @property
    def percent_on_time(self) -> str:
        if not self.counted:
            return "n/a"
        return f"{(Decimal(self.on_time) * 100 / Decimal(self.counted)).quantize(Decimal('0.1'))} %"

    @property
    def median_label(self) -> str:
        return "n/a" if self.median is None else duration_label(self.median)


@dataclass(frozen=True)
class ResponseTimes:
    windows: list[ResponseWindow]
    waiting: int

    @property
    def any(self) -> bool:
        return any(window.counted for window in self.windows) or self.waiting > 0


def duration_label(duration: timedelta) -> str:
    """A wait as people say it: "45 min", "3 h 05 min", "2 d 4 h" (rounded down to the minute)."""
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def seller_response_times(*, seller: Seller, now: datetime) -> ResponseTimes:
    """The seller's share of waits answered within 24 hours and their median, over 30 and 90 days.

    A wait starts with a buyer message written while nothing else waited and
    ends with the seller's next message; it belongs to the window of the day
    it started. A wait still open after 24 hours is late and counts at its
    length so far; one open for less is not counted yet. One query.
    """
    longest = max(RESPONSE_WINDOWS)
    waits = Message.objects.filter(
        conversation__seller=seller,
        starts_wait=True,
        created_at__gt=now - timedelta(days=longest),
        created_at__lte=now,
    )
    counted = Q(answered_at__isnull=False) | Q(created_at__lt=now - RESPONSE_TARGET)
    on_time = Q(answered_at__isnull=False, answered_at__lte=F("created_at") + RESPONSE_TARGET)
    waited = ExpressionWrapper(
        Coalesce("answered_at", Value(now, output_field=DateTimeField())) - F("created_at"),
        output_field=DurationField(),
    )
    aggregates = {"waiting": Count("pk", filter=Q(answered_at__isnull=True))}
    for days in RESPONSE_WINDOWS:
        window = Q(created_at__gt=now - timedelta(days=days))
        aggregates[f"counted_{days}"] = Count("pk", filter=window & counted)
        aggregates[f"on_time_{days}"] = Count("pk", filter=window & on_time)
        aggregates[f"median_{days}"] = Median(waited, filter=window & counted)
    figures = waits.aggregate(**aggregates)
    return ResponseTimes(
        windows=[
            ResponseWindow(
                days=days,
                counted=figures[f"counted_{days}"],
                on_time=figures[f"on_time_{days}"],
                median=figures[f"median_{days}"],
            )
            for days in RESPONSE_WINDOWS
        ],
        waiting=figures["waiting"],
    )


@dataclass(frozen=True)
class ThreadRow:
    """A message as one side sees it: who wrote it, and whether it was this side."""

    message: Message
    who: str
    mine: bool


def thread_rows(
    *, messages: list[Message], viewer: str, seller_name: str, buyer_name: str
) -> list[ThreadRow]:
    """Label each message for ``viewer`` ("buyer" or "seller") without a query.

    The buyer reads the seller's messages under the seller's name, never a
    member's; the seller reads its own under the member's name.
    """
    rows = []
    for message in messages:
        if message.author_kind == Message.Author.STAFF:
            rows.append(ThreadRow(message, "Marketplace staff", False))
        elif message.author_kind == Message.Author.BUYER:
            rows.append(ThreadRow(message, "You" if viewer == "buyer" else buyer_name, viewer == "buyer"))
        elif viewer == "seller":
            member_name = getattr(message.author, "full_name", "") if message.author_id else ""
            rows.append(ThreadRow(message, f"{member_name or 'Your team'} ({seller_name})", True))
        else:
            rows.append(ThreadRow(message, seller_name, False))
    return rows
