"""The shopper asks for a return (approved at once for some reasons) or withdraws it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fulfillment.carriers import carrier_get
from fulfillment.models import (
    ReturnLine,
    ReturnRequest,
    Shipment,
)
from fulfillment.return_policy import return_terms
from fulfillment.returns.common import (
    RS,
    ST,
    Reason,
    ReturnableLine,
    audit,
    emit_status,
    lock,
    returnable_lines,
    sync,
)
from fulfillment.returns.decisions import approve
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_text
from orders.lifecycle import order_lock
from orders.models import SellerOrder


def _checked_quantities(quantities: dict, lines: dict[int, ReturnableLine], now: datetime) -> dict[int, int]:
    checked = {}
    for line_id, quantity in quantities.items():
        if line_id not in lines:
            raise ApplicationError(f"Line {line_id} is not part of this order.", extra={"line_id": line_id})
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise ApplicationError(f"{quantity!r} is not a number of units.", extra={"line_id": line_id})
        if not quantity:
            continue
        item = lines[line_id]
        title = item.line.title
        if item.delivered == 0:
            raise ApplicationError(f"{title} has not been delivered yet.", extra={"line_id": line_id})
        if not item.open_at(now):
            raise ApplicationError(
                f"The return window for {title} closed"
                + (
                    f" on {timezone.localdate(item.window_ends_at):%b %d, %Y}."
                    if item.window_ends_at
                    else "."
                ),
                extra={"line_id": line_id},
            )
        left = item.returnable(now)
        if quantity > left:
            raise ApplicationError(
                f"Only {left} of {title} can be returned ({item.delivered} delivered, "
                f"{item.in_returns} already in a return); {quantity} asked.",
                extra={"line_id": line_id, "returnable": left},
            )
        checked[line_id] = quantity
    if not checked:
        raise ApplicationError("Choose at least one item to return.")
    return checked


@transaction.atomic
def return_request_create(
    *,
    user,
    seller_order: SellerOrder,
    quantities: dict[int, int],
    reason: str,
    comment: str = "",
    now: datetime | None = None,
) -> ReturnRequest:
    """Ask to return units of a seller order the user bought; approve it at once if the reason allows.

    ``quantities`` maps order line ids to units. Refuse (``ApplicationError``,
    nothing changed) an order of somebody else, an unknown reason, "other"
    without a comment, units not delivered, outside the window, or more than
    were delivered less those already in a return.
    """
    now = now or timezone.now()
    if reason not in Reason.values:
        raise ApplicationError("Choose why you are returning the items.")
    comment = parse_text(
        comment,
        name="comment",
        limit=500,
        missing="Please write a few words on why." if reason == Reason.OTHER else None,
    )
    order = order_lock(order_id=seller_order.order_id)
    if order.user_id != getattr(user, "pk", None):
        raise ApplicationError("This order is not yours.")
    locked = SellerOrder.objects.select_for_update().select_related("seller").get(pk=seller_order.pk)
    terms = return_terms(seller=locked.seller)
    if not terms.window_days:
        raise ApplicationError(f"{locked.seller.name} does not take returns.")
    lines = {item.line.pk: item for item in returnable_lines(seller_order=locked, terms=terms)}
    checked = _checked_quantities(quantities, lines, now)
    count = ReturnRequest.objects.filter(seller_order=locked).count()
    rma = ReturnRequest.objects.create(
        number=f"{locked.number}-R{count + 1}",
        seller_order=locked,
        user=user,
        reason=reason,
        comment=comment,
        refund_shipping=terms.refunds_shipping(reason),
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(return_request=rma, line_id=line_id, quantity=units)
        for line_id, units in sorted(checked.items())
    )
    audit(rma, "requested", actor=user, message=f"{rma.get_reason_display()}. {comment}".strip())
    if terms.approves_at_once(reason):
        return approve(rma, actor=None, note="", auto=True)
    emit_status(rma)
    return rma


@transaction.atomic
def return_cancel(*, return_request: ReturnRequest, user) -> ReturnRequest:
    """The shopper withdraws a return not yet sent back; an unused return label is voided."""
    locked = lock(return_request)
    if locked.user_id != getattr(user, "pk", None):
        raise ApplicationError("This return is not yours.")
    if locked.status not in (RS.REQUESTED, RS.APPROVED):
        raise ApplicationError(
            f"Return {locked.number} is {locked.get_status_display().lower()}: too late to cancel."
        )
    parcel = Shipment.objects.select_for_update().filter(pk=locked.shipment_id).first()
    if parcel is not None:
        if parcel.status != ST.LABEL_CREATED:
            raise ApplicationError(
                f"Return {locked.number} is already on its way back and cannot be cancelled."
            )
        carrier_get(parcel.carrier).label_void(tracking_number=parcel.tracking_number)
        parcel.status = ST.VOIDED
        parcel.voided_at = parcel.status_changed_at = timezone.now()
        parcel.save(update_fields=["status", "voided_at", "status_changed_at"])
    locked.status = RS.CANCELLED
    locked.save(update_fields=["status"])
    audit(locked, "cancelled", actor=user, message="Cancelled by the shopper.")
    return sync(return_request, locked)
