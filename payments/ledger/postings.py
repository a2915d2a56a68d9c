"""Ledger postings: sales, refunds, their reversals and disputes, each idempotent by key (ADR 0032).

Credits are positive, debits negative. Every posting has a unique ``key``
and is written with ``INSERT ... ON CONFLICT DO NOTHING``, so a handler that
runs twice (the outbox delivers at least once) or two handlers racing post
one entry; the first posting of a key is the one that stands.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from marketplace.core.money import quantize
from orders.models import Order, OrderEvent, OrderLine, SellerOrder
from payments.commission import seller_order_commission
from payments.models import Dispute, LedgerEntry, Refund, RefundAllocation
from payments.refunds import REFUND_EVENT, REFUND_FAILED_EVENT

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
Kind = LedgerEntry.Kind
# The key of the entry reversing the entry keyed ``key`` (a failed refund's postings).
REVERSAL_PREFIX = "reversal:"


def _insert(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Write the entries whose key is new; return every entry with these keys as stored."""
    entries = [entry for entry in entries if entry.amount != 0]
    if not entries:
        return []
    LedgerEntry.objects.bulk_create(entries, ignore_conflicts=True)
    return list(LedgerEntry.objects.filter(key__in=[entry.key for entry in entries]).order_by("pk"))


# -- sales ----------------------------------------------------------------------


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


# -- refunds ----------------------------------------------------------------------


def _share(amount: Decimal, numerator: Decimal, denominator: Decimal) -> Decimal:
    return quantize(amount * numerator / denominator) if denominator else ZERO


def _posted_commission(seller_order: SellerOrder) -> Decimal:
    """The commission charged on a seller order (positive), as posted."""
    entry = LedgerEntry.objects.filter(key=f"commission:{seller_order.pk}").first()
    return -entry.amount if entry is not None else ZERO


@dataclass(frozen=True)
class RefundPart:
    """How one refund allocation splits: the tax kept by the marketplace, the seller's debit, its
    items, and the commission given back for them."""

    tax: Decimal
    debit: Decimal
    items: Decimal
    commission_back: Decimal = ZERO
    units: dict[int, int] = field(default_factory=dict)  # order line id -> units it refunded


@dataclass
class _Done:
    """What the refunds still counted have taken from a seller order so far."""

    gross: Decimal = ZERO
    tax: Decimal = ZERO
    debit: Decimal = ZERO
    items: Decimal = ZERO
    commission_back: Decimal = ZERO
    units: dict[int, int] = field(default_factory=dict)

    def add(self, amount: Decimal, part: RefundPart, sign: int = 1) -> None:
        self.gross += sign * amount
        self.tax += sign * part.tax
        self.debit += sign * part.debit
        self.items += sign * part.items
        self.commission_back += sign * part.commission_back
        for line_id, quantity in part.units.items():
            self.units[line_id] = self.units.get(line_id, 0) + sign * quantity


def refund_parts(*, seller_order: SellerOrder) -> dict[int, RefundPart]:
    """Split every refund allocation of ``seller_order`` (by id) into tax, seller debit, items and
    commission given back.

    Allocations are taken in id order, each against what the refunds before
    it took. A refund of lines (``payments.refunds`` records them on the
    order's refund event) takes the lines' tax, counted cumulatively per unit
    as the refund itself is, and is all items. A refund of an amount takes tax
    and items in proportion to what is left of them, so the piece that empties
    the seller order takes exactly what is left: in any mix of pieces, a full
    refund debits exactly the sale credit. The commission given back is the
    commission on the items refunded so far, rounded, less what was given back
    before, so a full refund gives back exactly the commission.

    A failed refund keeps its place, and stops counting from the moment it
    failed (its ``refund_failed`` audit row; audit rows are written under the
    payment's lock, so their ids give the order of events): the allocations
    made after its failure are split against what is left without it. Its
    reversal takes back exactly its parts, so a later refund that empties the
    seller order still debits, and gives back, exactly what is left, to the
    cent, and no earlier allocation's parts ever change.
    """
    allocations = list(RefundAllocation.objects.filter(seller_order=seller_order).order_by("pk"))
    # The order's refund audit rows, in the order they were written (under the payment's lock).
    refund_lines, refunded_at, failed_at = {}, {}, {}
    for pk, kind, data in OrderEvent.objects.filter(
        order_id=seller_order.order_id, kind__in=(REFUND_EVENT, REFUND_FAILED_EVENT)
    ).values_list("pk", "kind", "data"):
        if kind == REFUND_EVENT:
            refund_lines[data.get("refund_id")] = data.get("lines") or {}
            refunded_at[data.get("refund_id")] = pk
        else:
            failed_at[data.get("refund_id")] = pk
    lines = {line.pk: line for line in OrderLine.objects.filter(seller_order=seller_order)}
    commission = _posted_commission(seller_order) if allocations else ZERO
    failures = sorted(
        (a for a in allocations if a.refund_id in failed_at), key=lambda a: (failed_at[a.refund_id], a.pk)
    )
    done = _Done()
    parts: dict[int, RefundPart] = {}
    for allocation in allocations:
        position = refunded_at.get(allocation.refund_id)
        while (
            failures
            and failures[0].pk in parts
            and position is not None
            and failed_at[failures[0].refund_id] < position
        ):
            failed = failures.pop(0)
            done.add(failed.amount, parts[failed.pk], sign=-1)
        units = {
            int(line_id): int(quantity)
            for line_id, quantity in refund_lines.get(allocation.refund_id, {}).items()
            if int(line_id) in lines
        }
        part = _allocation_part(seller_order, allocation.amount, units, lines, done, commission)
        parts[allocation.pk] = part
        done.add(allocation.amount, part)
    return parts


