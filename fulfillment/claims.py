"""Claims (A-to-z style): the shopper asks the marketplace to step in when a seller does not deliver.

Two reasons open a claim, each only when it is true of the seller order:

- ``not_arrived``: the promised date (``promised_to``) passed more than
  ``CLAIM_LATE_GRACE_DAYS`` ago and the seller order is not delivered;
- ``return_not_refunded``: a return was approved more than
  ``CLAIM_RETURN_REFUND_DAYS`` ago and is still not refunded.

An order delivered on time and not returned has no claim to make. Opening a
claim counts as an order defect on the seller's scorecard whatever staff
decide (as at Amazon). Staff grant or deny it in the admin; granting emits the
durable ``claim.granted`` that ``payments`` turns into a refund by the
marketplace (``refund_create``, so the seller's ledger is debited), which
reports back through ``claim_refund_recorded``. A granted claim on a seller
order that never shipped also cancels it and releases its stock, so it cannot
ship after the refund.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from fulfillment.models import Claim, OrderDefect, ReturnRequest
from fulfillment.promises import delivery_date
from fulfillment.returns import return_refund_recorded
from fulfillment.scorecard import order_defect_record
from fulfillment.stock import stock_release
from marketplace.core import events
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_text
from orders.lifecycle import order_lock, seller_order_transition
from orders.models import Order, OrderEvent, SellerOrder, StockAllocation

CS = Claim.Status
Reason = Claim.Reason
SS = SellerOrder.Status
RS = ReturnRequest.Status
UNREFUNDED_RETURNS = (RS.APPROVED, RS.RECEIVED)


@dataclass(frozen=True)
class ClaimOption:
    reason: str
    label: str
    available: bool
    explanation: str  # why it is (not) available, in the shopper's words


def _late_option(seller_order: SellerOrder, now: datetime) -> ClaimOption:
    label = Reason.NOT_ARRIVED.label
    if seller_order.status == SS.DELIVERED:
        return ClaimOption(Reason.NOT_ARRIVED, label, False, "It was delivered.")
    if seller_order.promised_to is None:
        return ClaimOption(Reason.NOT_ARRIVED, label, False, "This order has no promised delivery date.")
    opens = seller_order.promised_to + timedelta(days=settings.CLAIM_LATE_GRACE_DAYS)
    if delivery_date(now) <= opens:
        return ClaimOption(
            Reason.NOT_ARRIVED,
            label,
            False,
            f"It was promised by {seller_order.promised_to:%b %d}; if it has not arrived, "
            f"you can ask us from {opens + timedelta(days=1):%b %d}.",
        )
    return ClaimOption(
        Reason.NOT_ARRIVED, label, True, f"It was promised by {seller_order.promised_to:%b %d}."
    )


def _refund_overdue(seller_order: SellerOrder, now: datetime) -> bool:
    """Whether a return of the seller order was approved long enough ago and is still not refunded."""
    due = now - timedelta(days=settings.CLAIM_RETURN_REFUND_DAYS)
    return ReturnRequest.objects.filter(
        seller_order=seller_order, status__in=UNREFUNDED_RETURNS, decided_at__lte=due
    ).exists()


def _return_option(seller_order: SellerOrder, now: datetime) -> ClaimOption:
    label = Reason.RETURN_NOT_REFUNDED.label
    if _refund_overdue(seller_order, now):
        return ClaimOption(Reason.RETURN_NOT_REFUNDED, label, True, "Your return is still not refunded.")
    days = settings.CLAIM_RETURN_REFUND_DAYS
    if ReturnRequest.objects.filter(seller_order=seller_order, status__in=UNREFUNDED_RETURNS).exists():
        return ClaimOption(
            Reason.RETURN_NOT_REFUNDED,
            label,
            False,
            f"Sellers have {days} days from approving a return to refund it; that time has not passed yet.",
        )
    return ClaimOption(
        Reason.RETURN_NOT_REFUNDED, label, False, "No return of this order waits for a refund."
    )


def claim_options(*, seller_order: SellerOrder, now: datetime | None = None) -> list[ClaimOption]:
    """The reasons the shopper could give now, each with whether it applies and why."""
    now = now or timezone.now()
    return [_late_option(seller_order, now), _return_option(seller_order, now)]


def _audit(claim: Claim, kind: str, *, actor=None, message: str = "") -> None:
    OrderEvent.objects.create(
        order_id=claim.seller_order.order_id,
        seller_order_id=claim.seller_order_id,
        kind=f"claim_{kind}",
        actor=actor if getattr(actor, "pk", None) else None,
        message=message[:300],
        data={"claim": claim.number},
    )


def _emit(claim: Claim, name: str, *, durable: bool = False) -> None:
    events.emit(
        f"claim.{name}",
        durable=durable,
        claim_id=claim.pk,
        status=name,
        seller_order_id=claim.seller_order_id,
        order_id=claim.seller_order.order_id,
    )


@transaction.atomic
def claim_open(
    *, user, seller_order: SellerOrder, reason: str, description: str = "", now: datetime | None = None
) -> Claim:
    """Open a claim on one of the user's seller orders; refuse one that has no case, with the reason."""
    now = now or timezone.now()
    if reason not in Reason.values:
        raise ApplicationError("Choose what went wrong.")
    description = parse_text(description, name="description", limit=1000)
    order = order_lock(order_id=seller_order.order_id)
    if order.user_id != getattr(user, "pk", None):
        raise ApplicationError("This order is not yours.")
    locked = SellerOrder.objects.select_for_update().get(pk=seller_order.pk)
    if (
        order.status in (Order.Status.PENDING_PAYMENT, Order.Status.ON_HOLD)
        or locked.status == SS.PENDING_PAYMENT
    ):
        raise ApplicationError("This order is not paid, so there is nothing to claim.")
    if locked.status == SS.CANCELLED:
        raise ApplicationError("This part of the order was cancelled and is refunded.")
    existing = Claim.objects.filter(seller_order=locked).exclude(status=CS.DENIED).first()
    if existing is not None:
        raise ApplicationError(
            f"Claim {existing.number} on this order is {existing.get_status_display().lower()}.",
            extra={"claim": existing.number},
        )
    option = next(o for o in claim_options(seller_order=locked, now=now) if o.reason == reason)
    if not option.available:
        raise ApplicationError(f"We cannot open this claim: {option.explanation}")
    count = Claim.objects.filter(seller_order=locked).count()
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                number=f"{locked.number}-C{count + 1}",
                seller_order=locked,
                user=user,
                reason=reason,
                description=description,
            )
    except IntegrityError:
        raise ApplicationError("A claim on this order is already open.") from None
    order_defect_record(
        seller_order=locked, kind=OrderDefect.Kind.CLAIM, source_id=claim.number, occurred_at=now
    )
    _audit(claim, "opened", actor=user, message=claim.get_reason_display())
    _emit(claim, "opened")
    return claim


