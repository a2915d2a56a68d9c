"""The seller ledger: what the marketplace owes each seller, as append-only entries.

Credits are positive, debits negative; a balance is the sum of a seller's
entries. Every posting has a unique ``key`` and is written with
``INSERT ... ON CONFLICT DO NOTHING``, so a handler that runs twice (the
outbox delivers at least once) or two handlers racing post one entry.

What is posted (ADR 0032):

* a paid order (``order.paid``, or ``order.released`` after a fraud hold),
  per seller order: a SALE credit of its items plus shipping (the tax is the
  marketplace's to remit) and a COMMISSION debit (``payments.commission``);
* a refund (``refund.created``), per ``RefundAllocation``: a REFUND debit of
  the allocation without its tax part and a COMMISSION credit giving back
  the commission on the items refunded, both worked out cumulatively so
  that refunding a seller order in any number of pieces debits exactly what
  its sale credited and gives back exactly its commission, to the cent;
* a dispute (``dispute.created``), per seller order of the disputed order: a
  DISPUTE debit of the seller's share (no commission back);
* a payout (``payments.payouts``): a PAYOUT debit when the payout is created.

Availability is not stored on entries: a seller order's entries become
payable ``PAYOUT_HOLD_DAYS`` after the seller order was delivered (or
cancelled), read from its ``OrderEvent``; see ``ledger_available``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import DateTimeField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from marketplace.core.money import quantize
from orders.models import Order, OrderEvent, OrderLine, SellerOrder
from payments.commission import seller_order_commission
from payments.models import Dispute, LedgerEntry, Refund, RefundAllocation
from payments.refunds import REFUND_EVENT
from sellers.models import Seller

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
Kind = LedgerEntry.Kind
SETTLED_STATUSES = (SellerOrder.Status.DELIVERED, SellerOrder.Status.CANCELLED)


def hold_days() -> int:
    return int(settings.PAYOUT_HOLD_DAYS)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _insert(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Write the entries whose key is new; return every entry with these keys as stored."""
    entries = [entry for entry in entries if entry.amount != 0]
    if not entries:
        return []
    LedgerEntry.objects.bulk_create(entries, ignore_conflicts=True)
    return list(LedgerEntry.objects.filter(key__in=[entry.key for entry in entries]).order_by("pk"))


# -- postings -----------------------------------------------------------------


def _net(seller_order: SellerOrder) -> Decimal:
    """What the seller is credited for a seller order: items plus shipping, no tax."""
    return seller_order.subtotal_amount + seller_order.shipping_amount


def ledger_post_seller_order_sale(*, seller_order: SellerOrder) -> list[LedgerEntry]:
    """Post the SALE credit and COMMISSION debit of a paid seller order (idempotent)."""
    currency = seller_order.order.currency
    number = seller_order.number
    commission = seller_order_commission(seller_order=seller_order)
    return _insert(
        [
            LedgerEntry(
                seller_id=seller_order.seller_id,
                kind=Kind.SALE,
                amount=_net(seller_order),
                currency=currency,
                key=f"sale:{seller_order.pk}",
                seller_order=seller_order,
                description=f"Sale {number}: items and shipping",
            ),
            LedgerEntry(
                seller_id=seller_order.seller_id,
                kind=Kind.COMMISSION,
                amount=-commission,
                currency=currency,
                key=f"commission:{seller_order.pk}",
                seller_order=seller_order,
                description=f"Commission on {number}",
            ),
        ]
    )


def ledger_post_order(*, order: Order) -> list[LedgerEntry]:
    """Post the sales of every seller order of a paid order; nothing for an unpaid one."""
    if order.paid_at is None:
        logger.info("Ledger: order %s is not paid; nothing posted.", order.number)
        return []
    posted = []
    for seller_order in SellerOrder.objects.filter(order=order).select_related("order").order_by("pk"):
        posted += ledger_post_seller_order_sale(seller_order=seller_order)
    return posted


def _share(amount: Decimal, numerator: Decimal, denominator: Decimal) -> Decimal:
    return quantize(amount * numerator / denominator) if denominator else ZERO


def _posted_commission(seller_order: SellerOrder) -> Decimal:
    """The commission charged on a seller order (positive), as posted."""
    entry = LedgerEntry.objects.filter(key=f"commission:{seller_order.pk}").first()
    return -entry.amount if entry is not None else ZERO


@dataclass(frozen=True)
class RefundPart:
    """How one refund allocation splits: the tax kept by the marketplace, the seller's debit, its items."""

    tax: Decimal
    debit: Decimal
    items: Decimal


