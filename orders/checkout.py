"""The checkout page's reads: what the shopper is about to buy, per seller.

``checkout_build`` takes the cart's lines and a shipping address and returns
everything the page shows: per seller the shipping options (or why there are
none), the chosen one, and the amounts from ``orders.totals``. It writes
nothing; placing the order is ``orders.placement.order_place``, which
re-computes every amount itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from fulfillment.shipping import ShippableItem, ShippingOption, shipping_options_by_seller
from marketplace.accounts.models import Address
from marketplace.core.errors import ApplicationError
from orders.models import CartLine, Order
from orders.placement import destination_for_address
from orders.totals import LineTotals, OrderTotals, SellerTotals, TotalsLine, order_totals
from sellers.models import Seller

CHOOSE_AN_OPTION = "Choose a delivery option for the items from this seller."


@dataclass
class CheckoutRow:
    """One cart line as the checkout page shows it."""

    line: CartLine
    totals: LineTotals | None = None
    problem: str = ""


@dataclass
class CheckoutGroup:
    """The items one seller ships, the ways it can ship them and their amounts."""

    seller: Seller
    rows: list[CheckoutRow]
    options: list[ShippingOption] = field(default_factory=list)
    chosen: ShippingOption | None = None
    problem: str = ""  # why this part cannot be placed as it stands
    totals: SellerTotals | None = None

    @property
    def can_place(self) -> bool:
        return self.chosen is not None and not self.problem and not any(row.problem for row in self.rows)

    @property
    def option_choices(self) -> list[dict]:
        """The options as the page lists them: each with its promise and whether it is picked."""
        chosen = self.chosen.code if self.chosen else None
        return [
            {"option": option, "promise": promise_text(option), "checked": option.code == chosen}
            for option in self.options
        ]


@dataclass
class Checkout:
    address: Address | None
    groups: list[CheckoutGroup]
    totals: OrderTotals | None
    currency: str
    problem: str = ""  # why the order as a whole cannot be placed

    @property
    def can_place(self) -> bool:
        return (
            self.address is not None
            and not self.problem
            and bool(self.groups)
            and all(g.can_place for g in self.groups)
        )

    @property
    def shipping_choices(self) -> dict[int, str]:
        return {g.seller.pk: g.chosen.code for g in self.groups if g.chosen is not None}

    @property
    def item_count(self) -> int:
        return sum(row.line.quantity for group in self.groups for row in group.rows)


def promise_text(option: ShippingOption) -> str:
    """Say when a parcel arrives: "Arrives Tue, Dec 1 - Thu, Dec 3"."""

    def day(value: date) -> str:
        return f"{value:%a, %b} {value.day}"

    if option.promised_from == option.promised_to:
        return f"Arrives {day(option.promised_from)}"
    return f"Arrives {day(option.promised_from)} - {day(option.promised_to)}"


def _line_problem(line: CartLine) -> str:
    offer = line.offer
    available = getattr(offer, "available", line.quantity)
    title = offer.product.title
    if (
        not offer.is_active
        or not offer.product.is_active
        or offer.seller.status != Seller.Status.APPROVED
        or available <= 0
    ):
        return (
            f"{title} is no longer available from {offer.seller.name}. Remove it from your cart to continue."
        )
    if line.quantity > available:
        return (
            f"Only {available} of {title} left from {offer.seller.name}; you have {line.quantity} "
            "in your cart. Change the quantity in your cart to continue."
        )
    return ""


def _group_by_seller(lines: list[CartLine]) -> list[CheckoutGroup]:
    groups: dict[int, CheckoutGroup] = {}
    for line in lines:
        seller = line.offer.seller
        group = groups.get(seller.pk)
        if group is None:
            group = groups[seller.pk] = CheckoutGroup(seller=seller, rows=[])
        group.rows.append(CheckoutRow(line=line, problem=_line_problem(line)))
    return list(groups.values())


def _choose(group: CheckoutGroup, code: str | None, *, require_choice: bool) -> None:
    by_code = {option.code: option for option in group.options}
    if code in by_code:
        group.chosen = by_code[code]
    elif require_choice:
        group.problem = CHOOSE_AN_OPTION
    elif group.options:
        group.chosen = group.options[0]  # the cheapest


def _parcel(group: CheckoutGroup) -> list[ShippableItem]:
    """The group's items as the seller ships them."""
    return [
        ShippableItem(
            offer_id=row.line.offer_id,
            quantity=row.line.quantity,
            weight_grams=row.line.offer.product.weight_grams,
            handling_days=row.line.offer.handling_days,
            surcharge_amount=row.line.offer.shipping_amount,
        )
        for row in group.rows
    ]