def _allocation_part(
    seller_order: SellerOrder,
    amount: Decimal,
    units: dict[int, int],
    lines: dict[int, OrderLine],
    done: _Done,
    commission: Decimal,
) -> RefundPart:
    """The parts of one allocation of ``amount`` (refunding ``units`` of lines, if any) after ``done``."""
    if units:
        tax = ZERO
        for line_id, quantity in units.items():
            line, before = lines[line_id], done.units.get(line_id, 0)
            tax += _share(line.tax_amount, Decimal(before + quantity), Decimal(line.quantity)) - _share(
                line.tax_amount, Decimal(before), Decimal(line.quantity)
            )
        tax = min(tax, seller_order.tax_amount - done.tax, amount)
        debit = amount - tax
        items = min(debit, seller_order.subtotal_amount - done.items)
    else:
        tax = _share(seller_order.tax_amount - done.tax, amount, seller_order.total_amount - done.gross)
        debit = amount - tax
        items = _share(seller_order.subtotal_amount - done.items, debit, _net(seller_order) - done.debit)
    given_back = _share(commission, done.items + items, seller_order.subtotal_amount) - done.commission_back
    return RefundPart(tax=tax, debit=debit, items=items, commission_back=given_back, units=units)


def ledger_post_refund_allocation(*, allocation: RefundAllocation) -> list[LedgerEntry]:
    """Post the REFUND debit and the COMMISSION given back for one refund allocation.

    The allocation is what the shopper got back from this seller order, tax
    included; the seller is debited it without its tax and given back the
    commission on the items refunded (``refund_parts``).
    """
    seller_order = allocation.seller_order
    ledger_post_seller_order_sale(seller_order=seller_order)  # a refund implies a capture
    part = refund_parts(seller_order=seller_order)[allocation.pk]
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
                amount=part.commission_back,
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


def ledger_post_refund_reversal(*, refund: Refund) -> list[LedgerEntry]:
    """Reverse every posting of a failed refund with a new entry of the opposite amount (idempotent).

    Entries are never edited: each of the refund's entries gets a reversing
    twin keyed ``reversal:<its key>``, of the same kind and seller order, so
    the sellers' balances are back to what they were before the refund. The
    refund's own entries are posted first if its ``refund.created`` has not
    been handled yet (the outbox does not promise an order): what is reversed
    always exists, and a late ``refund.created`` then posts nothing new.
    """
    if refund.status != Refund.Status.FAILED:
        logger.warning("Ledger: refund %s has not failed; nothing reversed.", refund.provider_refund_id)
        return []
    ledger_post_refund(refund=refund)
    originals = (
        LedgerEntry.objects.filter(refund=refund).exclude(key__startswith=REVERSAL_PREFIX).order_by("pk")
    )
    return _insert(
        [
            LedgerEntry(
                seller_id=entry.seller_id,
                kind=entry.kind,
                amount=-entry.amount,
                currency=entry.currency,
                key=f"{REVERSAL_PREFIX}{entry.key}",
                seller_order_id=entry.seller_order_id,
                refund=refund,
                description=f"Reversed, refund {refund.provider_refund_id} failed: {entry.description}"[:300],
            )
            for entry in originals
        ]
    )


# -- disputes -----------------------------------------------------------------------


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
