"""Parcels of the stories: shipped at a past moment, planned by the sandbox carrier, tracked so far."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.db.models import F, Max, Sum

from fulfillment.carriers.sandbox import sandbox_now, sandbox_parcel_replan
from fulfillment.models import Holiday, ReturnRequest, SandboxParcel, Shipment, Warehouse
from fulfillment.scorecard import ship_by_date
from fulfillment.shipments import ParcelSpec, shipment_create, shipment_track
from fulfillment.shipping import add_business_days
from marketplace.demo.past_orders.people import seller_owner
from marketplace.demo.past_orders.stories import (
    CLAIMED,
    IN_FLIGHT,
    RETURN_ON_ITS_WAY,
    RETURN_REFUNDED,
    RETURN_REJECTED,
    RETURN_REQUESTED,
    RETURN_RESTOCKED,
    SCENARIO,
    SHIPPED_LATE,
    ST,
    SeedError,
    Story,
    story_number,
    story_step,
)
from orders.models import SellerOrder, StockAllocation


def _when(event: dict) -> datetime:
    return datetime.fromisoformat(event["occurred_at"])


def _origin(seller_id: int) -> Warehouse:
    """The warehouse the scorecard reckons ship-by dates from (the one checkout priced from)."""
    own = Warehouse.objects.filter(seller_id=seller_id, is_active=True).order_by("pk").first()
    return own or Warehouse.objects.filter(seller__isnull=True, is_active=True).order_by("pk").first()


def _ship_at(story: Story, seller_order: SellerOrder, *, late: bool) -> datetime:
    """When the label is bought: by the ship-by date (the scorecard's rule), or two business days after."""
    origin = _origin(seller_order.seller_id)
    handling = seller_order.lines.aggregate(days=Max("offer__handling_days"))["days"] or 0
    holidays = set(Holiday.objects.filter(country=origin.country).values_list("date", flat=True))
    ship_by = ship_by_date(paid_at=story.paid_at, warehouse=origin, handling_days=handling, holidays=holidays)
    local = zoneinfo.ZoneInfo(origin.timezone)
    if late:
        day = add_business_days(ship_by, 2, holidays=holidays)
        return datetime.combine(day, time(11, story.rng.randrange(60)), tzinfo=local)
    soon = story.paid_at + timedelta(hours=2, minutes=story.rng.randrange(180))
    latest = datetime.combine(ship_by, time(16, 30), tzinfo=local)
    return max(story.paid_at + timedelta(minutes=30), min(soon, latest))


def _plan(shipment: Shipment, *, label_at: datetime, scenario: str) -> None:
    """Date the sandbox parcel's label and have the carrier plan its scans from then, for ``scenario``."""
    SandboxParcel.objects.filter(tracking_number=shipment.tracking_number).update(label_created_at=label_at)
    sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario=scenario)


def story_ship(story: Story, seller_order: SellerOrder, fate: str) -> list[Shipment]:
    """Ship every unit of the seller order, one parcel per warehouse it was reserved in."""
    at = _ship_at(story, seller_order, late=fate == SHIPPED_LATE)
    owner = seller_owner(seller_order.seller_id)
    service = "express" if seller_order.shipping_method == "expedited" else "ground"
    weights = dict(seller_order.lines.values_list("pk", "product__weight_grams"))
    units: dict[int, dict[int, int]] = {}
    for warehouse_id, line_id, count in (
        StockAllocation.objects.filter(
            line__seller_order=seller_order, status=StockAllocation.Status.COMMITTED
        )
        .values("stock__warehouse_id", "line_id")
        .annotate(units=Sum("quantity"))
        .values_list("stock__warehouse_id", "line_id", "units")
        .order_by("stock__warehouse_id", "line_id")
    ):
        units.setdefault(warehouse_id, {})[line_id] = count
    warehouses = Warehouse.objects.in_bulk(list(units))

    def ship() -> list[Shipment]:
        parcels = []
        for warehouse_id, quantities in units.items():
            grams = 250 + sum(max(weights.get(line) or 400, 50) * n for line, n in quantities.items())
            parcels.append(
                shipment_create(
                    seller_order=seller_order,
                    warehouse=warehouses[warehouse_id],
                    quantities=quantities,
                    parcel=ParcelSpec(
                        weight_grams=min(grams, 29_000), length_cm=40, width_cm=30, height_cm=20
                    ),
                    service=service,
                    actor=owner,
                )
            )
        return parcels

    shipments = story_step(story, at, ship)
    for shipment in shipments:
        _plan(shipment, label_at=at, scenario=SCENARIO.get(fate, "on_time"))
    return shipments


