"""Refunds: full or partial, by amount or by order line, charged back to the sellers' orders.

Every refund, whoever starts it (staff in the admin, the cancellation of an
order, fraud review rejecting an order, the provider's own dashboard), ends
here, and every one follows the same steps under a lock on the ``Payment``
row (``SELECT ... FOR UPDATE``): look up the idempotency key, check the
payment was captured, work out the amount (and, for lines, the quantities
still refundable), refuse anything above what is left of the capture, call
the provider with the idempotency key, record the ``Refund`` with who and
why, split it over the seller orders (``RefundAllocation``), write the
order's audit row and emit the durable ``refund.created`` event that the
ledger turns into debits. Because the sum of earlier refunds is read inside
the lock, two staff members refunding at once queue: the second sees the
first's refund and is refused if the two together exceed the capture.

See docs/decisions/0031-refunds.md for the rules (per-line amounts, the
split between sellers, refunds of orders never released to sellers).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum

from marketplace.core import events
from marketplace.core.errors import ApplicationError
from marketplace.core.money import CENT, format_money, quantize
from orders.models import Order, OrderEvent, OrderLine, SellerOrder
from payments.models import Payment, Refund, RefundAllocation
from payments.providers import get_provider

PS = Payment.Status
CAPTURED = (PS.SUCCEEDED, PS.PARTIALLY_REFUNDED)
OPEN = (PS.CREATED, PS.REQUIRES_ACTION)
# The order's audit row of a refund (OrderEvent.kind); its data keeps the refunded line quantities.
REFUND_EVENT = "refund"


class RefundRefused(ApplicationError):
    """A refund that cannot be made as asked; ``message`` says why. Nothing was changed."""


@dataclass(frozen=True)
class RefundableLine:
    line: OrderLine
    refunded_quantity: int

    @property
    def refundable_quantity(self) -> int:
        return self.line.quantity - self.refunded_quantity

    @property
    def unit_amount(self) -> Decimal:
        """One unit with its share of the line's tax, to the cent (what one unit refunds)."""
        return line_refund_amount(line=self.line, already=0, quantity=1)


@dataclass(frozen=True)
class RefundPosition:
    """What a payment captured, what was refunded and what is left, with its lines."""

    payment: Payment
    captured: Decimal
    refunded: Decimal
    lines: list[RefundableLine]

    @property
    def remaining(self) -> Decimal:
        return self.captured - self.refunded if self.payment.status in CAPTURED else Decimal("0.00")


# -- reads -------------------------------------------------------------------


def payment_refunded_total(*, payment: Payment) -> Decimal:
    return Refund.objects.filter(payment_id=payment.pk).aggregate(total=Sum("amount"))["total"] or Decimal(
        "0.00"
    )


def refunded_line_quantities(*, order_id: int) -> dict[int, int]:
    """Units refunded so far per order line id, from the order's refund audit rows."""
    quantities: dict[int, int] = {}
    for data in OrderEvent.objects.filter(order_id=order_id, kind=REFUND_EVENT).values_list(
        "data", flat=True
    ):
        for line_id, quantity in (data.get("lines") or {}).items():
            quantities[int(line_id)] = quantities.get(int(line_id), 0) + int(quantity)
    return quantities


def payment_released_order(*, payment: Payment) -> bool:
    """Whether ``payment`` paid its order to its sellers (so they were credited with it)."""
    return OrderEvent.objects.filter(
        order_id=payment.order_id, kind=Order.Status.PAID, data__payment_reference=payment.provider_payment_id
    ).exists()


def refund_position(*, payment: Payment) -> RefundPosition:
    """Return the captured, refunded and remaining amounts of ``payment`` and its refundable lines."""
    refunded = refunded_line_quantities(order_id=payment.order_id)
    lines = OrderLine.objects.filter(seller_order__order_id=payment.order_id).select_related(
        "seller_order__seller"
    )
    return RefundPosition(
        payment=payment,
        captured=payment.amount,
        refunded=payment_refunded_total(payment=payment),
        lines=[RefundableLine(line=line, refunded_quantity=refunded.get(line.pk, 0)) for line in lines],
    )


