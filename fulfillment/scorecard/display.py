"""The stored scorecard as rows for the seller's page and the admin."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from fulfillment.models import (
    SellerScorecard,
    SellerScorecardWindow,
)
from fulfillment.scorecard.figures import DAYS, METRICS, scorecard_thresholds
from sellers.models import Seller


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(DAYS)} %"


@dataclass(frozen=True)
class FigureCell:
    """One figure over one window: the rate and the counts it comes from."""

    days: int
    rate: Decimal | None
    part: int
    whole: int

    @property
    def percent(self) -> str:
        return "n/a" if self.rate is None else _percent(self.rate)


@dataclass(frozen=True)
class FigureRow:
    """One line of the scorecard as pages and e-mails show it."""

    name: str
    label: str
    direction: str
    limit: Decimal | None
    cells: list[FigureCell]
    breached: bool

    @property
    def target(self) -> str:
        if self.limit is None:
            return "no threshold"
        limit = f"{(self.limit * 100).normalize():f} %"
        return f"under {limit}" if self.direction == "max" else f"{limit} or more"


def scorecard_get_for_seller(*, seller: Seller) -> SellerScorecard | None:
    """The seller's stored scorecard with its windows, or None before the first computation."""
    return (
        SellerScorecard.objects.filter(seller=seller)
        .prefetch_related(Prefetch("windows", queryset=SellerScorecardWindow.objects.order_by("days")))
        .first()
    )


_COUNTS = {
    "order_defect_rate": ("defective_orders", "orders"),
    "cancellation_rate": ("cancelled_orders", "orders"),
    "late_shipment_rate": ("late_shipments", "ship_due_orders"),
    "valid_tracking_rate": ("tracked_shipments", "shipments"),
    "on_time_delivery_rate": ("delivered_on_time", "delivery_due_orders"),
    "promise_accuracy": ("delivered_in_window", "delivered_orders"),
}


def scorecard_rows(*, scorecard: SellerScorecard) -> list[FigureRow]:
    """The figures of a stored scorecard, one row per figure with both windows (no query)."""
    thresholds = scorecard_thresholds()
    windows = list(scorecard.windows.all())
    rows = []
    for name, (label, direction, _denominator) in METRICS.items():
        part, whole = _COUNTS[name]
        cells = [FigureCell(w.days, getattr(w, name), getattr(w, part), getattr(w, whole)) for w in windows]
        rows.append(
            FigureRow(
                name=name,
                label=label,
                direction=direction,
                limit=thresholds.get(name),
                cells=cells,
                breached=name in scorecard.breaches,
            )
        )
    return rows
