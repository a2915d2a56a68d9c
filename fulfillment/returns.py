"""Returns (RMAs): a shopper sends back delivered units, the seller takes them back, payments refund.

The steps, each a function here and each under the order's lock (the order,
then the seller order, then the return), as everywhere else:

1. ``return_request_create``: the shopper picks units of delivered lines of
   one seller order, within the seller's return window, with a reason from a
   fixed list. Reasons the seller is answerable for (damaged, defective, wrong
   item) and "no longer needed" are approved at once, unless the seller's
   policy reviews every return; the others wait for the seller.
2. ``return_approve`` / ``return_reject``: the seller decides, with a note.
   Approval buys a return label from the carrier of the original parcel, from
   the shopper's address back to the warehouse it left from.
3. ``return_receive``: the seller marks the parcel received, or the carrier's
   delivery scan of the return parcel does (``return_shipment.delivered``).
   The seller may put the units back on the shelf (``return_restock``), then or
   later, never more than came back.
4. Receiving emits the durable ``return.received``; ``payments`` refunds the
   units (price plus their share of tax, and the shipping when the policy says
   so) through ``refund_create`` and calls ``return_refund_recorded`` here.

Each step writes an audit row on the order and emits ``return.<status>``,
which sends the shopper an e-mail. See docs/fulfillment.md, "Returns".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from fulfillment.carriers import carrier_get
from fulfillment.models import (
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
    Warehouse,
)
from fulfillment.return_policy import ReturnTerms, return_terms
from fulfillment.shipments import ParcelSpec, order_address, parcel_buy, warehouse_address
from fulfillment.stock import stock_restock_units
from marketplace.core import events
from marketplace.core.errors import ApplicationError
from marketplace.core.money import quantize
from orders.lifecycle import order_lock
from orders.models import Order, OrderEvent, OrderLine, SellerOrder
from sellers.models import Seller

RS = ReturnRequest.Status
Reason = ReturnRequest.Reason
ST = Shipment.Status

DECIDABLE = frozenset({RS.REQUESTED})
RECEIVABLE = frozenset({RS.APPROVED})


@dataclass(frozen=True)
class ReturnableLine:
    line: OrderLine
    delivered: int  # units delivered to the shopper
    in_returns: int  # units in returns not rejected or cancelled
    window_ends_at: datetime | None  # the last delivery of the line plus the window

    def open_at(self, now: datetime) -> bool:
        return self.window_ends_at is not None and now <= self.window_ends_at

    def returnable(self, now: datetime) -> int:
        return max(self.delivered - self.in_returns, 0) if self.open_at(now) else 0


def returnable_lines(*, seller_order: SellerOrder, terms: ReturnTerms | None = None) -> list[ReturnableLine]:
    """Each line of the seller order with the units delivered, already in returns, and its window."""
    terms = terms or return_terms(seller=seller_order.seller)
    delivered = {
        row["line_id"]: row
        for row in ShipmentLine.objects.filter(
            shipment__seller_order=seller_order,
            shipment__direction=Shipment.Direction.OUTBOUND,
            shipment__status=ST.DELIVERED,
        )
        .values("line_id")
        .annotate(units=Sum("quantity"), last=Max("shipment__delivered_at"))
    }
    in_returns = dict(
        ReturnLine.objects.filter(return_request__seller_order=seller_order)
        .exclude(return_request__status__in=(RS.REJECTED, RS.CANCELLED))
        .values("line_id")
        .annotate(units=Sum("quantity"))
        .values_list("line_id", "units")
    )
    window = timedelta(days=terms.window_days)
    result = []
    for line in seller_order.lines.order_by("pk"):
        row = delivered.get(line.pk)
        result.append(
            ReturnableLine(
                line=line,
                delivered=row["units"] if row else 0,
                in_returns=in_returns.get(line.pk, 0),
                window_ends_at=row["last"] + window if row and terms.window_days else None,
            )
        )
    return result


# -- helpers -------------------------------------------------------------------


def _audit(rma: ReturnRequest, kind: str, *, actor=None, message: str = "") -> None:
    OrderEvent.objects.create(
        order_id=rma.seller_order.order_id,
        seller_order_id=rma.seller_order_id,
        kind=f"return_{kind}",
        actor=actor if getattr(actor, "pk", None) else None,
        message=message[:300],
        data={"return": rma.number},
    )


def _emit(rma: ReturnRequest, *, durable: bool = False) -> None:
    events.emit(
        f"return.{rma.status}",
        durable=durable,
        return_id=rma.pk,
        status=rma.status,
        seller_order_id=rma.seller_order_id,
        order_id=rma.seller_order.order_id,
    )


def _lock(rma: ReturnRequest) -> ReturnRequest:
    """Lock the order, the seller order and the return, in that order; return the locked return."""
    return _lock_by_id(rma.pk)


def _lock_by_id(return_id: int) -> ReturnRequest:
    order_id, seller_order_id = ReturnRequest.objects.values_list(
        "seller_order__order_id", "seller_order_id"
    ).get(pk=return_id)
    order_lock(order_id=order_id)
    SellerOrder.objects.select_for_update().filter(pk=seller_order_id).first()
    return (
        ReturnRequest.objects.select_for_update(of=("self",)).select_related("seller_order").get(pk=return_id)
    )


def _sync(target: ReturnRequest, locked: ReturnRequest) -> ReturnRequest:
    if target is not locked:
        target.refresh_from_db()
    return locked


def _note(text, *, required: bool, what: str) -> str:
    text = (text or "").strip()
    if "\x00" in text:
        raise ApplicationError(f"The {what} contains a character that is not allowed.")
    if required and not text:
        raise ApplicationError(f"Please write a {what}.")
    if len(text) > 500:
        raise ApplicationError(f"The {what} is too long: at most 500 characters.")
    return text


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


# -- the shopper ---------------------------------------------------------------


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
    comment = _note(comment, required=reason == Reason.OTHER, what="few words on why")
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
    _audit(rma, "requested", actor=user, message=f"{rma.get_reason_display()}. {comment}".strip())
    if terms.approves_at_once(reason):
        return _approve(rma, actor=None, note="", auto=True)
    _emit(rma)
    return rma


@transaction.atomic
def return_cancel(*, return_request: ReturnRequest, user) -> ReturnRequest:
    """The shopper withdraws a return not yet sent back; an unused return label is voided."""
    locked = _lock(return_request)
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
    _audit(locked, "cancelled", actor=user, message="Cancelled by the shopper.")
    return _sync(return_request, locked)


# -- the seller ----------------------------------------------------------------


def _check_seller(rma: ReturnRequest, seller: Seller | None) -> None:
    if seller is not None and rma.seller_order.seller_id != seller.pk:
        raise ApplicationError("This return is not one of your orders'.")


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


def _approve(rma: ReturnRequest, *, actor, note: str, auto: bool) -> ReturnRequest:
    rma.shipment = _return_parcel(rma, actor)
    rma.status = RS.APPROVED
    rma.auto_approved = auto
    rma.seller_note = note
    rma.decided_at = timezone.now()
    rma.decided_by = actor if getattr(actor, "pk", None) else None
    rma.save(update_fields=["shipment", "status", "auto_approved", "seller_note", "decided_at", "decided_by"])
    _audit(rma, "approved", actor=actor, message="Approved automatically." if auto else note)
    _emit(rma)
    return rma


@transaction.atomic
def return_approve(
    *, return_request: ReturnRequest, actor=None, seller: Seller | None = None, note: str = ""
) -> ReturnRequest:
    """Approve a return waiting for the seller and issue its return label."""
    note = _note(note, required=False, what="note")
    locked = _lock(return_request)
    _check_seller(locked, seller)
    if locked.status not in DECIDABLE:
        raise ApplicationError(
            f"Return {locked.number} is {locked.get_status_display().lower()}: already decided."
        )
    return _sync(return_request, _approve(locked, actor=actor, note=note, auto=False))


@transaction.atomic
def return_reject(
    *, return_request: ReturnRequest, note: str, actor=None, seller: Seller | None = None
) -> ReturnRequest:
    """Reject a return waiting for the seller; the note, required, tells the shopper why."""
    note = _note(note, required=True, what="note to the shopper saying why")
    locked = _lock(return_request)
    _check_seller(locked, seller)
    if locked.status not in DECIDABLE:
        raise ApplicationError(
            f"Return {locked.number} is {locked.get_status_display().lower()}: already decided."
        )
    locked.status = RS.REJECTED
    locked.seller_note = note
    locked.decided_at = timezone.now()
    locked.decided_by = actor if getattr(actor, "pk", None) else None
    locked.save(update_fields=["status", "seller_note", "decided_at", "decided_by"])
    _audit(locked, "rejected", actor=actor, message=note)
    _emit(locked)
    return _sync(return_request, locked)


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
        stock_restock_units(offer_id=item.line.offer_id, warehouse_id=warehouse.pk, quantity=quantity)
        item.restocked_quantity += quantity
        item.save(update_fields=["restocked_quantity"])
    rma.restocked = True
    rma.save(update_fields=["restocked"])
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
    locked = _lock(return_request)
    _check_seller(locked, seller)
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
    _audit(locked, "received", actor=actor, message=message)
    _emit(locked, durable=True)
    return _sync(return_request, locked)


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
    locked = _lock(return_request)
    _check_seller(locked, seller)
    if locked.status not in (RS.RECEIVED, RS.REFUNDED):
        raise ApplicationError(f"Return {locked.number} has not been received yet.")
    restocked = _restock(locked, quantities, warehouse)
    if restocked:
        _audit(locked, "restocked", actor=actor, message=f"{restocked} unit(s) back in {warehouse.name}.")
    _sync(return_request, locked)
    return restocked


def return_parcel_delivered(*, shipment_id: int, **payload) -> None:
    """On ``return_shipment.delivered`` (synchronous): the return arrived, so it is received."""
    rma = ReturnRequest.objects.filter(shipment_id=shipment_id).first()
    if rma is not None and rma.status == RS.APPROVED:
        delivered_at = Shipment.objects.values_list("delivered_at", flat=True).get(pk=shipment_id)
        return_receive(return_request=rma, at=delivered_at)


# -- payments reports back -------------------------------------------------------


def return_refund_amounts(*, return_request: ReturnRequest) -> tuple[dict[int, int], Decimal]:
    """The units to refund per order line, and the shipping to refund with them (per the policy).

    Shipping goes back in proportion to the value of the units returned; the
    return that completes the seller order's units takes the rest of it.
    Payments caps it at what is left of the charge.
    """
    seller_order = return_request.seller_order
    lines = {line.line_id: line.quantity for line in return_request.lines.all()}
    if not return_request.refund_shipping or seller_order.shipping_amount <= 0:
        return lines, Decimal("0.00")
    ordered = seller_order.lines.aggregate(units=Sum("quantity"))["units"] or 0
    returned = (
        ReturnLine.objects.filter(
            return_request__seller_order=seller_order, return_request__status__in=(RS.RECEIVED, RS.REFUNDED)
        ).aggregate(units=Sum("quantity"))["units"]
        or 0
    )
    if returned >= ordered:
        return lines, seller_order.shipping_amount
    value = sum(
        (line.line.unit_price_amount * line.quantity for line in return_request.lines.select_related("line")),
        Decimal("0"),
    )
    if not seller_order.subtotal_amount:
        return lines, Decimal("0.00")
    share = quantize(seller_order.shipping_amount * value / seller_order.subtotal_amount)
    return lines, min(share, seller_order.shipping_amount)


@transaction.atomic
def return_refund_recorded(*, return_id: int, refund_reference: str, amount: Decimal) -> ReturnRequest:
    """Payments refunded the return: record it and tell the shopper (idempotent)."""
    rma = _lock_by_id(return_id)
    if rma.status == RS.REFUNDED:
        return rma
    rma.status = RS.REFUNDED
    rma.refund_amount = amount
    rma.refund_reference = str(refund_reference)[:40]
    rma.refund_error = ""
    rma.refunded_at = timezone.now()
    rma.save(update_fields=["status", "refund_amount", "refund_reference", "refund_error", "refunded_at"])
    _audit(rma, "refunded", message=f"Refunded {amount}.")
    _emit(rma)
    return rma


def return_refund_failed(*, return_id: int, error: str) -> None:
    """Payments could not refund the return: keep the reason where staff see it."""
    ReturnRequest.objects.filter(pk=return_id, status=RS.RECEIVED).update(refund_error=error[:300])


def returns_by_seller_order(*, seller_order_ids) -> dict[int, list[ReturnRequest]]:
    """The returns of these seller orders with their lines, newest first (two queries)."""
    grouped: dict[int, list[ReturnRequest]] = defaultdict(list)
    for rma in (
        ReturnRequest.objects.filter(seller_order_id__in=list(seller_order_ids))
        .select_related("shipment")
        .prefetch_related("lines__line")
        .order_by("-requested_at", "-pk")
    ):
        grouped[rma.seller_order_id].append(rma)
    return grouped
