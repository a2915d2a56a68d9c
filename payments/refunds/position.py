"""What a payment captured, what its refunds took and what is left: the reads refunds check.

A failed refund gave nothing back, so it counts nowhere here: not in the
refunded total, not in the refunded units of a line (its ``refund_failed``
audit row gives them back), not in the shipping refunded, not in what a
seller order has left to charge back.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from marketplace.core.errors import ApplicationError
from marketplace.core.money import quantize
from orders.models import Order, OrderEvent, OrderLine
from payments.models import Payment, Refund

PS = Payment.Status
CAPTURED = (PS.SUCCEEDED, PS.PARTIALLY_REFUNDED)
OPEN = (PS.CREATED, PS.REQUIRES_ACTION)
# The order's audit row of a refund (OrderEvent.kind); its data keeps the refunded line quantities.
REFUND_EVENT = "refund"
# The audit row of a refund that failed at the provider; its data gives the same lines back.
REFUND_FAILED_EVENT = "refund_failed"


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


def refund_payment_lock(payment_id: int) -> Payment:
    """Lock the payment row (``SELECT ... FOR UPDATE``) that every refund of it queues behind."""
    return Payment.objects.select_for_update().select_related("order").get(pk=payment_id)


def payment_refunded_total(*, payment: Payment) -> Decimal:
    """The sum of the payment's refunds that did not fail (pending ones included)."""
    total = (
        Refund.objects.filter(payment_id=payment.pk)
        .exclude(status=Refund.Status.FAILED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or Decimal("0.00")


def payment_status_after_refunds(*, payment: Payment) -> str:
    """The status of a captured payment given the refunds that count: refunded, partly, or not at all."""
    refunded = payment_refunded_total(payment=payment)
    if refunded >= payment.amount:
        return PS.REFUNDED
    return PS.PARTIALLY_REFUNDED if refunded > 0 else PS.SUCCEEDED


def refund_audit_data(*, order_id: int, refund_id: int) -> dict:
    """The data of a refund's audit row on its order (``lines``, ``shipping``, ...), or ``{}``."""
    data = (
        OrderEvent.objects.filter(order_id=order_id, kind=REFUND_EVENT, data__refund_id=refund_id)
        .values_list("data", flat=True)
        .first()
    )
    return data or {}


def _refund_audit_rows(order_id: int):
    """(sign, data) of the order's refund rows: +1 for a refund, -1 for the failure of one."""
    rows = OrderEvent.objects.filter(order_id=order_id, kind__in=(REFUND_EVENT, REFUND_FAILED_EVENT))
    for kind, data in rows.values_list("kind", "data"):
        yield (-1 if kind == REFUND_FAILED_EVENT else 1), data


def refunded_line_quantities(*, order_id: int) -> dict[int, int]:
    """Units refunded so far per order line id, from the order's refund audit rows."""
    quantities: dict[int, int] = {}
    for sign, data in _refund_audit_rows(order_id):
        for line_id, quantity in (data.get("lines") or {}).items():
            quantities[int(line_id)] = quantities.get(int(line_id), 0) + sign * int(quantity)
    return quantities


def refunded_shipping(*, order_id: int) -> dict[int, Decimal]:
    """Shipping refunded so far per seller order id, from the order's refund audit rows."""
    totals: dict[int, Decimal] = {}
    for sign, data in _refund_audit_rows(order_id):
        for seller_order_id, amount in (data.get("shipping") or {}).items():
            totals[int(seller_order_id)] = totals.get(int(seller_order_id), Decimal("0")) + sign * Decimal(
                amount
            )
    return totals


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
