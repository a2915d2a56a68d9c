"""Reading the ledger: balances, what is payable when, statements (ADR 0032).

Availability is not stored on entries: a seller order's entries become
payable ``PAYOUT_HOLD_DAYS`` after the seller order was delivered (or
cancelled), read from its ``OrderEvent``; see ``ledger_available``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import DateTimeField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from orders.models import OrderEvent, SellerOrder
from payments.models import LedgerEntry
from sellers.models import Seller

ZERO = Decimal("0.00")
SETTLED_STATUSES = (SellerOrder.Status.DELIVERED, SellerOrder.Status.CANCELLED)


def hold_days() -> int:
    return int(settings.PAYOUT_HOLD_DAYS)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _settled_at_subquery(outer: str = "seller_order_id") -> Subquery:
    """When the seller order was delivered or cancelled (its first such event)."""
    return Subquery(
        OrderEvent.objects.filter(seller_order_id=OuterRef(outer), to_status__in=SETTLED_STATUSES)
        .order_by("created_at")
        .values("created_at")[:1],
        output_field=DateTimeField(),
    )


def ledger_balance(*, seller: Seller) -> Decimal:
    """Return the sum of the seller's entries: what the marketplace owes it now."""
    return LedgerEntry.objects.filter(seller=seller).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def ledger_available_by_seller(*, cutoff: date, now: datetime, seller_ids=None) -> dict[int, Decimal]:
    """Return what each seller can be paid for a period ending on ``cutoff``.

    Entries written up to ``now`` are read, grouped by seller order:

    * a seller order delivered or cancelled at least ``PAYOUT_HOLD_DAYS``
      before ``cutoff`` counts in full (sale, commission, refunds, disputes);
    * any other seller order counts only if its entries add up to a debt
      (a dispute on an undelivered order, say): credits wait, debts do not;
    * entries of no seller order (payouts, adjustments) count at once when
      they are debits, and when written by the end of ``cutoff`` when credits.
    """
    entries = LedgerEntry.objects.filter(created_at__lte=now)
    if seller_ids is not None:
        entries = entries.filter(seller_id__in=seller_ids)
    cutoff_end = _day_start(cutoff + timedelta(days=1))
    rows = (
        entries.values("seller_id", "seller_order_id")
        .annotate(
            total=Sum("amount"),
            counted_now=Coalesce(Sum("amount", filter=Q(amount__lt=0) | Q(created_at__lt=cutoff_end)), ZERO),
            settled_at=_settled_at_subquery(),
        )
        .order_by()
    )
    latest_settlement = _day_start(cutoff - timedelta(days=hold_days()) + timedelta(days=1))
    available: dict[int, Decimal] = {}
    for row in rows:
        if row["seller_order_id"] is None:
            amount = row["counted_now"]
        elif row["settled_at"] is not None and row["settled_at"] < latest_settlement:
            amount = row["total"]
        else:
            amount = min(row["total"], ZERO)
        available[row["seller_id"]] = available.get(row["seller_id"], ZERO) + amount
    return available


def ledger_available(*, seller: Seller, now: datetime, cutoff: date | None = None) -> Decimal:
    """Return what can be paid to ``seller`` now (or for a period ending on ``cutoff``)."""
    cutoff = cutoff or now.astimezone(UTC).date()
    return ledger_available_by_seller(cutoff=cutoff, now=now, seller_ids=[seller.pk]).get(seller.pk, ZERO)


@dataclass(frozen=True)
class LedgerStatement:
    seller: Seller
    start: date
    end: date
    opening_balance: Decimal
    entries: list[LedgerEntry]
    credits: Decimal
    debits: Decimal
    closing_balance: Decimal


def ledger_entry_list(*, seller: Seller) -> QuerySet[LedgerEntry]:
    """The seller's entries, oldest first, each with ``settled_at`` and the seller order loaded."""
    return (
        LedgerEntry.objects.filter(seller=seller)
        .select_related("seller_order", "payout")
        .annotate(settled_at=_settled_at_subquery())
        .order_by("created_at", "pk")
    )


def ledger_statement(*, seller: Seller, start: date, end: date) -> LedgerStatement:
    """Return the seller's statement from ``start`` to ``end`` (whole UTC days, inclusive).

    The opening balance sums every entry before ``start``; the closing
    balance is the opening balance plus the period's entries. Each entry
    has ``available_on``: the day it can be paid out (``None`` while its
    seller order is not delivered).
    """
    since, until = _day_start(start), _day_start(end + timedelta(days=1))
    opening = LedgerEntry.objects.filter(seller=seller, created_at__lt=since).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    entries = list(ledger_entry_list(seller=seller).filter(created_at__gte=since, created_at__lt=until))
    for entry in entries:
        entry.available_on = entry_available_on(entry)
    credits = sum((entry.amount for entry in entries if entry.amount > 0), start=ZERO)
    debits = sum((entry.amount for entry in entries if entry.amount < 0), start=ZERO)
    return LedgerStatement(
        seller=seller,
        start=start,
        end=end,
        opening_balance=opening,
        entries=entries,
        credits=credits,
        debits=debits,
        closing_balance=opening + credits + debits,
    )


def entry_available_on(entry: LedgerEntry) -> date | None:
    """The day an entry (annotated with ``settled_at``) can be paid out; None while held."""
    if entry.seller_order_id is None:
        return entry.created_at.astimezone(UTC).date()
    if entry.settled_at is None:
        return None
    return entry.settled_at.astimezone(UTC).date() + timedelta(days=hold_days())
