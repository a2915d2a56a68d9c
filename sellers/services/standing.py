"""A seller's standing: the status machine, approval, suspension and reinstatement."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from marketplace.core import events
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from sellers.models import Seller

logger = logging.getLogger(__name__)

Status = Seller.Status

# Where a seller may go from each status.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.APPLIED: frozenset({Status.APPROVED, Status.REJECTED}),
    # A rejected applicant may apply again (sellers/services/applications.py).
    Status.REJECTED: frozenset({Status.APPLIED}),
    Status.APPROVED: frozenset({Status.SUSPENDED}),
    Status.SUSPENDED: frozenset({Status.APPROVED}),
}


def seller_lock(*, seller_id: int) -> Seller:
    """The seller's row, locked until the transaction ends (membership and status changes take it)."""
    return Seller.objects.select_for_update().get(pk=seller_id)


def seller_transition(
    *, seller: Seller, to: str, actor, reason: str = "", only_from: str | None = None
) -> Seller:
    """Move the seller to ``to`` if the state machine allows it (and, with
    ``only_from``, only from that status), under a row lock.

    Call it inside a transaction.
    """
    locked = seller_lock(seller_id=seller.pk)
    allowed = TRANSITIONS.get(locked.status, frozenset())
    if to not in allowed or (only_from is not None and locked.status != only_from):
        raise ApplicationError(
            f"{locked.name} is {locked.get_status_display().lower()} and cannot be "
            f"{Status(to).label.lower()}.",
            extra={"seller_id": locked.pk, "status": locked.status, "to": to},
        )
    previous = locked.status
    locked.status = to
    update_fields = ["status"]
    if to == Status.APPROVED:
        locked.approved_at = timezone.now()
        update_fields.append("approved_at")
    locked.save(update_fields=update_fields)
    audit_record(
        action=f"seller.{to}",
        target=locked,
        before={"status": previous},
        after={"status": to},
        reason=reason,
        seller_id=locked.pk,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    # Catalog recomputes the buy boxes this seller's standing affects.
    events.emit("seller.status_changed", seller_id=locked.pk, previous=previous, status=to)
    logger.info(
        "seller %s moved from %s to %s by %s%s",
        locked.pk,
        previous,
        to,
        getattr(actor, "pk", None),
        f": {reason}" if reason else "",
    )
    seller.status, seller.approved_at = locked.status, locked.approved_at
    return seller


@transaction.atomic
def seller_approve(*, seller: Seller, actor) -> Seller:
    """Approve a seller (an application, or a suspended seller to reinstate).

    The seller's offers become eligible for the buy box.
    """
    return seller_transition(seller=seller, to=Status.APPROVED, actor=actor)


@transaction.atomic
def seller_reinstate(*, seller: Seller, actor) -> Seller:
    """Lift a seller's suspension; refuse for a seller that is not suspended."""
    return seller_transition(seller=seller, to=Status.APPROVED, actor=actor, only_from=Status.SUSPENDED)


@transaction.atomic
def seller_suspend(*, seller: Seller, actor, reason: str) -> Seller:
    """Suspend an approved seller: none of its offers can win the buy box."""
    if not reason.strip():
        raise ApplicationError("Give a reason for the suspension.")
    return seller_transition(seller=seller, to=Status.SUSPENDED, actor=actor, reason=reason.strip())
