"""The shopping cart, kept in the database.

A guest's cart is found through the session (``request.session["cart_id"]``,
which survives the session-key rotation at sign-in), a signed-in shopper's
through ``Cart.user``. On sign-in the guest cart is merged into the shopper's
(``orders.handlers``). Every write locks the cart row first, so two requests
for the same cart cannot both pass a limit check.

Every read goes through ``cart_summary``, which re-checks each line against
the current offer (``cart_review``): a new price, less stock or an offer that
can no longer be bought is put right and said in plain words. A line that can
no longer be bought moves to "Saved for later" (docs/decisions/0012-database-cart-merge-and-review.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from catalog.buybox import offers_with_availability
from catalog.models import Offer
from fulfillment.models import Stock
from marketplace.core import inputs
from marketplace.core.errors import ApplicationError
from marketplace.core.money import format_money
from orders.models import Cart, CartLine
from sellers.models import Seller

SESSION_CART_ID = "cart_id"
COUNT_CACHE_SECONDS = 3600  # every cart write drops it; this bounds writes made outside orders.cart


def _max_per_line() -> int:
    return settings.CART_MAX_QUANTITY_PER_LINE


def _too_many_message() -> str:
    return f"You can buy at most {_max_per_line()} of an item at a time."


# Input ----------------------------------------------------------------------


def parse_quantity(raw) -> int:
    """Return a quantity a shopper typed, or raise ApplicationError saying why not
    (``marketplace.core.inputs``: ASCII digits, bounded length, never a ValueError)."""
    return inputs.parse_quantity(raw, maximum=_max_per_line(), too_large=_too_many_message())


def _parse_id(raw, *, message: str) -> int:
    return inputs.parse_id(raw, message=message)


# Finding the cart -----------------------------------------------------------


def cart_for_request(request, *, create: bool = False) -> Cart | None:
    """Return the cart of the request's shopper (signed in or guest), or None.

    With ``create=True`` a cart is made when there is none; a guest's session
    is saved first so that it has a key.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if create:
            return Cart.objects.get_or_create(user=user)[0]
        return Cart.objects.filter(user=user).first()
    session = request.session
    cart_id = session.get(SESSION_CART_ID)
    if cart_id is not None:
        cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
        if cart is not None or not create:
            return cart
    if not create:
        return None
    if session.session_key is None:
        session.save()
    cart = Cart.objects.get_or_create(session_key=session.session_key, user__isnull=True)[0]
    session[SESSION_CART_ID] = cart.pk
    return cart


def _count_key(*, user_id=None, cart_id=None) -> str:
    return f"cart-count:user:{user_id}" if user_id is not None else f"cart-count:cart:{cart_id}"


def _remember_count(cart: Cart, count: int) -> None:
    cache.set(_count_key(user_id=cart.user_id, cart_id=cart.pk), count, COUNT_CACHE_SECONDS)


def _forget_count(cart: Cart) -> None:
    """Drop the cached count of a cart being changed: now, and again after the commit
    (a request reading the old rows meanwhile may have cached the old count)."""
    keys = [_count_key(cart_id=cart.pk)] + ([_count_key(user_id=cart.user_id)] if cart.user_id else [])
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def cart_count_prime(*, user) -> int:
    """Count the units in ``user``'s cart and cache it (at sign-in, so pages do not have to)."""
    count = (
        CartLine.objects.filter(cart__user=user, saved_for_later=False).aggregate(units=Sum("quantity"))[
            "units"
        ]
        or 0
    )
    cache.set(_count_key(user_id=user.pk), count, COUNT_CACHE_SECONDS)
    return count


def cart_count_for_request(request) -> int:
    """Return the units in the request's cart (saved for later not counted).

    Cached (every cart write drops it) and remembered on the request: one small
    query at most, none for a guest without a cart.
    """
    if hasattr(request, "_cart_count"):
        return request._cart_count
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    lines = CartLine.objects.filter(saved_for_later=False)
    if user is not None and user.is_authenticated:
        key, lines = _count_key(user_id=user.pk), lines.filter(cart__user=user)
    elif session is not None and session.get(SESSION_CART_ID) is not None:
        cart_id = session[SESSION_CART_ID]
        key, lines = _count_key(cart_id=cart_id), lines.filter(cart_id=cart_id, cart__user__isnull=True)
    else:
        request._cart_count = 0
        return 0
    count = cache.get(key)
    if count is None:
        count = lines.aggregate(units=Sum("quantity"))["units"] or 0
        cache.set(key, count, COUNT_CACHE_SECONDS)
    request._cart_count = count
    return count


# Reading lines --------------------------------------------------------------