def line_refund_amount(*, line: OrderLine, already: int, quantity: int) -> Decimal:
    """Return what ``quantity`` more units of ``line`` refund when ``already`` were refunded.

    A unit is worth the line's price plus its tax, divided by the quantity
    bought. Units are counted cumulatively and rounded to the cent half up,
    and a refund is the difference of two such sums, so refunding a line one
    unit at a time adds up to exactly what the line cost.
    """
    gross = line.total_amount + line.tax_amount

    def upto(units: int) -> Decimal:
        return quantize(gross * units / line.quantity)

    return upto(already + quantity) - upto(already)


# -- writes ------------------------------------------------------------------


def _lock(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().select_related("order").get(pk=payment_id)


def _checked_amount(amount) -> Decimal:
    if isinstance(amount, float):
        raise RefundRefused("Refund amounts must be exact decimals, not floats.")
    try:
        amount = Decimal(str(amount).strip())
    except InvalidOperation:
        raise RefundRefused(f"{amount!r} is not an amount.") from None
    if not amount.is_finite() or amount <= 0:
        raise RefundRefused("A refund must be more than zero.")
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise RefundRefused(f"{amount} has more decimals than cents.")
    return amount.quantize(CENT)


def _checked_lines(lines) -> dict[int, int]:
    checked: dict[int, int] = {}
    for line_id, quantity in lines.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise RefundRefused("Each quantity to refund must be a whole number of at least 1.")
        checked[int(line_id)] = checked.get(int(line_id), 0) + quantity
    return checked


def _checked_captured(payment: Payment) -> None:
    order = payment.order
    if payment.status in CAPTURED:
        return
    if payment.status == PS.REFUNDED:
        raise RefundRefused(f"Payment {payment.provider_payment_id} has been refunded in full already.")
    if order.status == Order.Status.PENDING_PAYMENT:
        raise RefundRefused(f"Order {order.number} is not paid yet, so there is nothing to refund.")
    raise RefundRefused(
        f"Payment {payment.provider_payment_id} did not succeed "
        f"({payment.get_status_display().lower()}), so there is nothing to refund."
    )


def _checked_remaining(payment: Payment, amount: Decimal) -> None:
    remaining = payment.amount - payment_refunded_total(payment=payment)
    if amount > remaining:
        if remaining <= 0:
            raise RefundRefused("This payment has been refunded in full; nothing is left to refund.")
        raise RefundRefused(
            f"Only {format_money(remaining, payment.currency)} of this payment can still be refunded."
        )


def _same_request(existing: Refund, *, payment: Payment, amount: Decimal | None, lines) -> Refund:
    """Return the refund already made with this key, if it was asked for the same thing."""
    if existing.payment_id != payment.pk:
        raise RefundRefused("This refund key was already used for another payment.")
    if amount is not None and existing.amount != amount:
        used, asked = format_money(existing.amount, payment.currency), format_money(amount, payment.currency)
        raise RefundRefused(f"This refund key was already used for a refund of {used}, not {asked}.")
    if lines is not None:
        recorded = (
            OrderEvent.objects.filter(
                order_id=payment.order_id, kind=REFUND_EVENT, data__refund_id=existing.pk
            )
            .values_list("data", flat=True)
            .first()
        )
        recorded_lines = {int(k): v for k, v in ((recorded or {}).get("lines") or {}).items()}
        if recorded_lines != lines:
            raise RefundRefused("This refund key was already used for a refund of other lines.")
    return existing


def _seller_remaining(order_id: int) -> dict[int, tuple[SellerOrder, Decimal]]:
    """Each seller order of the order with what can still be charged back to it."""
    allocated = dict(
        RefundAllocation.objects.filter(seller_order__order_id=order_id)
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


def _line_amounts(payment: Payment, lines: dict[int, int]) -> dict[int, Decimal]:
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


def refunded_shipping(*, order_id: int) -> dict[int, Decimal]:
    """Shipping refunded so far per seller order id, from the order's refund audit rows."""
    totals: dict[int, Decimal] = {}
    rows = OrderEvent.objects.filter(order_id=order_id, kind=REFUND_EVENT).values_list("data", flat=True)
    for data in rows:
        for seller_order_id, amount in (data.get("shipping") or {}).items():
            totals[int(seller_order_id)] = totals.get(int(seller_order_id), Decimal("0")) + Decimal(amount)
    return totals


def _with_shipping(payment: Payment, per_seller_order: dict[int, Decimal], shipping: Decimal) -> dict:
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


def _allocations(
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
    remaining = _seller_remaining(payment.order_id)
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


def _record(
    *,
    payment: Payment,
    amount: Decimal,
    allocations: dict[int, Decimal],
    reason: str,
    actor,
    idempotency_key: str,
    provider_refund_id: str,
    lines: dict[int, int] | None,
    shipping: dict[int, Decimal] | None = None,
) -> Refund:
    """Write the refund, its allocations and audit row, update the payment, emit the event."""
    actor = actor if getattr(actor, "pk", None) else None
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason[:300],
        provider_refund_id=provider_refund_id,
        idempotency_key=idempotency_key,
        created_by=actor,
    )
    RefundAllocation.objects.bulk_create(
        RefundAllocation(refund=refund, seller_order_id=pk, amount=share)
        for pk, share in sorted(allocations.items())
    )
    OrderEvent.objects.create(
        order_id=payment.order_id,
        kind=REFUND_EVENT,
        actor=actor,
        message=reason[:300],
        data={
            "refund_id": refund.pk,
            "payment": payment.provider_payment_id,
            "amount": str(amount),
            "lines": {str(line_id): quantity for line_id, quantity in sorted((lines or {}).items())},
            "shipping": {str(pk): str(amount) for pk, amount in sorted((shipping or {}).items())},
            "allocations": {str(pk): str(share) for pk, share in sorted(allocations.items())},
        },
    )
    refunded = payment_refunded_total(payment=payment)
    payment.status = PS.REFUNDED if refunded >= payment.amount else PS.PARTIALLY_REFUNDED
    payment.save(update_fields=["status", "updated_at"])
    events.emit(
        "refund.created",
        durable=True,
        refund_id=refund.pk,
        payment_id=payment.pk,
        order_id=payment.order_id,
        amount=amount,
    )
    return refund


@transaction.atomic
def refund_create(
    *,
    payment: Payment,
    amount: Decimal | None = None,
    lines: dict[int, int] | None = None,
    shipping_amount: Decimal | None = None,
    reason: str,
    actor,
    idempotency_key: str,
) -> Refund:
    """Refund ``amount`` of ``payment``, or the units ``lines`` maps (order line id -> quantity).

    With ``lines`` of one seller order, ``shipping_amount`` refunds that much of
    its shipping charge too (a return the seller is at fault for), never more
    than the charge less the shipping refunded before.

    The same ``idempotency_key`` returns the refund already made (and refuses
    it when asked for a different amount or other lines). Raise
    ``RefundRefused`` with a readable reason, changing nothing, when the
    payment did not succeed, the amount is not positive or is more than what
    is left, or a line is not the order's or has fewer units left.
    """
    reason = (reason or "").strip()
    idempotency_key = (idempotency_key or "").strip()
    if not reason:
        raise RefundRefused("Say why the refund is made.")
    if not idempotency_key:
        raise RefundRefused("A refund needs an idempotency key.")
    if (amount is None) == (not lines):
        raise RefundRefused(
            "Give either an amount or the lines to refund, not both."
            if lines
            else ("Give an amount or the lines to refund.")
        )
    amount = _checked_amount(amount) if amount is not None else None
    lines = _checked_lines(lines) if lines else None
    if shipping_amount is not None and lines is None:
        raise RefundRefused("Shipping is refunded only together with the lines it carried.")
    shipping_amount = _checked_amount(shipping_amount) if shipping_amount is not None else None

    payment = _lock(payment.pk)
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_request(existing, payment=payment, amount=amount, lines=lines)
    _checked_captured(payment)
    per_seller_order = None
    shipping = None
    if lines is not None:
        per_seller_order = _line_amounts(payment, lines)
        if shipping_amount is not None:
            per_seller_order = _with_shipping(payment, per_seller_order, shipping_amount)
            shipping = {next(iter(per_seller_order)): shipping_amount}
        amount = sum(per_seller_order.values(), Decimal("0.00"))
    _checked_remaining(payment, amount)
    allocations = _allocations(payment, amount, per_seller_order)
    provider_refund = get_provider(payment.provider).refund(
        payment_id=payment.provider_payment_id, amount=amount, idempotency_key=idempotency_key
    )
    recorded = Refund.objects.filter(provider_refund_id=provider_refund.id).first()
    if recorded is not None:
        # The provider's webhook recorded this very refund after an earlier try of ours was lost.
        return recorded
    if provider_refund.status == "failed":
        raise RefundRefused(
            f"{payment.provider} refused the refund of {format_money(amount, payment.currency)}."
        )
    return _record(
        payment=payment,
        amount=amount,
        allocations=allocations,
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
        provider_refund_id=provider_refund.id,
        lines=lines,
        shipping=shipping,
    )


@transaction.atomic
def refund_record_from_provider(
    *, payment: Payment, provider_refund_id: str, amount: Decimal, reason: str = ""
):
    """Record a refund made on the provider's side (Stripe: ``charge.refunded``).

    Idempotent by ``provider_refund_id``: a refund we made ourselves, or one
    recorded before, is returned as it is. The amount is split over the
    seller orders in proportion to what is left of each. Raise
    ``RefundRefused`` when the payment has not succeeded here yet (apply the
    payment first) or the amount is more than what is left.
    """
    provider_refund_id = (provider_refund_id or "").strip()
    if not provider_refund_id:
        raise RefundRefused("A provider refund needs its id.")
    amount = _checked_amount(amount)
    payment = _lock(payment.pk)
    existing = Refund.objects.filter(provider_refund_id=provider_refund_id).first()
    if existing is not None:
        if existing.payment_id != payment.pk:
            raise RefundRefused(f"Refund {provider_refund_id} belongs to another payment.")
        return existing
    _checked_captured(payment)
    _checked_remaining(payment, amount)
    return _record(
        payment=payment,
        amount=amount,
        allocations=_allocations(payment, amount, None),
        reason=(reason or "").strip() or "Refunded at the provider.",
        actor=None,
        idempotency_key=f"provider-{provider_refund_id}",
        provider_refund_id=provider_refund_id,
        lines=None,
    )


@transaction.atomic
def refund_cancelled_order(*, order: Order, reason: str = "") -> list[Refund]:
    """Refund everything still captured for a cancelled order; cancel payments still open.

    Idempotent: the first captured payment is refunded with the key
    ``cancel-<order number>`` (any other with ``cancel-<order number>-<payment id>``),
    so running this again refunds nothing more.
    """
    refunds = []
    message = f"Order cancelled: {reason}" if reason else "Order cancelled."
    payments = list(Payment.objects.select_for_update().filter(order=order).order_by("pk"))
    first_captured = True
    for payment in payments:
        if payment.status in (*CAPTURED, PS.REFUNDED):
            key = f"cancel-{order.number}" if first_captured else f"cancel-{order.number}-{payment.pk}"
            first_captured = False
            existing = Refund.objects.filter(idempotency_key=key).first()
            left = payment.amount - payment_refunded_total(payment=payment)
            if existing is not None:
                refunds.append(existing)
            elif left > 0:
                refunds.append(
                    refund_create(
                        payment=payment, amount=left, reason=message, actor=None, idempotency_key=key
                    )
                )
        elif payment.status in OPEN:
            get_provider(payment.provider).cancel_payment(payment_id=payment.provider_payment_id)
            payment.status = PS.CANCELLED
            payment.next_action_url = ""
            payment.save(update_fields=["status", "next_action_url", "updated_at"])
    return refunds
