"""How a refund is split over the seller orders of its order (``RefundAllocation`` rows).

A refund of lines is charged to the lines' seller orders; a refund of an
amount (and one made at the provider) in proportion to what each seller order
has left to charge back, failed refunds not counted. See ADR 0031.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from marketplace.core.money import CENT, format_money
from orders.models import OrderLine, SellerOrder
from payments.models import Payment, Refund, RefundAllocation

from .position import (
    RefundRefused,
    line_refund_amount,
    payment_released_order,
    refunded_line_quantities,
    refunded_shipping,
)


def seller_order_remaining(order_id: int) -> dict[int, tuple[SellerOrder, Decimal]]:
    """Each seller order of the order with what can still be charged back to it."""
    allocated = dict(
        RefundAllocation.objects.filter(seller_order__order_id=order_id)
        .exclude(refund__status=Refund.Status.FAILED)
        .values("seller_order")
        .annotate(total=Sum("amount"))
        .values_list("seller_order", "total")
    )
    return {
        seller_order.pk: (seller_order, seller_order.total_amount - allocated.get(seller_order.pk, 0))
        for seller_order in SellerOrder.objects.filter(order_id=order_id).order_by("pk")
    }


def split_proportionally(amount: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
    """Split ``amount`` in cents over ``weights`` (largest remainder; ties to the lowest key).

    No share exceeds its weight; when ``amount`` is at least the sum of the
    weights, each share is its whole weight.
    """
    weights = {key: weight for key, weight in weights.items() if weight > 0}
    total = sum(weights.values(), Decimal("0"))
    if total <= amount:
        return dict(weights)
    cents = int(amount / CENT)
    exact = {key: Decimal(cents) * weight / total for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    left = cents - sum(shares.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:left]:
        shares[key] += 1
    return {key: CENT * share for key, share in shares.items() if share}


def line_amounts(payment: Payment, lines: dict[int, int]) -> dict[int, Decimal]:
    """Return the refund per seller order for ``lines``; refuse a line that cannot take it."""
    order = payment.order
    order_lines = {
        line.pk: line for line in OrderLine.objects.filter(pk__in=lines, seller_order__order_id=order.pk)
    }
    refunded = refunded_line_quantities(order_id=order.pk)
    per_seller_order: dict[int, Decimal] = {}
    for line_id, quantity in sorted(lines.items()):
        line = order_lines.get(line_id)
        if line is None:
            raise RefundRefused(f"Line {line_id} is not part of order {order.number}.")
        already = refunded.get(line_id, 0)
        if quantity > line.quantity - already:
            raise RefundRefused(
                f"Only {line.quantity - already} of “{line.title}” can still be refunded "
                f"({line.quantity} bought, {already} refunded)."
            )
        amount = line_refund_amount(line=line, already=already, quantity=quantity)
        per_seller_order[line.seller_order_id] = per_seller_order.get(line.seller_order_id, 0) + amount
    return per_seller_order


def with_shipping(payment: Payment, per_seller_order: dict[int, Decimal], shipping: Decimal) -> dict:
    """Add ``shipping`` to the one seller order the lines belong to; refuse more than it charged."""
    if len(per_seller_order) != 1:
        raise RefundRefused("Shipping can only be refunded with lines of one seller.")
    (seller_order_id,) = per_seller_order
    seller_order = SellerOrder.objects.get(pk=seller_order_id)
    left = seller_order.shipping_amount - refunded_shipping(order_id=payment.order_id).get(seller_order_id, 0)
    if shipping > left:
        raise RefundRefused(
            f"Only {format_money(max(left, 0), payment.currency)} of the shipping of "
            f"{seller_order.number} can still be refunded."
        )
    return {seller_order_id: per_seller_order[seller_order_id] + shipping}


def refund_allocations(
    payment: Payment, amount: Decimal, per_seller_order: dict[int, Decimal] | None
) -> dict[int, Decimal]:
    """Split a refund over the seller orders: per line when given, else in proportion to what is left.

    Only the payment that released the order to its sellers (its ``paid``
    audit row names it) credited them; the refund of any other payment (an
    order held and rejected by fraud review, a second payment of a paid
    order) charges no seller.
    """
    if not payment_released_order(payment=payment):
        return {}
    remaining = seller_order_remaining(payment.order_id)
    if per_seller_order is None:
        return split_proportionally(amount, {pk: left for pk, (_, left) in remaining.items()})
    for pk, share in per_seller_order.items():
        seller_order, left = remaining[pk]
        if share > left:
            raise RefundRefused(
                f"Only {format_money(max(left, 0), payment.currency)} of seller order "
                f"{seller_order.number} can still be refunded."
            )
    return per_seller_order
