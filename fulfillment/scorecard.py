"""The seller scorecard: how well each seller keeps its promises, and what follows from it.

Figures over the last 30 and 90 days (docs/scorecard.md defines each one):
order defect rate, pre-fulfilment cancellation rate, late shipment rate,
valid tracking rate, on-time delivery rate and promise accuracy. A seller
past a threshold (``settings.SELLER_SCORECARD_THRESHOLDS``) loses buy-box
eligibility (``Seller.buy_box_eligible``, the stored flag the buy box reads),
gets one warning e-mail, and after ``SELLER_SCORECARD_GRACE_DAYS`` still past
it is proposed to staff for suspension. Celery beat and
``manage.py scorecards_recompute`` recompute it; nothing computes it per
request.

This module sits above ``orders`` with the other post-payment modules of
fulfillment. Defects from apps above it arrive by domain event
(``dispute.created`` from payments) or by a direct call of
``order_defect_record`` (claims here, feedback from reviews).
See docs/decisions/0052-seller-scorecard.md.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from catalog.models import Offer
from catalog.services import product_refresh_buy_box
from fulfillment.models import (
    Holiday,
    OrderDefect,
    SellerScorecard,
    SellerScorecardWindow,
    Shipment,
    Warehouse,
)
from fulfillment.notifications import seller_email_send, seller_url
from fulfillment.promises import days_from_promise, delivery_date
from fulfillment.shipping import add_business_days, handling_start
from marketplace.core import events
from marketplace.core.errors import ApplicationError
from orders.models import OrderEvent, SellerOrder
from sellers.models import Seller

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


def _setting(name: str, default: int) -> int:
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


# -- ship-by ------------------------------------------------------------------


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


# -- the figures (read only) --------------------------------------------------


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
    tracking_due = now - timedelta(hours=_setting("SELLER_SCORECARD_TRACKING_GRACE_HOURS", 48))
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
    minimum = _setting("SELLER_SCORECARD_MIN_ORDERS", 10)
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


# -- storing the result and what follows from it -----------------------------


def _eligibility_set(*, seller_id: int, eligible: bool) -> bool:
    """Flip ``Seller.buy_box_eligible``; refresh the seller's buy boxes if it changed."""
    changed = Seller.objects.filter(pk=seller_id, buy_box_eligible=not eligible).update(
        buy_box_eligible=eligible
    )
    if changed:
        product_ids = set(Offer.objects.filter(seller_id=seller_id).values_list("product_id", flat=True))
        if product_ids:
            product_refresh_buy_box(product_ids=product_ids)
    return bool(changed)


@transaction.atomic
def scorecard_store(*, seller: Seller, windows: dict[int, WindowFigures], now: datetime) -> SellerScorecard:
    """Store a seller's figures and act on them: buy-box eligibility, warning, suspension proposal.

    Past any threshold: not eligible for the buy box; the first computation
    of a run of breaches emits ``scorecard.breached`` (one warning e-mail);
    a run older than ``SELLER_SCORECARD_GRACE_DAYS`` proposes an approved
    seller to staff for suspension. Back within every threshold: eligible
    again, and the run, its warning and any proposal are cleared.
    """
    locked = Seller.objects.select_for_update().get(pk=seller.pk)
    card, _created = SellerScorecard.objects.select_for_update().get_or_create(
        seller=locked, defaults={"computed_at": now}
    )
    SellerScorecardWindow.objects.bulk_create(
        [SellerScorecardWindow(scorecard=card, **figures.as_fields()) for figures in windows.values()],
        update_conflicts=True,
        unique_fields=["scorecard", "days"],
        update_fields=[name for name in WindowFigures(days=0).as_fields() if name != "days"],
    )
    breaches = scorecard_breaches(windows=windows, thresholds=scorecard_thresholds())
    _eligibility_set(seller_id=locked.pk, eligible=not breaches)
    if breaches:
        card.breach_since = card.breach_since or now
        if card.warned_at is None:
            card.warned_at = now
            events.emit("scorecard.breached", seller_id=locked.pk, breaches=breaches)
        grace = timedelta(days=_setting("SELLER_SCORECARD_GRACE_DAYS", 14))
        if (
            card.suspension_proposed_at is None
            and locked.status == Seller.Status.APPROVED
            and now - card.breach_since >= grace
        ):
            card.suspension_proposed_at = now
    else:
        card.breach_since = card.warned_at = card.suspension_proposed_at = None
    card.breaches, card.computed_at = breaches, now
    card.save(
        update_fields=["breaches", "computed_at", "breach_since", "warned_at", "suspension_proposed_at"]
    )
    seller.buy_box_eligible = not breaches
    return card