def refund_parts(*, seller_order: SellerOrder) -> dict[int, RefundPart]:
    """Split every refund allocation of ``seller_order`` (by id) into tax, seller debit and items.

    Allocations are taken in id order. A refund of lines (``payments.refunds``
    records them on the order's refund event) takes the lines' tax, counted
    cumulatively per unit as the refund itself is, and is all items. A refund
    of an amount takes tax and items in proportion to what is left of them, so
    the piece that empties the seller order takes exactly what is left: in
    any mix of pieces, a full refund debits exactly the sale credit.
    """
    allocations = list(RefundAllocation.objects.filter(seller_order=seller_order).order_by("pk"))
    refund_lines = {
        data.get("refund_id"): data.get("lines") or {}
        for data in OrderEvent.objects.filter(order_id=seller_order.order_id, kind=REFUND_EVENT).values_list(
            "data", flat=True
        )
    }
    lines = {line.pk: line for line in OrderLine.objects.filter(seller_order=seller_order)}
    units_done: dict[int, int] = {}
    gross_done = tax_done = debit_done = items_done = ZERO
    parts = {}
    for allocation in allocations:
        refunded = {
            int(line_id): int(quantity)
            for line_id, quantity in refund_lines.get(allocation.refund_id, {}).items()
            if int(line_id) in lines
        }
        if refunded:
            tax = ZERO
            for line_id, quantity in refunded.items():
                line, before = lines[line_id], units_done.get(line_id, 0)
                tax += _share(line.tax_amount, Decimal(before + quantity), Decimal(line.quantity)) - _share(
                    line.tax_amount, Decimal(before), Decimal(line.quantity)
                )
                units_done[line_id] = before + quantity
            tax = min(tax, seller_order.tax_amount - tax_done, allocation.amount)
            debit = allocation.amount - tax
            items = min(debit, seller_order.subtotal_amount - items_done)
        else:
            left_gross = seller_order.total_amount - gross_done
            tax = _share(seller_order.tax_amount - tax_done, allocation.amount, left_gross)
            debit = allocation.amount - tax
            left_net = _net(seller_order) - debit_done
            items = _share(seller_order.subtotal_amount - items_done, debit, left_net)
        parts[allocation.pk] = RefundPart(tax=tax, debit=debit, items=items)
        gross_done += allocation.amount
        tax_done += tax
        debit_done += debit
        items_done += items
    return parts


def ledger_post_refund_allocation(*, allocation: RefundAllocation) -> list[LedgerEntry]:
    """Post the REFUND debit and the COMMISSION given back for one refund allocation.

    The allocation is what the shopper got back from this seller order, tax
    included; the seller is debited it without its tax (``refund_parts``) and
    given back the commission on the items refunded, cumulatively:
    round(commission x items refunded so far / items sold) minus what was
    given back before, so a full refund gives back the whole commission.
    """
    seller_order = allocation.seller_order
    ledger_post_seller_order_sale(seller_order=seller_order)  # a refund implies a capture
    parts = refund_parts(seller_order=seller_order)
    part = parts[allocation.pk]
    items_before = sum((p.items for pk, p in parts.items() if pk < allocation.pk), start=ZERO)
    commission, subtotal = _posted_commission(seller_order), seller_order.subtotal_amount
    given_back = _share(commission, items_before + part.items, subtotal) - _share(
        commission, items_before, subtotal
    )
    currency = seller_order.order.currency
    refund = allocation.refund
    return _insert(
        [
            LedgerEntry(
                seller_id=seller_order.seller_id,
                kind=Kind.REFUND,
                amount=-part.debit,
                currency=currency,
                key=f"refund:{allocation.pk}",
                seller_order=seller_order,
                refund=refund,
                description=f"Refund {refund.provider_refund_id} on {seller_order.number}",
            ),
            LedgerEntry(
                seller_id=seller_order.seller_id,
                kind=Kind.COMMISSION,
                amount=given_back,
                currency=currency,
                key=f"commission-back:{allocation.pk}",
                seller_order=seller_order,
                refund=refund,
                description=f"Commission given back for refund {refund.provider_refund_id}",
            ),
        ]
    )


def ledger_post_refund(*, refund: Refund) -> list[LedgerEntry]:
    """Post every allocation of ``refund`` (idempotent)."""
    posted = []
    allocations = refund.allocations.select_related("seller_order__order", "refund").order_by("pk")
    for allocation in allocations:
        posted += ledger_post_refund_allocation(allocation=allocation)
    return posted


def ledger_post_dispute(*, dispute: Dispute) -> list[LedgerEntry]:
    """Post a DISPUTE debit per seller order of the disputed order (idempotent).

    The disputed amount is shared by the seller orders in proportion to
    their totals, and each seller bears the untaxed part of its share:
    ``amount x (subtotal + shipping) / order total``. Commission is not given
    back on a dispute.
    """
    order = dispute.payment.order
    posted = []
    for seller_order in SellerOrder.objects.filter(order=order).select_related("order").order_by("pk"):
        ledger_post_seller_order_sale(seller_order=seller_order)
        posted += _insert(
            [
                LedgerEntry(
                    seller_id=seller_order.seller_id,
                    kind=Kind.DISPUTE,
                    amount=-_share(dispute.amount, _net(seller_order), order.total_amount),
                    currency=order.currency,
                    key=f"dispute:{dispute.pk}:{seller_order.pk}",
                    seller_order=seller_order,
                    dispute=dispute,
                    description=f"Dispute {dispute.provider_dispute_id} on {seller_order.number}",
                )
            ]
        )
    return posted


# -- event handlers (subscribed through the outbox in payments/apps.py) -------


def order_paid_post(*, order_id: int, **payload) -> None:
    """On ``order.paid`` / ``order.released``: post each seller order's sale and commission."""
    ledger_post_order(order=Order.objects.get(pk=order_id))


def refund_created_post(*, refund_id: int, **payload) -> None:
    """On ``refund.created``: post the refund's debits and commission given back."""
    ledger_post_refund(refund=Refund.objects.get(pk=refund_id))


def dispute_created_post(*, dispute_id: int, **payload) -> None:
    """On ``dispute.created``: post the dispute's debits."""
    ledger_post_dispute(dispute=Dispute.objects.select_related("payment__order").get(pk=dispute_id))


# -- reading ------------------------------------------------------------------


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
