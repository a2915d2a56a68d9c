"""The shopping cart, kept in the session.

A first, deliberately small cart: lines of ``offer id -> quantity`` in the
session, re-checked against current prices and stock on every read. The cart
and checkout issue replaces the storage with database carts for signed-in
shoppers (merged on sign-in); the functions here keep their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from catalog.buybox import offers_with_availability
from catalog.models import Offer
from marketplace.core.errors import ApplicationError
from sellers.models import Seller

SESSION_KEY = "cart"
MAX_QUANTITY_PER_LINE = 30
MAX_LINES = 50


@dataclass(frozen=True)
class CartLine:
    offer: Offer
    quantity: int

    @property
    def subtotal_amount(self) -> Decimal:
        return self.offer.price_amount * self.quantity


def parse_quantity(raw) -> int:
    """Return a quantity a shopper typed, or raise ApplicationError saying why not."""
    try:
        quantity = int(str(raw).strip())
    except (TypeError, ValueError):
        raise ApplicationError("Enter a whole number of items.") from None
    if quantity < 1:
        raise ApplicationError("The quantity must be at least 1.")
    if quantity > MAX_QUANTITY_PER_LINE:
        raise ApplicationError(f"You can buy at most {MAX_QUANTITY_PER_LINE} of an item at a time.")
    return quantity


def _offer_for_sale(offer_id) -> Offer:
    try:
        offer_id = int(offer_id)
    except (TypeError, ValueError):
        raise ApplicationError("That item could not be found.") from None
    offer = (
        offers_with_availability(Offer.objects.filter(pk=offer_id))
        .select_related("product", "seller")
        .first()
    )
    if offer is None or not offer.is_active or not offer.product.is_active:
        raise ApplicationError("That item is no longer available.")
    if offer.seller.status != Seller.Status.APPROVED:
        raise ApplicationError("That seller is not selling at the moment.")
    return offer


def cart_add_offer(*, session, offer_id, quantity) -> CartLine:
    """Add ``quantity`` of an offer to the session cart and return the line."""
    quantity = parse_quantity(quantity)
    offer = _offer_for_sale(offer_id)
    lines = dict(session.get(SESSION_KEY, {}))
    key = str(offer.pk)
    if key not in lines and len(lines) >= MAX_LINES:
        raise ApplicationError(f"Your cart can hold at most {MAX_LINES} different items.")
    new_quantity = lines.get(key, 0) + quantity
    if new_quantity > MAX_QUANTITY_PER_LINE:
        raise ApplicationError(f"You can buy at most {MAX_QUANTITY_PER_LINE} of an item at a time.")
    if new_quantity > offer.available:
        if offer.available <= 0:
            raise ApplicationError("That item is out of stock.")
        raise ApplicationError(f"Only {offer.available} left from this seller.")
    lines[key] = new_quantity
    session[SESSION_KEY] = lines
    return CartLine(offer=offer, quantity=new_quantity)


def cart_remove_offer(*, session, offer_id) -> None:
    lines = dict(session.get(SESSION_KEY, {}))
    lines.pop(str(offer_id), None)
    session[SESSION_KEY] = lines


def cart_count(session) -> int:
    """Return the number of units in the cart without touching the database."""
    return sum(session.get(SESSION_KEY, {}).values())


def cart_lines(session) -> list[CartLine]:
    """Return the cart's lines with offers, products and sellers loaded (one query)."""
    quantities = {int(k): v for k, v in session.get(SESSION_KEY, {}).items()}
    if not quantities:
        return []
    offers = (
        offers_with_availability(Offer.objects.filter(pk__in=quantities))
        .select_related("product", "seller")
        .order_by("seller__name", "pk")
    )
    return [CartLine(offer=offer, quantity=quantities[offer.pk]) for offer in offers]
