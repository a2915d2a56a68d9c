"""Return terms: which reasons the seller answers for, which are approved at once, the window.

Below ``orders`` (it reads only fulfillment's models and settings), so the
shopper's order page can say until when a part can be returned; the return
services themselves are in ``fulfillment.returns``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from fulfillment.models import ReturnPolicy, ReturnRequest
from sellers.models import Seller

Reason = ReturnRequest.Reason

# The seller is answerable for these: the shopper does not pay to send them back and gets the shipping.
SELLER_FAULT = frozenset({Reason.DAMAGED, Reason.DEFECTIVE, Reason.WRONG_ITEM, Reason.NOT_AS_DESCRIBED})
# Approved at once (unless the seller's policy reviews every return); the others wait for the seller.
AUTO_APPROVED = frozenset({Reason.DAMAGED, Reason.DEFECTIVE, Reason.WRONG_ITEM, Reason.NO_LONGER_NEEDED})


@dataclass(frozen=True)
class ReturnTerms:
    """The return policy that applies to a seller: its own, or the marketplace's defaults."""

    window_days: int
    shipping_refund: str
    review_every_return: bool

    def refunds_shipping(self, reason: str) -> bool:
        if self.shipping_refund == ReturnPolicy.ShippingRefund.ALWAYS:
            return True
        return self.shipping_refund == ReturnPolicy.ShippingRefund.SELLER_FAULT and reason in SELLER_FAULT

    def approves_at_once(self, reason: str) -> bool:
        return not self.review_every_return and reason in AUTO_APPROVED


def return_terms(*, seller: Seller) -> ReturnTerms:
    """The seller's return terms (one query unless ``return_policy`` was selected with the seller)."""
    try:
        policy = seller.return_policy
    except ReturnPolicy.DoesNotExist:
        return ReturnTerms(
            window_days=settings.RETURN_WINDOW_DAYS,
            shipping_refund=settings.RETURN_SHIPPING_REFUND,
            review_every_return=False,
        )
    return ReturnTerms(
        window_days=policy.window_days,
        shipping_refund=policy.shipping_refund,
        review_every_return=policy.review_every_return,
    )


def return_window_end(*, terms: ReturnTerms, delivered_at: datetime | None) -> datetime | None:
    """The last moment a return can be asked for units delivered at ``delivered_at``."""
    if delivered_at is None or not terms.window_days:
        return None
    return delivered_at + timedelta(days=terms.window_days)


def part_returnable_until(*, seller_order, now: datetime) -> datetime | None:
    """Until when units of this seller order can be asked back; None when nothing is delivered,
    every unit is in a return already, or the window has closed.

    Reads the prefetched ``shipments`` (outbound), ``returns`` with their ``lines``, ``lines``
    and ``seller.return_policy``, so the order page calls it without a query. The return form
    checks every line and unit itself (``fulfillment.returns``).
    """
    delivered = [shipment.delivered_at for shipment in seller_order.shipments.all() if shipment.delivered_at]
    if not delivered:
        return None
    in_returns = sum(
        item.quantity for rma in seller_order.returns.all() if rma.is_open for item in rma.lines.all()
    )
    if in_returns >= sum(line.quantity for line in seller_order.lines.all()):
        return None
    until = return_window_end(terms=return_terms(seller=seller_order.seller), delivered_at=max(delivered))
    return until if until and until >= now else None