def _ship(
    group: CheckoutGroup,
    options: list[ShippingOption] | ApplicationError,
    *,
    code: str | None,
    require_choice: bool,
) -> None:
    """Take the ways the seller can ship the group's items (or why none can) and pick one."""
    if isinstance(options, ApplicationError):
        group.problem = options.message
        return
    group.options = options
    _choose(group, code, require_choice=require_choice)


def checkout_build(
    *,
    lines: list[CartLine],
    address: Address | None,
    choices: dict[int, str],
    now: datetime,
    require_choice: bool = False,
) -> Checkout:
    """Return the checkout of ``lines`` shipped to ``address``.

    ``choices`` maps a seller id to the code of the shipping method the
    shopper picked. Without a valid pick a group gets the cheapest option, or,
    with ``require_choice`` (placing the order), a problem asking to choose.
    Amounts come from ``order_totals``, never from the shopper's form.
    """
    groups = _group_by_seller(lines)
    currency = lines[0].offer.currency if lines else "USD"
    if address is None:
        return Checkout(address=None, groups=groups, totals=None, currency=currency)

    destination = destination_for_address(address)
    options = shipping_options_by_seller(
        parcels={group.seller.pk: _parcel(group) for group in groups}, destination=destination, now=now
    )
    for group in groups:
        _ship(
            group,
            options[group.seller.pk],
            code=choices.get(group.seller.pk),
            require_choice=require_choice,
        )

    try:
        totals = _totals(groups, destination=destination, currency=currency)
    except ApplicationError as error:
        return Checkout(address=address, groups=groups, totals=None, currency=currency, problem=error.message)
    for group in groups:
        group.totals = totals.sellers[group.seller.pk]
        for row in group.rows:
            row.totals = group.totals.lines[row.line.offer_id]
    return Checkout(address=address, groups=groups, totals=totals, currency=currency)


def _totals(groups: list[CheckoutGroup], *, destination, currency: str) -> OrderTotals:
    return order_totals(
        lines=[
            TotalsLine(
                offer_id=row.line.offer_id,
                seller_id=group.seller.pk,
                unit_price=row.line.offer.price_amount,
                quantity=row.line.quantity,
                tax_class=row.line.offer.product.tax_class,
                currency=row.line.offer.currency,
            )
            for group in groups
            for row in group.rows
        ],
        shipping={g.seller.pk: g.chosen.amount for g in groups if g.chosen is not None},
        destination=destination,
        currency=currency,
    )


def checkout_signature(
    *, address_id: int | None, choices: dict[int, str], checkout: Checkout | None = None
) -> str:
    """Name the picks a page's amounts were computed for, and a digest of the amounts.

    E.g. "12;3:standard,8:expedited;9f2c51d07a3e4b18": the address, the shipping
    picks, and a digest of each line's quantity and unit price and of the total. A
    seller's price change between the page and "Place order" changes the digest, so
    the order is not placed at an amount the shopper was not shown.
    """
    picks = ",".join(f"{seller_id}:{code}" for seller_id, code in sorted(choices.items()))
    signature = f"{address_id or ''};{picks}"
    if checkout is not None:
        amounts = sorted(
            f"{row.line.offer_id}:{row.line.quantity}@{row.line.offer.price_amount}"
            for group in checkout.groups
            for row in group.rows
        )
        amounts.append(str(checkout.totals.total if checkout.totals is not None else ""))
        signature += ";" + hashlib.sha256(",".join(amounts).encode()).hexdigest()[:16]
    return signature


def checkout_signature_picks(signature: str) -> str:
    """The address and shipping picks part of a signature (without the amounts)."""
    return ";".join(signature.split(";")[:2])


def order_get_by_idempotency_key(*, user, key) -> Order | None:
    """The order this user already placed with ``key`` (a repeated POST), if any."""
    return Order.objects.filter(user=user, idempotency_key=key).first()
