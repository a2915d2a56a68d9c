"""The scorecard's figures, computed from orders, parcels and defects over 30 and 90 days."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, Max, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from fulfillment.models import (
    Holiday,
    OrderDefect,
    Shipment,
    Warehouse,
)
from fulfillment.promises import days_from_promise, delivery_date
from fulfillment.shipping import add_business_days, handling_start
from orders.models import OrderEvent, SellerOrder

SS = SellerOrder.Status


WINDOWS = (30, 90)


# Each figure: what it is called, whether its threshold is a ceiling ("max") or a floor
# ("min"), and the count it is a share of (the minimum number of orders applies to it).
METRICS = {
    "order_defect_rate": ("Order defect rate", "max", "orders"),
    "cancellation_rate": ("Pre-fulfilment cancellation rate", "max", "orders"),
    "late_shipment_rate": ("Late shipment rate", "max", "ship_due_orders"),
    "valid_tracking_rate": ("Valid tracking rate", "min", "shipments"),
    "on_time_delivery_rate": ("On-time delivery rate", "min", "delivery_due_orders"),
    "promise_accuracy": ("Delivered inside the promised window", "min", "delivered_orders"),
}


DEFAULT_THRESHOLDS = {
    "order_defect_rate": Decimal("0.01"),
    "cancellation_rate": Decimal("0.025"),
    "late_shipment_rate": Decimal("0.04"),
    "valid_tracking_rate": Decimal("0.95"),
}


RATE = Decimal("0.0001")


DAYS = Decimal("0.01")


def scorecard_thresholds() -> dict[str, Decimal]:
    """The thresholds in force: ``settings.SELLER_SCORECARD_THRESHOLDS`` or Amazon's defaults."""
    configured = getattr(settings, "SELLER_SCORECARD_THRESHOLDS", DEFAULT_THRESHOLDS)
    unknown = set(configured) - set(METRICS)
    if unknown:
        raise ImproperlyConfigured(f"SELLER_SCORECARD_THRESHOLDS names no figure {sorted(unknown)}.")
    return {name: Decimal(str(limit)) for name, limit in configured.items()}


def scorecard_setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATE, rounding=ROUND_HALF_UP) if whole else None


@dataclass
class WindowFigures:
    """The counts of one seller over one window; the rates are derived from them."""

    days: int
    orders: int = 0
    defective_orders: int = 0
    cancelled_orders: int = 0
    ship_due_orders: int = 0
    late_shipments: int = 0
    shipments: int = 0
    tracked_shipments: int = 0
    delivery_due_orders: int = 0
    delivered_on_time: int = 0
    delivered_orders: int = 0
    delivered_in_window: int = 0
    days_from_promise: list[int] = field(default_factory=list)

    def rates(self) -> dict[str, Decimal | None]:
        mean = None
        if self.days_from_promise:
            total = Decimal(sum(self.days_from_promise))
            mean = (total / len(self.days_from_promise)).quantize(DAYS, rounding=ROUND_HALF_UP)
        return {
            "order_defect_rate": _share(self.defective_orders, self.orders),
            "cancellation_rate": _share(self.cancelled_orders, self.orders),
            "late_shipment_rate": _share(self.late_shipments, self.ship_due_orders),
            "valid_tracking_rate": _share(self.tracked_shipments, self.shipments),
            "on_time_delivery_rate": _share(self.delivered_on_time, self.delivery_due_orders),
            "promise_accuracy": _share(self.delivered_in_window, self.delivered_orders),
            "mean_days_from_promise": mean,
        }

    def as_fields(self) -> dict:
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "days_from_promise"}
        return counts | self.rates()


def ship_by_date(*, paid_at: datetime, warehouse: Warehouse, handling_days: int, holidays: set[date]) -> date:
    """The last day (warehouse-local) the seller may hand the order to the carrier.

    The rule checkout used for the promise (``fulfillment.shipping``): the
    warehouse's handling starts on its local day, or the next business day
    after the cut-off hour, a weekend or a holiday, and takes the slowest
    line's handling days in business days. It starts from payment, not from
    placing: a seller cannot ship an order before it is paid, or while fraud
    review holds it.
    """
    start = handling_start(now=paid_at, warehouse=warehouse, holidays=holidays)
    return add_business_days(start, handling_days, holidays=holidays)


def _origins(seller_ids: set[int]) -> dict[int, Warehouse]:
    """Each seller's first active warehouse (as checkout picks it), or the marketplace's."""
    rows = list(
        Warehouse.objects.filter(
            Q(seller_id__in=seller_ids) | Q(seller__isnull=True), is_active=True
        ).order_by("pk")
    )
    marketplace = next((w for w in rows if w.seller_id is None), Warehouse())
    origins: dict[int, Warehouse] = {}
    for warehouse in rows:
        if warehouse.seller_id is not None:
            origins.setdefault(warehouse.seller_id, warehouse)
    return {seller_id: origins.get(seller_id, marketplace) for seller_id in seller_ids}


def _holidays(countries: set[str], *, since: datetime, now: datetime) -> dict[str, set[date]]:
    by_country: dict[str, set[date]] = defaultdict(set)
    rows = Holiday.objects.filter(
        country__in=countries,
        date__gte=since.date() - timedelta(days=7),
        date__lte=now.date() + timedelta(days=70),
    ).values_list("country", "date")
    for country, day in rows:
        by_country[country].add(day)
    return by_country