def _lines_queryset(cart: Cart):
    available = (
        Stock.objects.filter(offer_id=OuterRef("offer_id"))
        .values("offer_id")
        .annotate(units=Sum(F("on_hand") - F("reserved")))
        .values("units")
    )
    return (
        CartLine.objects.filter(cart=cart)
        .select_related("offer__product", "offer__seller")
        .annotate(available=Coalesce(Subquery(available), Value(0)))
        .order_by("offer__seller__name", "offer__seller_id", "added_at", "id")
    )


def _offer_problem(offer: Offer) -> str | None:
    """Why an offer (annotated with ``available``, seller loaded) cannot be bought, or None."""
    if not offer.is_active or not offer.product.is_active:
        return "That item is no longer available."
    if offer.seller.status != Seller.Status.APPROVED:
        return "That seller is not selling at the moment."
    if offer.available <= 0:
        return "That item is out of stock."
    return None


def _load_lines(cart: Cart) -> list[CartLine]:
    lines = list(_lines_queryset(cart))
    for line in lines:
        line.offer.available = line.available
        line.is_available = _offer_problem(line.offer) is None
        line.subtotal_amount = line.offer.price_amount * line.quantity
        line.max_quantity = max(1, min(_max_per_line(), line.available))
    return lines


def cart_checkout_lines(*, cart: Cart) -> list[CartLine]:
    """Return the cart's active lines (not saved for later), grouped by seller, with
    offer, product and seller loaded and each offer annotated with ``available``."""
    return [line for line in _load_lines(cart) if not line.saved_for_later]


# Review and summary ---------------------------------------------------------


@dataclass
class SellerGroup:
    seller: Seller
    lines: list[CartLine]
    subtotal_amount: Decimal


@dataclass
class CartSummary:
    """What the cart page shows: lines grouped by seller, totals and what changed."""

    lines: list[CartLine] = field(default_factory=list)
    groups: list[SellerGroup] = field(default_factory=list)
    saved_lines: list[CartLine] = field(default_factory=list)
    subtotal_amount: Decimal = Decimal("0.00")
    count: int = 0
    currency: str = ""
    changes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.currency = self.currency or settings.MARKETPLACE_CURRENCY


def _review_lines(lines: list[CartLine]) -> tuple[list[str], list[CartLine]]:
    """Put each line right against its offer; return the changes in words and the changed lines."""
    changes, changed = [], []
    for line in lines:
        offer, title, before = line.offer, line.offer.product.title, (line.quantity, line.saved_for_later)
        if not line.saved_for_later and not line.is_available:
            line.saved_for_later = True
            changes.append(f"{title} is no longer available: we moved it to Saved for later.")
        elif not line.saved_for_later and line.quantity > offer.available:
            changes.append(
                f"Only {offer.available} left of {title}: "
                f"we changed your quantity from {line.quantity} to {offer.available}."
            )
            line.quantity = offer.available
        if line.price_seen_amount != offer.price_amount:
            if line.is_available:
                changes.append(
                    f"The price of {title} went from {format_money(line.price_seen_amount, offer.currency)} "
                    f"to {format_money(offer.price_amount, offer.currency)}."
                )
            line.price_seen_amount = offer.price_amount
        elif before == (line.quantity, line.saved_for_later):
            continue
        line.subtotal_amount = offer.price_amount * line.quantity
        changed.append(line)
    return changes, changed


def _reviewed_lines(cart: Cart) -> tuple[list[CartLine], list[str]]:
    lines = _load_lines(cart)
    changes, changed = _review_lines(lines)
    if not changed:
        return lines, changes
    with transaction.atomic():
        _lock(cart)
        lines = _load_lines(cart)  # again, under the lock: what we write is what is there now
        changes, changed = _review_lines(lines)
        CartLine.objects.bulk_update(changed, ["quantity", "saved_for_later", "price_seen_amount"])
    return lines, changes


def cart_summary(*, cart: Cart | None) -> CartSummary:
    """Review the cart (see ``cart_review``) and return what the cart page shows."""
    if cart is None:
        return CartSummary()
    lines, changes = _reviewed_lines(cart)
    active = [line for line in lines if not line.saved_for_later]
    _remember_count(cart, sum(line.quantity for line in active))
    groups = [
        SellerGroup(
            seller=seller_lines[0].offer.seller,
            lines=seller_lines,
            subtotal_amount=sum((line.subtotal_amount for line in seller_lines), start=Decimal("0.00")),
        )
        for seller_lines in (list(g) for _, g in groupby(active, key=lambda line: line.offer.seller_id))
    ]
    return CartSummary(
        lines=active,
        groups=groups,
        saved_lines=[line for line in lines if line.saved_for_later],
        subtotal_amount=sum((group.subtotal_amount for group in groups), start=Decimal("0.00")),
        count=sum(line.quantity for line in active),
        currency=active[0].offer.currency if active else "",
        changes=changes,
    )


