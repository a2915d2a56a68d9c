"""Order amounts: every subtotal, shipping, tax and total, computed here only.

The checkout page shows what ``order_totals`` returns and ``order_place``
stores the same figures on the Order, SellerOrders and OrderLines, so what the
shopper saw is what is charged. The rules:

- a line's total is ``unit_price * quantity`` (before tax);
- a line's tax is that total times the destination's rate for the product's
  tax class, rounded half up to the cent, per line;
- a seller's subtotal and tax are the sums of its lines; its total adds the
  shipping chosen for it;
- the order's figures are the sums of its sellers';
- shipping is not taxed (``SHIPPING_TAX_CLASS``, the one place to change that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from marketplace.core.errors import ApplicationError
from marketplace.core.money import quantize
from orders.tax import tax_rates_for

if TYPE_CHECKING:
    from fulfillment.shipping import Destination

# Shipping charges are not taxed. To tax them, name the tax class whose rate
# applies to shipping (e.g. "standard"); order_totals then adds that tax per
# seller. This is the only place that decides it.
SHIPPING_TAX_CLASS: str | None = None

ZERO = Decimal("0.00")


@dataclass
class TotalsLine:
    offer_id: int
    seller_id: int
    unit_price: Decimal
    quantity: int
    tax_class: str
    # The offer's currency, when the caller knows it; it must be the order's.
    currency: str | None = None


@dataclass
class LineTotals:
    tax_rate: Decimal
    tax_amount: Decimal
    total: Decimal  # unit price x quantity, before tax


@dataclass
class SellerTotals:
    seller_id: int
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    lines: dict[int, LineTotals] = field(default_factory=dict)  # by offer id


@dataclass
class OrderTotals:
    currency: str
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    sellers: dict[int, SellerTotals] = field(default_factory=dict)  # by seller id


def _check_lines(lines: list[TotalsLine], currency: str) -> None:
    seen = set()
    for line in lines:
        if line.currency is not None and line.currency != currency:
            raise ApplicationError(
                f"All items in an order must be priced in {currency}; "
                f"offer {line.offer_id} is priced in {line.currency}."
            )
        if not isinstance(line.unit_price, Decimal):
            raise TypeError("Unit prices must be Decimal.")
        if line.quantity < 1:
            raise ApplicationError(f"The quantity of offer {line.offer_id} must be at least 1.")
        if line.offer_id in seen:
            raise ApplicationError(f"Offer {line.offer_id} appears twice in the order.")
        seen.add(line.offer_id)


def _shipping_for(shipping: dict[int, Decimal], seller_id: int) -> Decimal:
    amount = shipping.get(seller_id, ZERO)
    if not isinstance(amount, Decimal):
        raise TypeError("Shipping amounts must be Decimal.")
    if amount < 0:
        raise ApplicationError("A shipping charge cannot be negative.")
    return quantize(amount)


def order_totals(
    *,
    lines: list[TotalsLine],
    shipping: dict[int, Decimal],
    destination: Destination,
    currency: str = "USD",
) -> OrderTotals:
    """Return the amounts of an order shipped to ``destination``, to the cent.

    ``shipping`` maps a seller id to the charge of the method chosen for it; a
    seller without an entry ships for 0 (a page may show totals before a
    method is chosen). Raise ApplicationError if the lines mix currencies.
    """
    _check_lines(lines, currency)
    tax_classes = [line.tax_class for line in lines]
    if SHIPPING_TAX_CLASS:
        tax_classes.append(SHIPPING_TAX_CLASS)
    rates = (
        tax_rates_for(country=destination.country, region=destination.region, tax_classes=tax_classes)
        if tax_classes
        else {}
    )

    sellers: dict[int, SellerTotals] = {}
    for line in lines:
        seller = sellers.get(line.seller_id)
        if seller is None:
            seller = sellers[line.seller_id] = SellerTotals(
                seller_id=line.seller_id, subtotal=ZERO, shipping=ZERO, tax=ZERO, total=ZERO
            )
        rate = rates[line.tax_class]
        total = quantize(line.unit_price * line.quantity)
        tax = quantize(total * rate)
        seller.lines[line.offer_id] = LineTotals(tax_rate=rate, tax_amount=tax, total=total)
        seller.subtotal += total
        seller.tax += tax

    for seller in sellers.values():
        seller.shipping = _shipping_for(shipping, seller.seller_id)
        if SHIPPING_TAX_CLASS:
            seller.tax += quantize(seller.shipping * rates[SHIPPING_TAX_CLASS])
        seller.total = seller.subtotal + seller.shipping + seller.tax

    subtotal = sum((s.subtotal for s in sellers.values()), ZERO)
    shipping_total = sum((s.shipping for s in sellers.values()), ZERO)
    tax = sum((s.tax for s in sellers.values()), ZERO)
    return OrderTotals(
        currency=currency,
        subtotal=subtotal,
        shipping=shipping_total,
        tax=tax,
        total=subtotal + shipping_total + tax,
        sellers=sellers,
    )
