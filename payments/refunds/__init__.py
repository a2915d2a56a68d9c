"""Refunds: made under the payment's lock, split over seller orders, corrected when they fail.

* ``position``: what a payment captured, what its refunds took and what is
  left (a failed refund counts nowhere), and the payment's lock;
* ``create``: ``refund_create`` (every refund we make), ``refund_record_from_provider``
  (one made at the provider) and the cancellation refund;
* ``allocations``: how a refund is split over the seller orders;
* ``outcomes``: what the provider reports afterwards, ``refund_sync_from_provider``
  and ``refund_fail`` (a failed refund given back in full, staff told).

See docs/decisions/0031-refunds.md and 0082-stripe-idempotency-and-refund-events.md.
"""

from .allocations import split_proportionally
from .create import refund_cancelled_order, refund_create, refund_record_from_provider
from .outcomes import refund_fail, refund_sync_from_provider
from .position import (
    CAPTURED,
    OPEN,
    PS,
    REFUND_EVENT,
    REFUND_FAILED_EVENT,
    RefundableLine,
    RefundPosition,
    RefundRefused,
    line_refund_amount,
    payment_refunded_total,
    payment_released_order,
    payment_status_after_refunds,
    refund_payment_lock,
    refund_position,
    refunded_line_quantities,
    refunded_shipping,
)

__all__ = [
    "CAPTURED",
    "OPEN",
    "PS",
    "REFUND_EVENT",
    "REFUND_FAILED_EVENT",
    "RefundPosition",
    "RefundRefused",
    "RefundableLine",
    "line_refund_amount",
    "payment_refunded_total",
    "payment_released_order",
    "payment_status_after_refunds",
    "refund_cancelled_order",
    "refund_create",
    "refund_fail",
    "refund_payment_lock",
    "refund_position",
    "refund_record_from_provider",
    "refund_sync_from_provider",
    "refunded_line_quantities",
    "refunded_shipping",
    "split_proportionally",
]
