"""The order state machines and the services that move orders along them.

Every status change goes through ``order_transition`` or
``seller_order_transition``: lock the row, check the move against
``TRANSITIONS``, save with ``update_fields``, write an ``OrderEvent`` and emit
the domain event ``order.<status>`` / ``seller_order.<status>``, all in the
caller's transaction. Locks are taken parent first: the order, then its seller
orders in primary-key order, then (in ``fulfillment.stock``) allocations and
stock rows, so two services working on one order queue instead of deadlocking.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone

from fulfillment.stock import stock_commit, stock_release
from marketplace.core import events
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from orders.models import Order, OrderEvent, SellerOrder, StockAllocation

OS = Order.Status
SS = SellerOrder.Status

ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OS.PENDING_PAYMENT: frozenset({OS.PAID, OS.ON_HOLD, OS.CANCELLED}),
    # Paid, but held by fraud screening until staff approve (paid) or reject it.
    OS.ON_HOLD: frozenset({OS.PAID, OS.CANCELLED}),
    OS.PAID: frozenset({OS.COMPLETED, OS.CANCELLED}),
    OS.COMPLETED: frozenset(),
    OS.CANCELLED: frozenset(),
}
SELLER_ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    SS.PENDING_PAYMENT: frozenset({SS.READY_TO_SHIP, SS.CANCELLED}),
    SS.READY_TO_SHIP: frozenset({SS.PARTIALLY_SHIPPED, SS.SHIPPED, SS.CANCELLED}),
    # Back to an earlier status only when a label is voided before pick-up.
    SS.PARTIALLY_SHIPPED: frozenset({SS.SHIPPED, SS.READY_TO_SHIP}),
    SS.SHIPPED: frozenset({SS.DELIVERED, SS.PARTIALLY_SHIPPED, SS.READY_TO_SHIP}),
    SS.DELIVERED: frozenset(),
    SS.CANCELLED: frozenset(),
}
Order.TRANSITIONS = ORDER_TRANSITIONS
SellerOrder.TRANSITIONS = SELLER_ORDER_TRANSITIONS

# How a target status reads in "... cannot be <verb>".
_VERBS = {
    "paid": "paid",
    "completed": "completed",
    "cancelled": "cancelled",
    "ready_to_ship": "made ready to ship",
    "shipped": "shipped",
    "partially_shipped": "partially shipped",
    "delivered": "delivered",
    "pending_payment": "put back to awaiting payment",
    "on_hold": "put on hold",
}
# Seller orders still able to be cancelled (nothing has left the warehouse).
CANCELLABLE_SELLER_STATUSES = frozenset({SS.PENDING_PAYMENT, SS.READY_TO_SHIP, SS.CANCELLED})


class OrderNotPayable(ApplicationError):
    """A payment arrived for an order that cannot take it (cancelled, expired, paid, wrong amount).

    The payments app refunds the payment when it sees this.
    """


def order_lock(*, order_id: int) -> Order:
    """Return the order with its row locked (SELECT ... FOR UPDATE)."""
    return Order.objects.select_for_update().get(pk=order_id)


def seller_orders_lock(*, order_id: int) -> list[SellerOrder]:
    """Return the order's seller orders, locked in primary-key order."""
    return list(SellerOrder.objects.select_for_update().filter(order_id=order_id).order_by("pk"))


def _refuse(kind: str, number: str, status_label: str, to: str) -> ApplicationError:
    return ApplicationError(
        f"{kind} {number} is {status_label.lower()} and cannot be {_VERBS.get(to, to)}.",
        extra={"status": status_label, "to": to},
    )


def _sync(target, source, fields) -> None:
    """Copy the saved fields onto the caller's instance so it is not stale."""
    if target is not source:
        for field in fields:
            setattr(target, field, getattr(source, field))