def cart_review(*, cart: Cart) -> list[str]:
    """Re-check every line against its offer and say in plain words what changed
    since the shopper last saw the cart; store the new prices seen.

    A line that can no longer be bought (offer or product withdrawn, seller not
    approved, out of stock) moves to Saved for later; a quantity above the stock
    left is lowered to it.
    """
    return _reviewed_lines(cart)[1]


# Writing --------------------------------------------------------------------


def _lock(cart: Cart) -> Cart:
    locked = Cart.objects.select_for_update().filter(pk=cart.pk).first()
    if locked is None:
        raise ApplicationError("Your cart has just changed. Please try again.")
    _forget_count(locked)
    return locked


def _offer_for_sale(offer_id, *, product_id=None) -> Offer:
    offer_id = _parse_id(offer_id, message="That item could not be found.")
    offer = (
        offers_with_availability(Offer.objects.filter(pk=offer_id))
        .select_related("product", "seller")
        .first()
    )
    if offer is None:
        raise ApplicationError("That item is no longer available.")
    if product_id is not None and offer.product_id != _parse_id(
        product_id, message="That item could not be found."
    ):
        raise ApplicationError("That offer is not for this product.")
    problem = _offer_problem(offer)
    if problem is not None:
        raise ApplicationError(problem)
    return offer


def _line_for(cart: Cart, offer_id) -> CartLine:
    offer_id = _parse_id(offer_id, message="That item is not in your cart.")
    line = CartLine.objects.select_related("offer__product").filter(cart=cart, offer_id=offer_id).first()
    if line is None:
        raise ApplicationError("That item is not in your cart.")
    return line


def _check_quantity(*, offer: Offer, quantity: int, already: int = 0) -> None:
    """Refuse ``quantity`` units of ``offer`` (of which the shopper already has ``already``)."""
    if quantity > _max_per_line():
        if already:
            raise ApplicationError(
                f"You already have {already} in your cart, and you can buy at most "
                f"{_max_per_line()} of an item at a time."
            )
        raise ApplicationError(_too_many_message())
    if quantity > offer.available:
        left = f"Only {offer.available} left from this seller"
        raise ApplicationError(
            f"{left}, and you already have {already} in your cart." if already else f"{left}."
        )


def _check_cart_units(*, cart: Cart, offer_id: int, quantity: int) -> None:
    """Refuse a cart whose active units would exceed the limit with ``quantity`` of the offer."""
    others = (
        CartLine.objects.filter(cart=cart, saved_for_later=False)
        .exclude(offer_id=offer_id)
        .aggregate(units=Sum("quantity"))["units"]
        or 0
    )
    if others + quantity > settings.CART_MAX_UNITS:
        raise ApplicationError(f"Your cart can hold at most {settings.CART_MAX_UNITS} items.")


