"""Writes to the catalog: keyword-only, one transaction each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction

from catalog import images
from catalog.buybox import buy_box_winner, candidate_from_offer, offers_with_availability
from catalog.cache import page_versions_bump
from catalog.models import Category, Product, ProductImage
from catalog.search.elasticsearch import search_index_es_enqueue
from catalog.search.indexing import search_index_refresh
from catalog.selectors import NAVIGATION_CACHE_KEY


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


@transaction.atomic
def product_refresh_buy_box(*, product_ids: Iterable[int]) -> int:
    """Recompute the cached buy box of these products (and their parents).

    Return the number of products updated. A parent shows the cheapest winner
    among its variations; refreshing a parent refreshes its variations too.
    Takes four queries plus the bulk update and the search refresh (two
    statements), whatever the number of products.
    """
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
