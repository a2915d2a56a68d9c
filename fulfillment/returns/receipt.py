"""The return comes back: received by the seller or by the return parcel's delivery scan; restocking."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fulfillment.models import (
    ReturnRequest,
    Shipment,
    Warehouse,
)
from fulfillment.returns.common import RECEIVABLE, RS, audit, check_seller, emit_status, lock, sync
from fulfillment.stock import stock_restock_units
from marketplace.core.errors import ApplicationError
from sellers.models import Seller


def _restock(rma: ReturnRequest, quantities: dict, warehouse: Warehouse | None) -> int:
    """Put returned units back on the shelf of ``warehouse``; return how many."""
    lines = {line.line_id: line for line in rma.lines.select_for_update().select_related("line")}
    wanted = {}
    for line_id, quantity in quantities.items():
        if line_id not in lines:
            raise ApplicationError(f"Line {line_id} is not part of return {rma.number}.")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise ApplicationError(f"{quantity!r} is not a number of units.")
        left = lines[line_id].quantity - lines[line_id].restocked_quantity
        if quantity > left:
            title = lines[line_id].line.title
            raise ApplicationError(
                f"Only {left} of {title} came back and can be restocked; {quantity} asked.",
                extra={"line_id": line_id, "restockable": left},
            )
        if quantity:
            wanted[line_id] = quantity
    if not wanted:
        return 0
    if (
        warehouse is None
        or warehouse.seller_id not in (None, rma.seller_order.seller_id)
        or not warehouse.is_active
    ):
        raise ApplicationError("Choose one of your warehouses to put the units back in.")
    for line_id, quantity in sorted(wanted.items()):
        item = lines[line_id]
        if item.line.offer_id is None:
            raise ApplicationError(f"{item.line.title} is no longer listed and cannot be restocked.")
        stock_restock_units(
            offer_id=item.line.offer_id, warehouse_id=warehouse.pk, quantity=quantity, reference=rma.number
        )
        item.restocked_quantity += quantity
        item.save(update_fields=["restocked_quantity"])
    return sum(wanted.values())


@transaction.atomic
def return_receive(
    *,
    return_request: ReturnRequest,
    actor=None,
    seller: Seller | None = None,
    restock: dict[int, int] | None = None,
    warehouse: Warehouse | None = None,
    at: datetime | None = None,
) -> ReturnRequest:
    """Mark an approved return received (by the seller, or its parcel's delivery) and ask for the refund.

    ``restock`` maps order line ids to units put back in ``warehouse``.
    Refuse a return not approved, or restocking more units than came back.
    Emits the durable ``return.received`` that ``payments`` refunds.
    """
    locked = lock(return_request)
    check_seller(locked, seller)
    if locked.status not in RECEIVABLE:
        raise ApplicationError(
            f"Return {locked.number} is {locked.get_status_display().lower()} and cannot be received."
        )
    restocked = _restock(locked, restock or {}, warehouse)
    locked.status = RS.RECEIVED
    locked.received_at = at or timezone.now()
    locked.save(update_fields=["status", "received_at"])
    message = (
        f"Received; {restocked} unit(s) restocked." if actor else "Return parcel delivered to the seller."
    )
    audit(locked, "received", actor=actor, message=message)
    emit_status(locked, durable=True)
    return sync(return_request, locked)


@transaction.atomic
def return_restock(
    *,
    return_request: ReturnRequest,
    quantities: dict[int, int],
    warehouse: Warehouse,
    actor=None,
    seller=None,
) -> int:
    """Put units of a received return back on the shelf; return how many. Never more than came back."""
    locked = lock(return_request)
    check_seller(locked, seller)
    if locked.status not in (RS.RECEIVED, RS.REFUNDED):
        raise ApplicationError(f"Return {locked.number} has not been received yet.")
    restocked = _restock(locked, quantities, warehouse)
    if restocked:
        audit(locked, "restocked", actor=actor, message=f"{restocked} unit(s) back in {warehouse.name}.")
    sync(return_request, locked)
    return restocked


def return_parcel_delivered(*, shipment_id: int, **payload) -> None:
    """On ``return_shipment.delivered`` (synchronous): the return arrived, so it is received."""
    rma = ReturnRequest.objects.filter(shipment_id=shipment_id).first()
    if rma is not None and rma.status == RS.APPROVED:
        delivered_at = Shipment.objects.values_list("delivered_at", flat=True).get(pk=shipment_id)
        return_receive(return_request=rma, at=delivered_at)