def scorecards_recompute(*, now: datetime | None = None, seller_ids=None) -> int:
    """Recompute the scorecard of every approved or suspended seller (or of ``seller_ids``).

    Return how many were stored. Each seller is stored in its own
    transaction, so one seller's failure does not hold back the others'.
    """
    now = now or timezone.now()
    sellers = Seller.objects.exclude(status=Seller.Status.APPLIED).order_by("pk")
    if seller_ids is not None:
        sellers = sellers.filter(pk__in=list(seller_ids))
    sellers = list(sellers)
    figures = scorecard_figures(seller_ids=[s.pk for s in sellers], now=now)
    for seller in sellers:
        scorecard_store(seller=seller, windows=figures[seller.pk], now=now)
    return len(sellers)


# -- defects ------------------------------------------------------------------


def order_defect_record(
    *, seller_order: SellerOrder, kind: str, source_id: str | int, occurred_at: datetime
) -> OrderDefect:
    """Record a defect of a seller order once; recording it again returns the first row.

    ``kind`` is an ``OrderDefect.Kind``; ``source_id`` is the claim's,
    dispute's or feedback's id in its own app. Refuse an unknown kind, an
    empty id or a naive time. The figures change at the next recomputation.
    """
    if kind not in OrderDefect.Kind.values:
        raise ApplicationError(f"{kind!r} is not a kind of order defect.", extra={"kind": kind})
    source = str(source_id).strip()
    if not source or len(source) > 64:
        raise ApplicationError("An order defect needs the id of its claim, dispute or feedback.")
    if timezone.is_naive(occurred_at):
        raise ApplicationError("The time of an order defect must carry its time zone.")
    defect, _created = OrderDefect.objects.get_or_create(
        seller_order=seller_order, kind=kind, source_id=source, defaults={"occurred_at": occurred_at}
    )
    return defect


def dispute_created_defects_record(*, dispute_id: int, order_id: int, **payload) -> None:
    """On ``dispute.created`` (payments): a chargeback defect for each seller order of the order.

    Payments debits each seller order's ledger for a dispute of the whole
    order, so each seller bears the defect too. The time is that of the
    order's "dispute" audit row, written with the dispute; now if missing.
    """
    audit = OrderEvent.objects.filter(order_id=order_id, kind="dispute", data__dispute_id=dispute_id).first()
    occurred_at = audit.created_at if audit else timezone.now()
    for seller_order in SellerOrder.objects.filter(order_id=order_id).order_by("pk"):
        order_defect_record(
            seller_order=seller_order,
            kind=OrderDefect.Kind.DISPUTE,
            source_id=dispute_id,
            occurred_at=occurred_at,
        )


# -- reading for pages and e-mails -------------------------------------------


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


def scorecard_breached_email_send(*, seller_id: int, breaches: list[str], **payload) -> None:
    """On ``scorecard.breached``: warn the seller's owners (and support address) once."""
    seller = Seller.objects.get(pk=seller_id)
    scorecard = scorecard_get_for_seller(seller=seller)
    if scorecard is None:
        return
    grace = _setting("SELLER_SCORECARD_GRACE_DAYS", 14)
    seller_email_send(
        seller=seller,
        template="scorecard_warning",
        context={
            "rows": [row for row in scorecard_rows(scorecard=scorecard) if row.name in breaches],
            "grace_days": grace,
            "review_on": (scorecard.breach_since or timezone.now()) + timedelta(days=grace),
            "performance_url": seller_url(reverse("seller:performance")),
        },
    )


def register() -> None:
    """Subscribe the scorecard's handlers (``FulfillmentConfig.ready``)."""
    events.subscribe_async("dispute.created", "fulfillment.scorecard.dispute_created_defects_record")
    events.subscribe_async("scorecard.breached", "fulfillment.scorecard.scorecard_breached_email_send")
