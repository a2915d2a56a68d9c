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

from fulfillment.returns.common import ReturnableLine, returnable_lines
from fulfillment.returns.decisions import return_approve, return_reject
from fulfillment.returns.receipt import return_parcel_delivered, return_receive, return_restock
from fulfillment.returns.refunds import return_refund_amounts, return_refund_failed, return_refund_recorded
from fulfillment.returns.requests import return_cancel, return_request_create

__all__ = [
    "ReturnableLine",
    "return_approve",
    "return_cancel",
    "return_parcel_delivered",
    "return_receive",
    "return_refund_amounts",
    "return_refund_failed",
    "return_refund_recorded",
    "return_reject",
    "return_request_create",
    "return_restock",
    "returnable_lines",
]