def _seller_orders(*, seller_ids: set[int], since: datetime, now: datetime):
    """The paid seller orders placed in the longest window, with what each figure needs."""
    buyer_cancelled = OrderEvent.objects.filter(
        seller_order=OuterRef("pk"), to_status=SS.CANCELLED, actor_id=OuterRef("order__user_id")
    )
    return (
        SellerOrder.objects.filter(
            seller_id__in=seller_ids,
            order__paid_at__isnull=False,
            order__placed_at__gt=since,
            order__placed_at__lte=now,
        )
        .annotate(
            handling_days=Coalesce(Max("lines__offer__handling_days"), Value(0)),
            defective=Exists(OrderDefect.objects.filter(seller_order=OuterRef("pk"))),
            buyer_cancelled=Exists(buyer_cancelled),
        )
        .values_list(
            "seller_id",
            "status",
            "order__placed_at",
            "order__paid_at",
            "shipped_at",
            "delivered_at",
            "promised_from",
            "promised_to",
            "handling_days",
            "defective",
            "buyer_cancelled",
        )
        .order_by()
    )


def _count_order(figures: WindowFigures, row: tuple, *, origin: Warehouse, holidays, now: datetime) -> None:
    _seller, status, _placed, paid_at, shipped_at, delivered_at, promised_from, promised_to = row[:8]
    handling_days, defective, buyer_cancelled = row[8:]
    figures.orders += 1
    figures.defective_orders += defective
    if status == SS.CANCELLED:
        figures.cancelled_orders += not buyer_cancelled
        return
    local = zoneinfo.ZoneInfo(origin.timezone)
    ship_by = ship_by_date(paid_at=paid_at, warehouse=origin, handling_days=handling_days, holidays=holidays)
    if shipped_at is not None:
        figures.ship_due_orders += 1
        figures.late_shipments += shipped_at.astimezone(local).date() > ship_by
    elif now.astimezone(local).date() > ship_by:
        figures.ship_due_orders += 1
        figures.late_shipments += 1  # past its ship-by date and still not shipped
    if promised_to is None:
        return
    if delivered_at is not None:
        delivered_on = delivery_date(delivered_at)
        figures.delivery_due_orders += 1
        figures.delivered_orders += 1
        figures.delivered_on_time += delivered_on <= promised_to
        figures.delivered_in_window += (promised_from or promised_to) <= delivered_on <= promised_to
        figures.days_from_promise.append(
            days_from_promise(delivered_at=delivered_at, promised_to=promised_to)
        )
    elif delivery_date(now) > promised_to:
        figures.delivery_due_orders += 1  # overdue: late, whenever it arrives


def scorecard_figures(*, seller_ids, now: datetime | None = None) -> dict[int, dict[int, WindowFigures]]:
    """Compute the figures of these sellers: {seller id: {30: figures, 90: figures}}.

    A seller order belongs to a window by when its order was placed; only
    paid orders count. Four queries whatever the number of sellers and orders
    (seller orders, warehouses, holidays, parcels), the rest is arithmetic.
    """
    now = now or timezone.now()
    seller_ids = set(seller_ids)
    starts = {days: now - timedelta(days=days) for days in WINDOWS}
    since = min(starts.values())
    result = {seller_id: {days: WindowFigures(days=days) for days in WINDOWS} for seller_id in seller_ids}
    if not seller_ids:
        return result
    origins = _origins(seller_ids)
    holidays = _holidays({w.country for w in origins.values()}, since=since, now=now)
    for row in _seller_orders(seller_ids=seller_ids, since=since, now=now).iterator(chunk_size=2000):
        origin = origins[row[0]]
        for days, start in starts.items():
            if row[2] > start:
                _count_order(
                    result[row[0]][days], row, origin=origin, holidays=holidays[origin.country], now=now
                )
    tracking_due = now - timedelta(hours=scorecard_setting("SELLER_SCORECARD_TRACKING_GRACE_HOURS", 48))
    parcels = (
        Shipment.objects.filter(
            seller_order__seller_id__in=seller_ids,
            seller_order__order__placed_at__gt=since,
            seller_order__order__placed_at__lte=now,
            direction=Shipment.Direction.OUTBOUND,
            created_at__lte=tracking_due,
        )
        .exclude(status=Shipment.Status.VOIDED)
        .values_list("seller_order__seller_id", "seller_order__order__placed_at", "picked_up_at")
        .order_by()
    )
    for seller_id, placed_at, picked_up_at in parcels.iterator(chunk_size=2000):
        for days, start in starts.items():
            if placed_at > start:
                result[seller_id][days].shipments += 1
                result[seller_id][days].tracked_shipments += picked_up_at is not None
    return result


def scorecard_breaches(*, windows: dict[int, WindowFigures], thresholds: dict[str, Decimal]) -> list[str]:
    """The figures past their thresholds, each judged on the shortest window with enough orders.

    A figure counts once its own denominator reaches
    ``SELLER_SCORECARD_MIN_ORDERS`` in the 30-day window, else in the 90-day
    one; a seller with fewer is not judged on it (one bad order in five would
    be 20 %).
    """
    minimum = scorecard_setting("SELLER_SCORECARD_MIN_ORDERS", 10)
    breaches = []
    for name, limit in thresholds.items():
        _label, direction, denominator = METRICS[name]
        counted = next((w for _d, w in sorted(windows.items()) if getattr(w, denominator) >= minimum), None)
        if counted is None:
            continue
        rate = counted.rates()[name]
        if (direction == "max" and rate >= limit) or (direction == "min" and rate < limit):
            breaches.append(name)
    return breaches
