"""Writes to the catalog: keyword-only, one transaction each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import IntegrityError, transaction

from catalog import images
from catalog.buybox import buy_box_winner, candidate_from_offer, offers_with_availability
from catalog.cache import page_versions_bump
from catalog.models import Category, Offer, Product, ProductImage
from catalog.search.elasticsearch import search_index_es_enqueue
from catalog.search.indexing import search_index_refresh
from catalog.selectors import NAVIGATION_CACHE_KEY
from marketplace.core import events
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters
from marketplace.core.money import CENT
from sellers.models import Seller


@transaction.atomic
def category_create(*, name: str, slug: str, parent: Category | None = None, **fields) -> Category:
    """Create a category and set its materialised path."""
    category = Category.objects.create(name=name, slug=slug, parent=parent, **fields)
    prefix = parent.path if parent else ""
    category.path = f"{prefix}{category.pk}/"
    category.depth = parent.depth + 1 if parent else 0
    category.save(update_fields=["path", "depth"])
    cache.delete(NAVIGATION_CACHE_KEY)
    return category


def _discount_percent(price: Decimal | None, list_price: Decimal | None) -> int:
    if price is None or not list_price or price >= list_price:
        return 0
    return int((list_price - price) * 100 / list_price)


@dataclass
class _Deferred:
    product_ids: set[int] = field(default_factory=set)
    offer_ids: set[int] = field(default_factory=set)


_deferred: ContextVar[_Deferred | None] = ContextVar("catalog_refreshes_deferred", default=None)
DEFERRED_CHUNK = 500


@contextmanager
def catalog_refreshes_deferred() -> Iterator[None]:
    """Hold back buy-box refreshes and ``offer.changed`` events until the block ends.

    For bulk work (a seller's import of thousands of rows): inside the block,
    ``product_refresh_buy_box`` and the offer services only note the products and
    offers they touched; at the end each product is refreshed once and one event
    is emitted per chunk of 500, instead of four queries and an event per row. The
    refresh runs even when the block fails, for whatever was committed before.
    Until then the storefront shows the products as they were.
    """
    if _deferred.get() is not None:
        yield
        return
    collected = _Deferred()
    token = _deferred.set(collected)
    try:
        yield
    finally:
        _deferred.reset(token)
        product_ids = sorted(collected.product_ids)
        offer_ids = sorted(collected.offer_ids)
        for start in range(0, max(len(product_ids), len(offer_ids)), DEFERRED_CHUNK):
            chunk = product_ids[start : start + DEFERRED_CHUNK]
            with transaction.atomic():
                if chunk:
                    product_refresh_buy_box(product_ids=chunk)
                events.emit(
                    "offer.changed", offer_ids=offer_ids[start : start + DEFERRED_CHUNK], product_ids=chunk
                )


@transaction.atomic
def product_refresh_buy_box(*, product_ids: Iterable[int]) -> int:
    """Recompute the cached buy box of these products (and their parents).

    Return the number of products updated. A parent shows the cheapest winner
    among its variations; refreshing a parent refreshes its variations too.
    Takes four queries plus the bulk update and the search refresh (two
    statements), whatever the number of products.
    """
    deferred = _deferred.get()
    if deferred is not None:  # inside catalog_refreshes_deferred: done once at its end
        deferred.product_ids.update(product_ids)
        return 0
    fields = ("id", "parent_id", "list_price_amount")
    products = {p.pk: p for p in Product.objects.filter(pk__in=set(product_ids)).only(*fields)}
    missing_parents = {p.parent_id for p in products.values() if p.parent_id} - products.keys()
    products.update({p.pk: p for p in Product.objects.filter(pk__in=missing_parents).only(*fields)})
    children_of = defaultdict(list)
    for child in Product.objects.filter(parent_id__in=list(products)).only(*fields):
        children_of[child.parent_id].append(child.pk)
        products.setdefault(child.pk, child)
    sellable_ids = {pk for pk in products if pk not in children_of}
    sellable_ids.update(c for children in children_of.values() for c in children)

    offers = offers_with_availability().filter(product_id__in=sellable_ids).select_related("seller")
    candidates = defaultdict(list)
    for offer in offers:
        candidates[offer.product_id].append((candidate_from_offer(offer), offer))

    def summary(ids):
        pairs = [pair for pk in ids for pair in candidates.get(pk, [])]
        winner = buy_box_winner(c for c, _ in pairs)
        eligible = [c for c, _ in pairs if c.is_active and c.seller_approved]
        offer = next(o for c, o in pairs if c is winner) if winner else None
        return winner, offer, len(eligible)

    updated = []
    for pk, product in products.items():
        winner, offer, count = summary(children_of.get(pk, [pk]))
        product.buy_box_offer_id = offer.pk if offer else None
        product.buy_box_price_amount = winner.landed_price if winner else None
        product.buy_box_currency = offer.currency if offer else "USD"
        product.in_stock = winner is not None
        product.offer_count = count
        product.discount_percent = _discount_percent(product.buy_box_price_amount, product.list_price_amount)
        updated.append(product)
    Product.objects.bulk_update(
        updated,
        [
            "buy_box_offer",
            "buy_box_price_amount",
            "buy_box_currency",
            "in_stock",
            "offer_count",
            "discount_percent",
        ],
        batch_size=1000,
    )
    # The search document carries price, stock and sellers: keep it in step (bulk SQL).
    search_index_refresh(product_ids=products.keys())
    # With SEARCH_BACKEND=elasticsearch, an outbox row: Celery reindexes after commit.
    search_index_es_enqueue(product_ids=products.keys())
    # Cached storefront pages showing these products (and every listing) are stale after commit.
    page_versions_bump(product_ids=products.keys())
    return len(updated)


@transaction.atomic
def category_move(*, category: Category, parent: Category | None) -> Category:
    """Move a category (and its subtree) under ``parent``, or to the top level.

    Rewrite the materialised ``path`` and ``depth`` of the category and every
    descendant in one UPDATE. Refuse to move a category under itself or one of
    its own descendants.
    """
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Concat, Substr

    from marketplace.core.errors import ApplicationError

    category = Category.objects.select_for_update().get(pk=category.pk)
    if parent is not None:
        parent = Category.objects.select_for_update().get(pk=parent.pk)
        if parent.path.startswith(category.path):
            raise ApplicationError(f"“{category}” cannot be moved under itself or one of its subcategories.")
    old_path = category.path
    new_path = f"{parent.path if parent else ''}{category.pk}/"
    depth_change = (parent.depth + 1 if parent else 0) - category.depth
    Category.objects.filter(pk=category.pk).update(parent=parent)
    Category.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()),
        depth=F("depth") + depth_change,
    )
    cache.delete(NAVIGATION_CACHE_KEY)
    category.refresh_from_db()
    return category


def product_image_renditions_create(*, product_image: ProductImage, replace: bool = False) -> list[str]:
    """Write the smaller renditions of a product picture; return their storage names.

    Call it after a ``ProductImage`` is saved with a new file (ADR 0041). It
    writes files only, so it needs no transaction.
    """
    return images.renditions_create(product_image.image.name, replace=replace)


# Offers: what a seller writes from Seller Central (catalog/seller_central/) -------------------------

# The highest price or shipping amount a listing may carry: a typo guard, far above any real item.
OFFER_AMOUNT_MAX = Decimal("1000000.00")
OFFER_HANDLING_DAYS_MAX = 30
# A used or renewed item needs a note saying what state it is in (docs/decisions/0072-seller-listings.md).
CONDITIONS_WITH_NOTE = frozenset(
    {
        Offer.Condition.REFURBISHED,
        Offer.Condition.USED_LIKE_NEW,
        Offer.Condition.USED_GOOD,
        Offer.Condition.USED_ACCEPTABLE,
    }
)


class DuplicateSku(ApplicationError):
    """The seller already has an offer with this SKU."""


def offer_amount_check(amount, *, name: str, allow_zero: bool) -> Decimal:
    """Return ``amount`` (a Decimal) as a price in cents, or refuse it with a sentence naming it."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int) or not Decimal(amount).is_finite():
        raise ApplicationError(f"The {name} must be a number, like 12.99.")
    amount = Decimal(amount)
    if amount < 0:
        raise ApplicationError(f"The {name} cannot be negative.")
    if amount == 0 and not allow_zero:
        raise ApplicationError(f"The {name} must be more than 0.")
    if amount >= OFFER_AMOUNT_MAX:
        raise ApplicationError(f"The {name} must be less than {OFFER_AMOUNT_MAX:,.2f}.")
    if amount != amount.quantize(CENT):
        raise ApplicationError(f"The {name} can have at most 2 decimals (cents).")
    return amount.quantize(CENT)


def _offer_lock(*, offer: Offer, seller: Seller) -> Offer:
    locked = Offer.objects.select_for_update().filter(pk=offer.pk, seller=seller).first()
    if locked is None:
        raise ApplicationError("That listing could not be found.")
    return locked


def _offer_changed(offer: Offer) -> None:
    """Refresh the buy box (and with it the search document and cached pages) and tell the others."""
    deferred = _deferred.get()
    if deferred is not None:  # inside catalog_refreshes_deferred: done once at its end
        deferred.product_ids.add(offer.product_id)
        deferred.offer_ids.add(offer.pk)
        return
    product_refresh_buy_box(product_ids=[offer.product_id])
    events.emit("offer.changed", offer_ids=[offer.pk], product_ids=[offer.product_id])


@transaction.atomic
def offer_update_price(
    *, offer: Offer, seller: Seller, price: Decimal, shipping: Decimal, actor=None
) -> Offer:
    """Set the price and shipping amount of one of ``seller``'s offers; return the offer.

    Lock the offer, save only the two amounts, refresh the product's buy box and
    emit ``offer.changed``. Saving the same amounts again changes nothing.
    Shoppers see the new price on the product page and in their cart, which
    says the price changed (orders.cart).
    """
    price = offer_amount_check(price, name="price", allow_zero=False)
    shipping = offer_amount_check(shipping, name="shipping amount", allow_zero=True)
    locked = _offer_lock(offer=offer, seller=seller)
    if (locked.price_amount, locked.shipping_amount) == (price, shipping):
        return locked
    before = {"price_amount": locked.price_amount, "shipping_amount": locked.shipping_amount}
    locked.price_amount, locked.shipping_amount = price, shipping
    locked.save(update_fields=["price_amount", "shipping_amount", "updated_at"])
    audit_record(
        action="offer.price_changed",
        target=locked,
        before=before,
        after={"price_amount": price, "shipping_amount": shipping},
        actor=actor,
    )
    _offer_changed(locked)
    return locked


def _offer_set_active(*, offer: Offer, seller: Seller, active: bool, actor=None) -> Offer:
    locked = _offer_lock(offer=offer, seller=seller)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active", "updated_at"])
    action = "offer.resumed" if active else "offer.paused"
    audit_record(
        action=action,
        target=locked,
        before={"is_active": not active},
        after={"is_active": active},
        actor=actor,
    )
    _offer_changed(locked)
    return locked


@transaction.atomic
def offer_pause(*, offer: Offer, seller: Seller, actor=None) -> Offer:
    """Take one of ``seller``'s offers off sale (it keeps its stock); pausing twice changes nothing."""
    return _offer_set_active(offer=offer, seller=seller, active=False, actor=actor)


@transaction.atomic
def offer_resume(*, offer: Offer, seller: Seller, actor=None) -> Offer:
    """Put a paused offer of ``seller`` back on sale; resuming twice changes nothing."""
    return _offer_set_active(offer=offer, seller=seller, active=True, actor=actor)


def product_is_buyable(product: Product) -> bool:
    """Whether a seller can offer ``product``: active, not the parent of a variation family, and
    (for a variation) with an active parent. Needs ``product.parent`` loaded."""
    if not product.is_active or product.is_parent:
        return False
    return product.parent_id is None or product.parent.is_active


def _offer_fields_check(*, sku, condition, condition_note, handling_days) -> tuple[str, str, str, int]:
    sku = (sku or "").strip() if isinstance(sku, str) or sku is None else ""
    if not sku:
        raise ApplicationError("Enter a SKU: your own code for this listing.")
    if len(sku) > 64 or has_control_characters(sku):
        raise ApplicationError("A SKU is at most 64 letters, digits or signs, on one line.")
    if condition not in Offer.Condition.values:
        raise ApplicationError("Choose one of the conditions in the list.")
    note = (condition_note or "").strip() if isinstance(condition_note, str) or condition_note is None else ""
    if has_control_characters(note) or len(note) > 300:
        raise ApplicationError("The condition note is one line of at most 300 characters.")
    if condition in CONDITIONS_WITH_NOTE and not note:
        label = Offer.Condition(condition).label
        raise ApplicationError(f"Say what state the item is in: a “{label}” item needs a condition note.")
    if isinstance(handling_days, bool) or not isinstance(handling_days, int):
        raise ApplicationError("The handling time is a whole number of days.")
    if not 0 <= handling_days <= OFFER_HANDLING_DAYS_MAX:
        raise ApplicationError(f"The handling time is from 0 to {OFFER_HANDLING_DAYS_MAX} days.")
    return sku, condition, note, handling_days


@transaction.atomic
def offer_create(
    *,
    seller: Seller,
    product: Product,
    sku: str,
    condition: str,
    condition_note: str,
    price: Decimal,
    shipping: Decimal,
    handling_days: int,
) -> Offer:
    """Create ``seller``'s offer of an existing ``product``; return it.

    Refuse a seller that is not approved, a product that cannot be bought
    (inactive, or the parent of a variation family: offer one of its
    variations), a SKU the seller already uses, and bad amounts. The new offer
    has no stock: it cannot win the buy box until the seller adds units
    (fulfillment's inventory pages). Emit ``offer.changed``.
    """
    sku, condition, note, handling_days = _offer_fields_check(
        sku=sku, condition=condition, condition_note=condition_note, handling_days=handling_days
    )
    price = offer_amount_check(price, name="price", allow_zero=False)
    shipping = offer_amount_check(shipping, name="shipping amount", allow_zero=True)
    # Lock the seller: a suspension that commits meanwhile waits for this offer, or this waits for it.
    locked_seller = Seller.objects.select_for_update().filter(pk=seller.pk).first()
    if locked_seller is None or locked_seller.status != Seller.Status.APPROVED:
        raise ApplicationError("Only approved sellers can list products.")
    product = Product.objects.select_related("parent").filter(pk=product.pk).first()
    # A product this seller submitted and staff have not reviewed yet takes its first offer
    # (catalog.submissions, ADRs 0081 and 0095): a standalone one, or a variation of the seller's
    # own pending family; it stays hidden until approved.
    own_submission = (
        product is not None
        and product.review_status == Product.ReviewStatus.PENDING
        and product.submitted_by_seller_id == locked_seller.pk
        and not product.is_parent
        and (
            product.parent_id is None
            or (
                product.parent.review_status == Product.ReviewStatus.PENDING
                and product.parent.submitted_by_seller_id == locked_seller.pk
            )
        )
    )
    if product is None or not (product_is_buyable(product) or own_submission):
        raise ApplicationError(
            "This product cannot be offered: choose an active product"
            " (for a product with variations, one of its variations)."
        )
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                seller=locked_seller,
                product=product,
                sku=sku,
                condition=condition,
                condition_note=note,
                price_amount=price,
                shipping_amount=shipping,
                handling_days=handling_days,
            )
    except IntegrityError as error:
        if _constraint_name(error) == "unique_sku_per_seller":
            raise DuplicateSku(
                f"You already have a listing with the SKU “{sku}”: choose another SKU."
            ) from None
        raise
    _offer_changed(offer)
    return offer


def _constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)