# How long before now the outbound parcels of a finished part must have arrived, for what follows.
ROOM = {
    RETURN_REFUNDED: timedelta(days=10),
    RETURN_RESTOCKED: timedelta(days=12),
    RETURN_REJECTED: timedelta(days=3),
    RETURN_ON_ITS_WAY: timedelta(days=3),
    RETURN_REQUESTED: timedelta(days=1, hours=6),
    CLAIMED: timedelta(days=5),
}


def story_offset(story: Story, parcels: list[tuple[str, list[SandboxParcel]]]) -> timedelta:
    """How far to move the story so its parcels are where their fates say by now.

    A parcel still moving is pinned: its fate's scan happened a little before
    now. A finished one must have its last scan far enough in the past for
    what follows (a return, a claim); otherwise the story moves back.
    """
    offset = timedelta(0)
    for fate, planned in parcels:
        if fate in IN_FLIGHT:
            code, before = IN_FLIGHT[fate]
            return story.now - before - next(_when(e) for e in planned[0].events if e["code"] == code)
        last = max(_when(parcel.events[-1]) for parcel in planned)
        room = ROOM.get(fate, timedelta(hours=2)) + timedelta(minutes=story.rng.randrange(240))
        offset = min(offset, story.now - room - last)
    # A finished story moves back by whole days, so its hours and its lateness stay as they were.
    return -timedelta(days=-(offset // timedelta(days=1))) if offset else offset


def story_move(story: Story, parcels: list[SandboxParcel], delta: timedelta) -> None:
    """Move the story so far (placing, payment, labels and every planned scan) by ``delta``.

    Everything moves together, so every gap between the steps stays what the
    services and the carrier made it.
    """
    if not delta:
        return
    # The promise moves with its order, by whole days, never to before the delivery it was kept by.
    days = timedelta(days=-((-delta) // timedelta(days=1)))
    SellerOrder.objects.filter(order__number=story_number(story.seed, story.key)).update(
        promised_from=F("promised_from") + days, promised_to=F("promised_to") + days
    )
    for parcel in parcels:
        moved = [{**event, "occurred_at": (_when(event) + delta).isoformat()} for event in parcel.events]
        SandboxParcel.objects.filter(pk=parcel.pk).update(
            label_created_at=parcel.label_created_at + delta,
            events=moved,
            promised_by=parcel.promised_by and parcel.promised_by + days,
        )
    story.timeline.shift(delta)
    story.placed_at += delta
    story.paid_at += delta


def story_track(story: Story, shipment: Shipment, expected: str) -> Shipment:
    """Pull the parcel's scans from the carrier, as if just after the latest one it has by now."""
    parcel = SandboxParcel.objects.get(tracking_number=shipment.tracking_number)
    horizon = sandbox_now()
    seen = [moment for event in parcel.events if (moment := _when(event)) <= horizon]
    at = min(max(seen, default=parcel.label_created_at) + timedelta(minutes=7), story.now)
    tracked = story_step(story, at, lambda: shipment_track(shipment=shipment))
    if tracked.status != expected:
        raise SeedError(
            f"Story {story.key}: parcel {tracked.tracking_number} is {tracked.status}, not {expected}."
        )
    return tracked


def send_back(story: Story, rma: ReturnRequest, *, label_at: datetime, expected: str = ST.DELIVERED):
    """Plan the return parcel from when its label was issued and pull its scans."""
    rma.refresh_from_db()
    _plan(rma.shipment, label_at=label_at, scenario="on_time")
    story_track(story, rma.shipment, expected)
    rma.refresh_from_db()
    return rma