def audit_status(action: str, target, payload: dict, *, actor, reason: str = "") -> None:
    """Record a person's status change of an order or seller order in the audit log."""
    audit_record(
        action=action,
        target=target,
        before={"status": str(payload["previous"])},
        after={"status": str(payload["status"])},
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _order_move(*, locked: Order, to: str, actor=None, message="", data=None) -> dict:
    """Change a locked order's status and write the audit row; return the event payload."""
    if to not in ORDER_TRANSITIONS[locked.status]:
        raise _refuse("Order", locked.number, locked.get_status_display(), to)
    data = dict(data or {})
    previous = locked.status
    now = timezone.now()
    locked.status = to
    fields = ["status"]
    if to == OS.PAID:
        locked.paid_at = now
        fields.append("paid_at")
    elif to == OS.CANCELLED:
        locked.cancelled_at = now
        locked.cancel_reason = str(data.get("reason") or message)[:300]
        fields += ["cancelled_at", "cancel_reason"]
    locked.save(update_fields=fields)
    OrderEvent.objects.create(
        order=locked,
        kind=to,
        from_status=previous,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        message=message[:300],
        data=data,
    )
    payload = {"order_id": locked.pk, "previous": str(previous), "status": str(to)}
    if to == OS.CANCELLED:
        # A held order was paid too (captured, waiting for review): a refund follows.
        payload["was_paid"] = previous in (OS.PAID, OS.ON_HOLD)
        payload["reason"] = locked.cancel_reason
    return payload


def _seller_order_move(*, locked: SellerOrder, to: str, actor=None, message="", data=None, at=None) -> dict:
    if to not in SELLER_ORDER_TRANSITIONS[locked.status]:
        raise _refuse("Seller order", locked.number, locked.get_status_display(), to)
    previous = locked.status
    locked.status = to
    locked.updated_at = timezone.now()
    fields = ["status", "updated_at"]
    if to == SS.SHIPPED:
        locked.shipped_at = at or locked.updated_at
        fields.append("shipped_at")
    elif to == SS.DELIVERED:
        locked.delivered_at = at or locked.updated_at
        fields.append("delivered_at")
    elif previous == SS.SHIPPED:
        locked.shipped_at = None
        fields.append("shipped_at")
    locked.save(update_fields=fields)
    OrderEvent.objects.create(
        order_id=locked.order_id,
        seller_order=locked,
        kind=to,
        from_status=previous,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        message=message[:300],
        data=dict(data or {}),
    )
    return {
        "seller_order_id": locked.pk,
        "order_id": locked.order_id,
        "seller_id": locked.seller_id,
        "previous": str(previous),
        "status": str(to),
    }


@transaction.atomic
def order_transition(*, order: Order, to: str, actor=None, message: str = "", data=None) -> Order:
    """Move ``order`` to status ``to`` if its state machine allows it.

    Lock the row, check the move, save, write the audit event and emit
    ``order.<to>``. Raise ``ApplicationError`` for a move that is not allowed.
    """
    locked = order_lock(order_id=order.pk)
    payload = _order_move(locked=locked, to=to, actor=actor, message=message, data=data)
    _sync(order, locked, ["status", "paid_at", "cancelled_at", "cancel_reason"])
    events.emit(f"order.{to}", **payload)
    return locked


@transaction.atomic
def seller_order_transition(
    *, seller_order: SellerOrder, to: str, actor=None, message: str = "", data=None, at=None
) -> SellerOrder:
    """Move a seller order to status ``to``; complete (or cancel) the order when all its parts are done.

    ``at`` is when it happened (a parcel's delivery scan), if not now. The
    parent order is locked first, as everywhere else.
    """
    order = order_lock(order_id=seller_order.order_id)
    locked = SellerOrder.objects.select_for_update().get(pk=seller_order.pk)
    payload = _seller_order_move(locked=locked, to=to, actor=actor, message=message, data=data, at=at)
    if getattr(actor, "pk", None):  # a person's move (a seller ships, voids a label), not a carrier scan
        audit_status(f"seller_order.{to}", locked, payload, actor=actor, reason=message)
    _sync(seller_order, locked, ["status", "updated_at", "shipped_at", "delivered_at"])
    events.emit(f"seller_order.{to}", **payload)
    if to in (SS.DELIVERED, SS.CANCELLED):
        order_settle(order=order, actor=actor)
    return locked


@transaction.atomic
def order_settle(*, order: Order, actor=None) -> Order:
    """Close a paid order whose seller orders are all finished.

    Every seller order delivered or cancelled, at least one delivered: the
    order is completed. Every one cancelled: the order is cancelled (and the
    payment refunded by the payments app's ``order.cancelled`` handler).
    """
    locked = order_lock(order_id=order.pk)
    if locked.status != OS.PAID:
        return locked
    statuses = set(SellerOrder.objects.filter(order_id=locked.pk).values_list("status", flat=True))
    if not statuses or not statuses <= {SS.DELIVERED, SS.CANCELLED}:
        return locked
    if SS.DELIVERED in statuses:
        return order_transition(order=locked, to=OS.COMPLETED, actor=actor, message="Every part delivered.")
    return order_transition(
        order=locked,
        to=OS.CANCELLED,
        actor=actor,
        message="Every seller cancelled their part.",
        data={"reason": "Every seller cancelled their part."},
    )


def _allocations(order_id: int, statuses) -> list[StockAllocation]:
    return list(
        StockAllocation.objects.filter(line__seller_order__order_id=order_id, status__in=statuses).order_by(
            "pk"
        )
    )


def _paid_with(order: Order, payment_reference: str) -> bool:
    return OrderEvent.objects.filter(
        order=order, kind=OS.PAID, data__payment_reference=payment_reference
    ).exists()


@transaction.atomic
def order_mark_paid(*, order: Order, payment_reference: str, amount: Decimal) -> Order:
    """Record the payment of an order: commit its stock and release its parts to the sellers.

    Paying twice with the same ``payment_reference`` is a no-op returning the
    order. Raise ``OrderNotPayable`` when the order is cancelled, its
    reservation has expired, it was paid by another payment, or ``amount``
    is not its total; the payments app then refunds.
    """
    locked = order_lock(order_id=order.pk)
    if locked.status == OS.ON_HOLD and _hold_reference(locked) == payment_reference:
        return locked  # paid already, held for review: only order_release moves it on
    if locked.status in (OS.PAID, OS.COMPLETED, OS.ON_HOLD):
        if _paid_with(locked, payment_reference):
            return locked
        raise OrderNotPayable(f"Order {locked.number} is already paid.", extra={"order_id": locked.pk})
    _check_payable(locked, amount)
    stock_commit(allocations=_allocations(locked.pk, [StockAllocation.Status.RESERVED]))
    for seller_order in seller_orders_lock(order_id=locked.pk):
        payload = _seller_order_move(locked=seller_order, to=SS.READY_TO_SHIP, message="Paid.")
        events.emit(f"seller_order.{SS.READY_TO_SHIP}", **payload)
    paid = order_transition(
        order=locked,
        to=OS.PAID,
        data={"payment_reference": payment_reference, "amount": str(locked.total_amount)},
        message=f"Payment {payment_reference} received."[:300],
    )
    _sync(order, paid, ["status", "paid_at"])
    return paid


def _check_payable(locked: Order, amount) -> None:
    """Raise OrderNotPayable unless ``locked`` awaits a payment of exactly ``amount`` in time."""
    number = locked.number
    if locked.status == OS.CANCELLED:
        raise OrderNotPayable(
            f"Order {number} is cancelled and cannot be paid.", extra={"order_id": locked.pk}
        )
    if locked.reserved_until is not None and locked.reserved_until < timezone.now():
        raise OrderNotPayable(
            f"Order {number} was not paid in time and its items were released.",
            extra={"order_id": locked.pk},
        )
    if Decimal(amount) != locked.total_amount:
        raise OrderNotPayable(
            f"Payment of {amount} does not match the total of order {number} ({locked.total_amount}).",
            extra={"order_id": locked.pk, "amount": str(amount), "total": str(locked.total_amount)},
        )


def _hold_reference(order: Order) -> str:
    """The payment reference an order was held with ("" if it never was)."""
    event = OrderEvent.objects.filter(order=order, kind=OS.ON_HOLD).order_by("-pk").first()
    return str(event.data.get("payment_reference", "")) if event else ""


@transaction.atomic
def order_hold(*, order: Order, payment_reference: str, amount: Decimal, message: str = "") -> Order:
    """Record the payment of an order but hold it for review (fraud screening).

    ``pending_payment`` -> ``on_hold``: the stock is committed as for a paid
    order, but the seller orders stay ``pending_payment``, so no seller sees
    the order until staff release it (``order_release``). Holding again with
    the same ``payment_reference`` is a no-op. Raise ``OrderNotPayable`` as
    ``order_mark_paid`` does (the payments app then refunds).
    """
    locked = order_lock(order_id=order.pk)
    if locked.status == OS.ON_HOLD and _hold_reference(locked) == payment_reference:
        return locked
    if locked.status in (OS.PAID, OS.COMPLETED, OS.ON_HOLD):
        raise OrderNotPayable(f"Order {locked.number} is already paid.", extra={"order_id": locked.pk})
    _check_payable(locked, amount)
    stock_commit(allocations=_allocations(locked.pk, [StockAllocation.Status.RESERVED]))
    held = order_transition(
        order=locked,
        to=OS.ON_HOLD,
        data={"payment_reference": payment_reference, "amount": str(locked.total_amount)},
        message=(message or f"Payment {payment_reference} received; held for review.")[:300],
    )
    _sync(order, held, ["status"])
    return held


@transaction.atomic
def order_release(*, order: Order, actor=None, message: str = "") -> Order:
    """Release a held order to its sellers: ``on_hold`` -> ``paid``, seller orders ready to ship.

    Emit ``order.paid`` (the confirmation e-mail, the ledger) through
    ``order_transition`` and ``order.released`` (durable). Raise
    ``ApplicationError`` when the order is not on hold.
    """
    locked = order_lock(order_id=order.pk)
    if locked.status != OS.ON_HOLD:
        raise ApplicationError(
            f"Order {locked.number} is {locked.get_status_display().lower()}, not on hold, "
            "so it cannot be released.",
            extra={"order_id": locked.pk},
        )
    reference = _hold_reference(locked)
    for seller_order in seller_orders_lock(order_id=locked.pk):
        payload = _seller_order_move(
            locked=seller_order, to=SS.READY_TO_SHIP, actor=actor, message="Released after review."
        )
        events.emit(f"seller_order.{SS.READY_TO_SHIP}", **payload)
    paid = order_transition(
        order=locked,
        to=OS.PAID,
        actor=actor,
        data={"payment_reference": reference, "amount": str(locked.total_amount), "released": True},
        message=(message or "Released to the sellers after review.")[:300],
    )
    audit_status(
        "order.released", paid, {"previous": OS.ON_HOLD, "status": OS.PAID}, actor=actor, reason=message
    )
    events.emit("order.released", durable=True, order_id=paid.pk, payment_reference=reference)
    _sync(order, paid, ["status", "paid_at"])
    return paid


@transaction.atomic
def order_reject(*, order: Order, actor, reason: str) -> Order:
    """Cancel a held order after review: release its stock and cancel its parts.

    Emit ``order.cancelled`` with ``was_paid`` true; the caller refunds the
    payment (``payments.fraud.fraud_reject``). Raise ``ApplicationError``
    when the order is not on hold.
    """
    locked = order_lock(order_id=order.pk)
    if locked.status != OS.ON_HOLD:
        raise ApplicationError(
            f"Order {locked.number} is {locked.get_status_display().lower()}, not on hold, "
            "so it cannot be rejected.",
            extra={"order_id": locked.pk},
        )
    reason = (reason or "").strip() or "Rejected after review."
    released = stock_release(
        allocations=_allocations(
            locked.pk, [StockAllocation.Status.RESERVED, StockAllocation.Status.COMMITTED]
        )
    )
    for seller_order in seller_orders_lock(order_id=locked.pk):
        if seller_order.status != SS.CANCELLED:
            payload = _seller_order_move(locked=seller_order, to=SS.CANCELLED, actor=actor, message=reason)
            events.emit(f"seller_order.{SS.CANCELLED}", **payload)
    cancelled = order_transition(
        order=locked,
        to=OS.CANCELLED,
        actor=actor,
        message=reason,
        data={"reason": reason, "units_released": released, "rejected": True},
    )
    audit_status(
        "order.rejected",
        cancelled,
        {"previous": OS.ON_HOLD, "status": OS.CANCELLED},
        actor=actor,
        reason=reason,
    )
    _sync(order, cancelled, ["status", "cancelled_at", "cancel_reason"])
    return cancelled


def order_cancellable(order: Order, seller_orders=None) -> bool:
    """Whether the shopper may still cancel: not finished and nothing shipped yet.

    Pass the seller orders when they are already loaded (no query).
    """
    if order.status not in (OS.PENDING_PAYMENT, OS.PAID):
        return False
    if seller_orders is None:
        seller_orders = order.seller_orders.all()
    return all(so.status in CANCELLABLE_SELLER_STATUSES for so in seller_orders)


@transaction.atomic
def order_cancel(*, order: Order, actor, reason: str) -> Order:
    """Cancel an order before anything has shipped; release its stock.

    Emit ``order.cancelled`` with ``was_paid`` (the payments app refunds a
    paid order in its handler). Raise ``ApplicationError`` when the order is
    finished or a part of it has shipped.
    """
    locked = order_lock(order_id=order.pk)
    if OS.CANCELLED not in ORDER_TRANSITIONS[locked.status]:
        raise _refuse("Order", locked.number, locked.get_status_display(), OS.CANCELLED)
    seller_orders = seller_orders_lock(order_id=locked.pk)
    if locked.status == OS.ON_HOLD:
        raise ApplicationError(
            f"Order {locked.number} is being reviewed by our staff and cannot be cancelled now; "
            "they will release or cancel it shortly.",
            extra={"order_id": locked.pk},
        )
    if not order_cancellable(locked, seller_orders):
        raise ApplicationError(
            f"Order {locked.number} has shipped items and cannot be cancelled.",
            extra={"order_id": locked.pk},
        )
    reason = (reason or "").strip() or "Cancelled."
    previous = locked.status
    released = stock_release(
        allocations=_allocations(
            locked.pk, [StockAllocation.Status.RESERVED, StockAllocation.Status.COMMITTED]
        )
    )
    for seller_order in seller_orders:
        if seller_order.status != SS.CANCELLED:
            payload = _seller_order_move(locked=seller_order, to=SS.CANCELLED, actor=actor, message=reason)
            events.emit(f"seller_order.{SS.CANCELLED}", **payload)
    cancelled = order_transition(
        order=locked,
        to=OS.CANCELLED,
        actor=actor,
        message=reason,
        data={"reason": reason, "units_released": released},
    )
    if getattr(actor, "is_staff", False):  # staff in the admin; not the shopper, not the expiry sweep
        audit_status(
            "order.cancelled",
            cancelled,
            {"previous": previous, "status": OS.CANCELLED},
            actor=actor,
            reason=reason,
        )
    _sync(order, cancelled, ["status", "cancelled_at", "cancel_reason"])
    return cancelled


# -- the seller cancels its part (Seller Central; ADR 0075) ------------------


class SellerCancelReason(TextChoices):
    OUT_OF_STOCK = "out_of_stock", "Out of stock"
    CANNOT_SHIP_TO_ADDRESS = "cannot_ship_to_address", "Cannot ship to the address"
    PRICING_ERROR = "pricing_error", "Pricing error"
    BUYER_ASKED = "buyer_asked", "The buyer asked to cancel"
    OTHER = "other", "Other"


SELLER_CANCEL_EVENT = "seller_order.seller_cancelled"


def _seller_cancel_reason(reason: str, note: str) -> str:
    """The reason as the shopper reads it, or refuse a reason that is missing or unknown."""
    note = (note or "").strip()
    if not reason:
        raise ApplicationError("Choose why you are cancelling.")
    if reason not in SellerCancelReason.values:
        raise ApplicationError("Choose one of the listed reasons.")
    if reason == SellerCancelReason.OTHER and not note:
        raise ApplicationError("Say in the note why you are cancelling.")
    label = SellerCancelReason(reason).label
    return f"{label}: {note}"[:300] if note else label


@transaction.atomic
def seller_order_cancel(*, seller_order: SellerOrder, actor, reason: str, note: str = "") -> SellerOrder:
    """Cancel one seller's part of a paid order before any unit has shipped; release its stock.

    Only this seller order moves; the order is cancelled too when every part
    is cancelled now (``order.cancelled``: its handlers refund what is left and
    tell the shopper), or completed when the others are all delivered. Emit
    the durable ``seller_order.seller_cancelled`` (order_id, seller_order_id,
    reason, was_paid, order_cancelled): the payments app refunds the part's
    lines and shipping and the shopper is told, unless the order itself was
    cancelled. Raise ``ApplicationError`` for a reason missing or unknown,
    "other" without a note, a part already cancelled or with units shipped.
    """
    text = _seller_cancel_reason(reason, note)
    order = order_lock(order_id=seller_order.order_id)
    locked = SellerOrder.objects.select_for_update().get(pk=seller_order.pk)
    if locked.status == SS.CANCELLED:
        raise ApplicationError(f"Order {locked.number} is already cancelled.")
    if locked.status != SS.READY_TO_SHIP or order.status != OS.PAID:
        raise ApplicationError(
            f"Order {locked.number} is {locked.get_status_display().lower()}: only an order with no "
            "unit shipped can be cancelled."
        )
    released = stock_release(
        allocations=StockAllocation.objects.filter(
            line__seller_order=locked,
            status__in=[StockAllocation.Status.RESERVED, StockAllocation.Status.COMMITTED],
        ).order_by("pk")
    )
    data = {
        "reason": reason,
        "note": (note or "").strip()[:300],
        "units_released": released,
        "by_seller": True,
    }
    payload = _seller_order_move(locked=locked, to=SS.CANCELLED, actor=actor, message=text, data=data)
    audit_status("seller_order.cancelled", locked, payload, actor=actor, reason=text)
    _sync(seller_order, locked, ["status", "updated_at"])
    events.emit(f"seller_order.{SS.CANCELLED}", **payload)
    statuses = set(SellerOrder.objects.filter(order_id=order.pk).values_list("status", flat=True))
    order_cancelled = statuses == {SS.CANCELLED}
    if order_cancelled:
        message = f"Cancelled by the seller: {text}"[:300]
        order_transition(order=order, to=OS.CANCELLED, actor=actor, message=message, data={"reason": message})
    else:
        order_settle(order=order, actor=actor)
    events.emit(
        SELLER_CANCEL_EVENT,
        durable=True,
        order_id=order.pk,
        seller_order_id=locked.pk,
        seller_id=locked.seller_id,
        reason=text,
        was_paid=True,
        order_cancelled=order_cancelled,
    )
    return locked