def _lock(claim: Claim) -> Claim:
    order_id, seller_order_id = Claim.objects.values_list("seller_order__order_id", "seller_order_id").get(
        pk=claim.pk
    )
    order_lock(order_id=order_id)
    SellerOrder.objects.select_for_update().filter(pk=seller_order_id).first()
    return Claim.objects.select_for_update(of=("self",)).select_related("seller_order").get(pk=claim.pk)


def _decide(claim: Claim, *, status: str, actor, note: str) -> Claim:
    locked = _lock(claim)
    if locked.status != CS.OPEN:
        raise ApplicationError(
            f"Claim {locked.number} was decided already ({locked.get_status_display().lower()})."
        )
    locked.status = status
    locked.staff_note = note
    locked.decided_at = timezone.now()
    locked.decided_by = actor if getattr(actor, "pk", None) else None
    locked.save(update_fields=["status", "staff_note", "decided_at", "decided_by"])
    _audit(locked, status, actor=actor, message=note or locked.get_status_display())
    _emit(locked, status, durable=status == CS.GRANTED)
    if claim is not locked:
        claim.refresh_from_db()
    return locked


@transaction.atomic
def claim_grant(*, claim: Claim, actor, note: str = "") -> Claim:
    """Staff find for the shopper: the marketplace refunds (``claim.granted``), the seller is debited."""
    return _decide(claim, status=CS.GRANTED, actor=actor, note=parse_text(note, name="note", limit=500))


@transaction.atomic
def claim_deny(*, claim: Claim, actor, note: str) -> Claim:
    """Staff find for the seller; the note, required, tells the shopper why."""
    note = parse_text(note, name="note", limit=500, missing="Please write the reason for the shopper.")
    return _decide(claim, status=CS.DENIED, actor=actor, note=note)


def claim_return_requests(*, claim: Claim) -> list[ReturnRequest]:
    """The returns a granted return claim refunds: those of its seller order still not refunded."""
    if claim.reason != Reason.RETURN_NOT_REFUNDED:
        return []
    return list(
        ReturnRequest.objects.filter(seller_order_id=claim.seller_order_id, status__in=UNREFUNDED_RETURNS)
        .select_related("seller_order")
        .order_by("pk")
    )


@transaction.atomic
def claim_refund_recorded(
    *, claim_id: int, refund_reference: str, amount: Decimal, returns: dict[int, Decimal] | None = None
) -> Claim:
    """Payments refunded a granted claim: record it, mark the returns it covered refunded, and
    cancel the seller order if it never shipped (its units go back to stock). Idempotent."""
    claim = _lock(Claim(pk=claim_id))
    if claim.refunded_at is not None:
        return claim
    claim.refund_amount = amount
    claim.refund_reference = str(refund_reference)[:40]
    claim.refund_error = ""
    claim.refunded_at = timezone.now()
    claim.save(update_fields=["refund_amount", "refund_reference", "refund_error", "refunded_at"])
    for return_id, share in sorted((returns or {}).items()):
        return_refund_recorded(return_id=return_id, refund_reference=f"claim {claim.number}", amount=share)
    seller_order = claim.seller_order
    if seller_order.status == SS.READY_TO_SHIP:
        stock_release(
            allocations=StockAllocation.objects.filter(
                line__seller_order=seller_order, status=StockAllocation.Status.COMMITTED
            )
        )
        seller_order_transition(
            seller_order=seller_order,
            to=SS.CANCELLED,
            message=f"Refunded by the marketplace: claim {claim.number}.",
        )
    _audit(claim, "refunded", message=f"Refunded {amount}.")
    return claim


def claim_refund_failed(*, claim_id: int, error: str) -> None:
    Claim.objects.filter(pk=claim_id, status=CS.GRANTED).update(refund_error=error[:300])
