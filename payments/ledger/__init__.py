"""The seller ledger: what the marketplace owes each seller, as append-only entries.

Credits are positive, debits negative; a balance is the sum of a seller's
entries. Every posting has a unique ``key`` and is written with
``INSERT ... ON CONFLICT DO NOTHING``, so a handler that runs twice (the
outbox delivers at least once) or two handlers racing post one entry.

What is posted (ADR 0032, ``postings``):

* a paid order (``order.paid``, or ``order.released`` after a fraud hold),
  per seller order: a SALE credit of its items plus shipping (the tax is the
  marketplace's to remit) and a COMMISSION debit (``payments.commission``);
* a refund (``refund.created``), per ``RefundAllocation``: a REFUND debit of
  the allocation without its tax part and a COMMISSION credit giving back
  the commission on the items refunded, both worked out cumulatively so
  that refunding a seller order in any number of pieces debits exactly what
  its sale credited and gives back exactly its commission, to the cent;
* a refund that failed at the provider (``refund.failed``, ADR 0082): a
  reversing entry for each of its entries, never an edit;
* a dispute (``dispute.created``), per seller order of the disputed order: a
  DISPUTE debit of the seller's share (no commission back);
* a payout (``payments.payouts``): a PAYOUT debit when the payout is created.

Availability is not stored on entries: a seller order's entries become
payable ``PAYOUT_HOLD_DAYS`` after the seller order was delivered (or
cancelled), read from its ``OrderEvent``; see ``balances.ledger_available``.
The event handlers are ``handlers``.
"""

from .balances import (
    LedgerStatement,
    entry_available_on,
    hold_days,
    ledger_available,
    ledger_available_by_seller,
    ledger_balance,
    ledger_entry_list,
    ledger_statement,
)
from .handlers import dispute_created_post, order_paid_post, refund_created_post, refund_failed_post
from .postings import (
    RefundPart,
    ledger_post_dispute,
    ledger_post_order,
    ledger_post_refund,
    ledger_post_refund_allocation,
    ledger_post_refund_reversal,
    ledger_post_seller_order_sale,
    refund_parts,
)

__all__ = [
    "LedgerStatement",
    "RefundPart",
    "dispute_created_post",
    "entry_available_on",
    "hold_days",
    "ledger_available",
    "ledger_available_by_seller",
    "ledger_balance",
    "ledger_entry_list",
    "ledger_post_dispute",
    "ledger_post_order",
    "ledger_post_refund",
    "ledger_post_refund_allocation",
    "ledger_post_refund_reversal",
    "ledger_post_seller_order_sale",
    "ledger_statement",
    "order_paid_post",
    "refund_created_post",
    "refund_failed_post",
    "refund_parts",
]
