"""A parcel's scans, by webhook or polling, move its status on and deliver the seller order."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from fulfillment.carriers import CarrierError, WebhookRejected, carrier_get
from fulfillment.carriers.base import ScanEvent
from fulfillment.models import (
    OPEN_SHIPMENT_STATUSES,
    Shipment,
    TrackingEvent,
)
from fulfillment.shipments.parcels import OUTBOUND, SS, ST, shipment_sync
from marketplace.core import events
from orders.lifecycle import order_lock, seller_order_transition
from orders.models import SellerOrder

# How far along each status is; a parcel's status is that of its latest scan, and never a lower rank.
_RANK = {
    ST.LABEL_CREATED: 0,
    ST.IN_TRANSIT: 1,
    ST.EXCEPTION: 1,
    ST.OUT_FOR_DELIVERY: 2,
    ST.DELIVERED: 3,
    ST.RETURNED_TO_SENDER: 3,
    ST.VOIDED: 3,
}


FINAL = frozenset({ST.DELIVERED, ST.RETURNED_TO_SENDER, ST.VOIDED})


def _latest_status(shipment: Shipment) -> TrackingEvent | None:
    """The scan that decides the status: the latest in time (on a tie, the furthest along)."""
    scans = list(shipment.tracking_events.all())
    if not scans:
        return None
    return max(scans, key=lambda scan: (scan.occurred_at, _RANK.get(scan.status, 0), scan.pk))


@transaction.atomic
def shipment_record_scans(*, shipment: Shipment, scans: list[ScanEvent], source: str) -> Shipment:
    """Record a parcel's scan events and move its status on; return the shipment.

    An event already recorded (same carrier event id) is skipped, so events
    delivered twice or out of order leave the same state; the status is that
    of the latest scan and never goes back from delivered or returned.
    Emit ``shipment.<status>`` when it changes; deliver the seller order when
    its last parcel arrives.
    """
    order_lock(order_id=shipment.seller_order.order_id)
    seller_order = SellerOrder.objects.select_for_update().get(pk=shipment.seller_order_id)
    locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
    TrackingEvent.objects.bulk_create(
        [
            TrackingEvent(
                shipment=locked,
                event_id=scan.event_id,
                code=scan.code,
                status=scan.status,
                description=scan.description[:200],
                location=scan.location[:120],
                occurred_at=scan.occurred_at,
                source=source,
            )
            for scan in scans
        ],
        ignore_conflicts=True,
    )
    if locked.status not in FINAL:
        _advance(locked, seller_order)
    shipment_sync(shipment, locked)
    return locked


def _advance(locked: Shipment, seller_order: SellerOrder) -> None:
    latest = _latest_status(locked)
    if latest is None or latest.status == locked.status:
        return
    fields = ["status", "status_changed_at"]
    locked.status, locked.status_changed_at = latest.status, latest.occurred_at
    if locked.picked_up_at is None:
        first = locked.tracking_events.exclude(status=ST.LABEL_CREATED).order_by("occurred_at").first()
        locked.picked_up_at = first.occurred_at if first else None
        fields.append("picked_up_at")
    if latest.status == ST.DELIVERED:
        locked.delivered_at = latest.occurred_at
        fields.append("delivered_at")
    locked.save(update_fields=fields)
    # A return parcel's scans are the returns module's business (it listens to return_shipment.*).
    events.emit(
        f"{'return_shipment' if locked.is_return else 'shipment'}.{locked.status}",
        shipment_id=locked.pk,
        seller_order_id=seller_order.pk,
        order_id=seller_order.order_id,
    )
    if latest.status == ST.DELIVERED and not locked.is_return:
        _deliver_if_complete(seller_order)


def _deliver_if_complete(seller_order: SellerOrder) -> None:
    if seller_order.status != SS.SHIPPED:
        return
    parcels = list(
        seller_order.shipments.filter(direction=OUTBOUND)
        .exclude(status=ST.VOIDED)
        .values_list("status", "delivered_at")
    )
    if parcels and all(status == ST.DELIVERED for status, _ in parcels):
        seller_order_transition(
            seller_order=seller_order,
            to=SS.DELIVERED,
            message="Every parcel delivered.",
            at=max(at for _, at in parcels),
        )


def shipment_track(*, shipment: Shipment) -> Shipment:
    """Pull the parcel's scans from its carrier and record them."""
    report = carrier_get(shipment.carrier).track(tracking_number=shipment.tracking_number)
    with transaction.atomic():
        recorded = shipment_record_scans(
            shipment=shipment, scans=report.events, source=TrackingEvent.Source.POLL
        )
        Shipment.objects.filter(pk=shipment.pk).update(last_tracked_at=timezone.now())
    return recorded


def shipments_track_open(*, limit: int = 500) -> int:
    """Refresh the parcels not yet delivered, least recently tracked first; return how many."""
    open_shipments = Shipment.objects.filter(status__in=OPEN_SHIPMENT_STATUSES).select_related("seller_order")
    count = 0
    for shipment in open_shipments.order_by("last_tracked_at", "pk")[:limit]:
        try:
            shipment_track(shipment=shipment)
        except CarrierError:
            continue
        count += 1
    return count


@transaction.atomic
def carrier_webhook_receive(*, carrier: str, body: bytes, headers: dict[str, str]) -> int:
    """Verify and record a carrier webhook; return the number of scans it carried.

    Raise ``WebhookRejected`` (nothing recorded) for a bad signature, a bad
    body, or a parcel we did not ship.
    """
    try:
        adapter = carrier_get(carrier)
    except CarrierError as error:
        raise WebhookRejected(error.message) from None
    scans = adapter.webhook_parse(body=body, headers=headers)
    by_parcel: dict[str, list[ScanEvent]] = defaultdict(list)
    for scan in scans:
        by_parcel[scan.tracking_number].append(scan)
    shipments = {
        s.tracking_number: s
        for s in Shipment.objects.filter(
            carrier=adapter.code, tracking_number__in=list(by_parcel)
        ).select_related("seller_order")
    }
    unknown = sorted(set(by_parcel) - set(shipments))
    if unknown:
        raise WebhookRejected(f"No parcel {unknown[0]} was shipped with {adapter.name}.")
    for number in sorted(by_parcel):
        shipment_record_scans(
            shipment=shipments[number], scans=by_parcel[number], source=TrackingEvent.Source.WEBHOOK
        )
    return len(scans)
