"""The seller approves a return (and the return label is bought) or rejects it with a note."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from fulfillment.models import (
    ReturnRequest,
    Shipment,
)
from fulfillment.returns.common import (
    DECIDABLE,
    RS,
    ST,
    audit,
    check_seller,
    emit_status,
    lock,
    sync,
)
from fulfillment.shipments import ParcelSpec, order_address, parcel_buy, warehouse_address
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_text
from orders.models import Order
from sellers.models import Seller


def _return_parcel(rma: ReturnRequest, actor) -> Shipment:
    """Buy the return label: from the shopper back to the warehouse the units left from."""
    line_ids = list(rma.lines.values_list("line_id", flat=True))
    origin = (
        Shipment.objects.filter(
            seller_order_id=rma.seller_order_id,
            direction=Shipment.Direction.OUTBOUND,
            status=ST.DELIVERED,
            lines__line_id__in=line_ids,
        )
        .select_related("warehouse")
        .order_by("-delivered_at", "-pk")
        .first()
    )
    if origin is None:
        raise ApplicationError(f"No delivered parcel of {rma.seller_order.number} holds these items.")
    sent = origin.lines.aggregate(units=Sum("quantity"))["units"] or 1
    back = rma.lines.aggregate(units=Sum("quantity"))["units"] or 1
    parcel = ParcelSpec(
        weight_grams=max(1, min(origin.weight_grams, origin.weight_grams * back // sent + 100)),
        length_cm=origin.length_cm,
        width_cm=origin.width_cm,
        height_cm=origin.height_cm,
    )
    order = Order.objects.get(pk=rma.seller_order.order_id)
    return parcel_buy(
        seller_order=rma.seller_order,
        warehouse=origin.warehouse,
        parcel=parcel,
        service=settings.RETURN_LABEL_SERVICE,
        carrier=origin.carrier,
        ship_from=order_address(order),
        ship_to=warehouse_address(origin.warehouse),
        actor=actor,
        direction=Shipment.Direction.RETURN,
    )


def approve(rma: ReturnRequest, *, actor, note: str, auto: bool) -> ReturnRequest:
    rma.shipment = _return_parcel(rma, actor)
    rma.status = RS.APPROVED
    rma.auto_approved = auto
    rma.seller_note = note
    rma.decided_at = timezone.now()
    rma.decided_by = actor if getattr(actor, "pk", None) else None
    rma.save(update_fields=["shipment", "status", "auto_approved", "seller_note", "decided_at", "decided_by"])
    audit(rma, "approved", actor=actor, message="Approved automatically." if auto else note)
    emit_status(rma)
    return rma


@transaction.atomic
def return_approve(
    *, return_request: ReturnRequest, actor=None, seller: Seller | None = None, note: str = ""
) -> ReturnRequest:
    """Approve a return waiting for the seller and issue its return label."""
    note = parse_text(note, name="note", limit=500)
    locked = lock(return_request)
    check_seller(locked, seller)
    if locked.status not in DECIDABLE:
        raise ApplicationError(
            f"Return {locked.number} is {locked.get_status_display().lower()}: already decided."
        )
    return sync(return_request, approve(locked, actor=actor, note=note, auto=False))


@transaction.atomic
def return_reject(
    *, return_request: ReturnRequest, note: str, actor=None, seller: Seller | None = None
) -> ReturnRequest:
    """Reject a return waiting for the seller; the note, required, tells the shopper why."""
    note = parse_text(note, name="note", limit=500, missing="Please write a note to the shopper saying why.")
    locked = lock(return_request)
    check_seller(locked, seller)
    if locked.status not in DECIDABLE:
        raise ApplicationError(
            f"Return {locked.number} is {locked.get_status_display().lower()}: already decided."
        )
    locked.status = RS.REJECTED
    locked.seller_note = note
    locked.decided_at = timezone.now()
    locked.decided_by = actor if getattr(actor, "pk", None) else None
    locked.save(update_fields=["status", "seller_note", "decided_at", "decided_by"])
    audit(locked, "rejected", actor=actor, message=note)
    emit_status(locked)
    return sync(return_request, locked)