@transaction.atomic
def cart_add_offer(*, cart: Cart, offer_id, quantity, product_id=None) -> CartLine:
    """Add ``quantity`` of an offer to the cart and return its line.

    An offer saved for later comes back to the cart with the quantity added.
    With ``product_id`` (the product page the form was on) an offer of another
    product is refused.
    """
    quantity = parse_quantity(quantity)
    offer = _offer_for_sale(offer_id, product_id=product_id)
    cart = _lock(cart)
    line = CartLine.objects.filter(cart=cart, offer=offer).first()
    if line is None and CartLine.objects.filter(cart=cart).count() >= settings.CART_MAX_LINES:
        raise ApplicationError(f"Your cart can hold at most {settings.CART_MAX_LINES} different items.")
    already = line.quantity if line is not None and not line.saved_for_later else 0
    _check_quantity(offer=offer, quantity=already + quantity, already=already)
    _check_cart_units(cart=cart, offer_id=offer.pk, quantity=already + quantity)
    if line is None:
        line = CartLine(cart=cart, offer=offer)
    line.quantity = already + quantity
    line.saved_for_later = False
    line.price_seen_amount = offer.price_amount
    line.save()
    line.offer = offer
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, offer_id, quantity) -> CartLine:
    """Change the quantity of a line in the cart."""
    quantity = parse_quantity(quantity)
    cart = _lock(cart)
    line = _line_for(cart, offer_id)
    if not line.saved_for_later:
        offer = _offer_for_sale(line.offer_id)
        _check_quantity(offer=offer, quantity=quantity)
        _check_cart_units(cart=cart, offer_id=offer.pk, quantity=quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_remove_offer(*, cart: Cart, offer_id) -> CartLine | None:
    """Remove an offer's line from the cart; return the removed line (None if it was not there)."""
    cart = _lock(cart)
    try:
        line = _line_for(cart, offer_id)
    except ApplicationError:
        return None
    line.delete()
    return line


@transaction.atomic
def cart_save_for_later(*, cart: Cart, offer_id) -> CartLine:
    """Move a line out of the cart into Saved for later (kept, not bought, not counted)."""
    cart = _lock(cart)
    line = _line_for(cart, offer_id)
    if not line.saved_for_later:
        line.saved_for_later = True
        line.save(update_fields=["saved_for_later"])
    return line


@transaction.atomic
def cart_move_to_cart(*, cart: Cart, offer_id) -> CartLine:
    """Move a line saved for later back into the cart, if its offer can be bought.

    A quantity above the stock left is lowered by the next review, which says so.
    """
    cart = _lock(cart)
    line = _line_for(cart, offer_id)
    if line.saved_for_later:
        offer = _offer_for_sale(line.offer_id)
        _check_cart_units(cart=cart, offer_id=offer.pk, quantity=line.quantity)
        line.saved_for_later = False
        line.save(update_fields=["saved_for_later"])
    return line


@transaction.atomic
def cart_remove_lines(*, cart: Cart, offer_ids) -> int:
    """Remove the active lines of these offers (after an order for them is placed)."""
    cart = _lock(cart)
    deleted, _ = CartLine.objects.filter(
        cart=cart, offer_id__in=list(offer_ids), saved_for_later=False
    ).delete()
    return deleted


def _merged_line(*, line: CartLine, extra: CartLine) -> None:
    """Fold ``extra`` (the guest's line) into ``line`` (the shopper's, same offer)."""
    if line.saved_for_later == extra.saved_for_later:
        line.quantity += extra.quantity
    elif line.saved_for_later:  # the guest had it in the cart: it goes to the cart
        line.quantity, line.saved_for_later = extra.quantity, False
    line.quantity = min(line.quantity, _max_per_line())
    if not line.saved_for_later and line.offer.available > 0:
        line.quantity = min(line.quantity, line.offer.available)
    line.price_seen_amount = extra.price_seen_amount


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Merge ``source`` (a guest cart) into ``target`` and delete ``source``.

    Quantities of an offer in both add up, capped by the per-line limit and the
    stock; a line is in the cart if either cart had it there; saved-for-later
    lines stay saved. Past the cart's line limit the rest are dropped; past its
    unit limit the rest are saved for later.
    """
    if source.pk == target.pk:
        return target
    for cart in sorted([source, target], key=lambda c: c.pk):
        _lock(cart)
    lines = {line.offer_id: line for line in _load_lines(target)}
    new_lines, line_count = [], len(lines)
    for extra in _load_lines(source):
        line = lines.get(extra.offer_id)
        if line is not None:
            _merged_line(line=line, extra=extra)
        elif line_count < settings.CART_MAX_LINES:
            quantity = min(extra.quantity, _max_per_line())
            if not extra.saved_for_later and extra.offer.available > 0:
                quantity = min(quantity, extra.offer.available)
            line = CartLine(
                cart=target,
                offer=extra.offer,
                quantity=quantity,
                saved_for_later=extra.saved_for_later,
                price_seen_amount=extra.price_seen_amount,
            )
            lines[extra.offer_id] = line
            new_lines.append(line)
            line_count += 1
    units = 0
    for line in sorted(lines.values(), key=lambda line: line.pk is None):  # the shopper's lines first
        if not line.saved_for_later and units + line.quantity > settings.CART_MAX_UNITS:
            line.saved_for_later = True
        units += 0 if line.saved_for_later else line.quantity
    source.delete()
    CartLine.objects.bulk_update(
        [line for line in lines.values() if line.pk is not None],
        ["quantity", "saved_for_later", "price_seen_amount"],
    )
    CartLine.objects.bulk_create(new_lines)
    return target


def cart_merge_guest_cart(*, user, guest_cart_id) -> Cart | None:
    """Merge the guest cart ``guest_cart_id`` into ``user``'s cart (on sign-in).

    Return the user's cart, or None when there was no guest cart or it was empty.
    """
    source = Cart.objects.filter(pk=guest_cart_id, user__isnull=True).first()
    if source is None:
        return None
    if not source.lines.exists():
        source.delete()
        return None
    with transaction.atomic():
        target = Cart.objects.get_or_create(user=user)[0]
        return cart_merge(source=source, target=target)
