"""Reading seller feedback: a seller's summary by period, its list, and a buyer's feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from reviews.models import SellerFeedback
from sellers.models import Seller

RECENT_COMMENTS = 5
# (key, label, days; None for lifetime), in the order the Seller Central table shows them.
PERIODS: tuple[tuple[str, str, int | None], ...] = (
    ("days_30", "30 days", 30),
    ("days_90", "90 days", 90),
    ("months_12", "12 months", 365),
    ("lifetime", "Lifetime", None),
)
# Stars that make a feedback positive, neutral or negative (as the list's filter names them).
KINDS: dict[str, Q] = {
    "positive": Q(rating__gte=4),
    "neutral": Q(rating=3),
    "negative": Q(rating__lte=2),
}
KIND_LABELS = {
    "positive": "Positive (4-5 stars)",
    "neutral": "Neutral (3 stars)",
    "negative": "Negative (1-2 stars)",
}


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage, half up; ``None`` of nothing."""
    if not whole:
        return None
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class FeedbackCounts:
    """Published feedback of one period, by kind."""

    label: str
    positive: int = 0
    neutral: int = 0
    negative: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def positive_percent(self) -> int | None:
        return percent(self.positive, self.total)

    @property
    def neutral_percent(self) -> int | None:
        return percent(self.neutral, self.total)

    @property
    def negative_percent(self) -> int | None:
        return percent(self.negative, self.total)


@dataclass(frozen=True, slots=True)
class FeedbackSummary:
    """A seller's feedback: counts per period, the lifetime rating, the latest comments."""

    periods: tuple[FeedbackCounts, ...]
    recent: list[SellerFeedback]
    rating_average: Decimal
    rating_count: int

    @property
    def last_12_months(self) -> FeedbackCounts:
        return self.periods[2]

    @property
    def lifetime(self) -> FeedbackCounts:
        return self.periods[3]


def published_feedback() -> QuerySet[SellerFeedback]:
    return SellerFeedback.objects.filter(status=SellerFeedback.Status.PUBLISHED)


def feedback_counts(*, seller: Seller, periods=PERIODS, now=None) -> tuple[FeedbackCounts, ...]:
    """The seller's published feedback counted by kind for each period: one query."""
    now = now or timezone.now()
    aggregates = {}
    for key, _label, days in periods:
        since = Q(created_at__gt=now - timedelta(days=days)) if days else Q()
        for kind, stars in KINDS.items():
            aggregates[f"{key}__{kind}"] = Count("pk", filter=stars & since)
    row = published_feedback().filter(seller=seller).aggregate(**aggregates)
    return tuple(
        FeedbackCounts(label, **{kind: row[f"{key}__{kind}"] for kind in KINDS}) for key, label, _ in periods
    )


def seller_feedback_summary(*, seller: Seller, now=None) -> FeedbackSummary:
    """Counts for 30 days, 90 days, 12 months and lifetime, and the latest comments: two queries.

    The lifetime rating is the seller's cached aggregate (kept by
    ``reviews.aggregates.seller_rating_move``), read from ``seller``.
    """
    recent = list(
        published_feedback()
        .filter(seller=seller)
        .exclude(comment="")
        .order_by("-created_at", "-id")[:RECENT_COMMENTS]
    )
    return FeedbackSummary(
        periods=feedback_counts(seller=seller, now=now),
        recent=recent,
        rating_average=seller.rating_average,
        rating_count=seller.rating_count,
    )


def seller_feedback_list(*, seller: Seller, kind: str = "") -> QuerySet[SellerFeedback]:
    """The seller's published feedback, newest first, with its seller order; ``kind`` filters."""
    queryset = published_feedback().filter(seller=seller)
    if kind in KINDS:
        queryset = queryset.filter(KINDS[kind])
    return queryset.select_related("seller_order").order_by("-created_at", "-id")


def feedback_of(*, seller_order) -> SellerFeedback | None:
    """The feedback of ``seller_order``, published or removed, if any."""
    return SellerFeedback.objects.filter(seller_order=seller_order).first()
