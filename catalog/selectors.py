"""Reads of the catalog: querysets with related rows already fetched.

Every storefront page reads through these functions, so each one fetches what
its template shows in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, QuerySet
from django.http import Http404

from catalog.buybox import (
    buy_box_winner,
    candidate_from_offer,
    eligible_offer_filter,
    offers_with_availability,
)
from catalog.models import LISTED, Category, Offer, Product, ProductImage
from sellers.models import Seller

NAVIGATION_CACHE_KEY = "catalog:navigation:v1"

# What a product card shows; anything else would be a query per card.
CARD_FIELDS = (
    "id",
    "slug",
    "title",
    "parent_id",
    "variation_theme",
    "brand",
    "brand__name",
    "rating_average",
    "rating_count",
    "list_price_amount",
    "buy_box_price_amount",
    "buy_box_currency",
    "discount_percent",
    "offer_count",
    "in_stock",
)
IMAGE_FIELDS = ("id", "product_id", "image", "width", "height", "alt_text", "position")

SORT_FEATURED = "featured"
SORT_ORDERINGS = {
    SORT_FEATURED: (F("sales_count").desc(), "id"),
    "price_asc": (F("buy_box_price_amount").asc(nulls_last=True), "id"),
    "price_desc": (F("buy_box_price_amount").desc(nulls_last=True), "id"),
    "rating": (F("rating_average").desc(), F("rating_count").desc(), "id"),
    "newest": (F("created_at").desc(), F("id").desc()),
}


@dataclass(frozen=True)
class ProductFilters:
    """What a shopper narrowed a product list by (already validated)."""

    sort: str = SORT_FEATURED
    brands: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    rating_min: int | None = None


@dataclass
class BrandFacet:
    id: int
    name: str
    slug: str
    count: int
    selected: bool = False


@dataclass
class ProductPage:
    """Everything the product page shows, fetched in a fixed number of queries."""

    product: Product
    ancestors: list[Category]
    images: list[ProductImage]
    attributes: dict
    variants: list[Product]
    selected_variant: Product | None
    buy_box: Offer | None
    other_offers: list[Offer] = field(default_factory=list)
    variation_theme: str = ""


def category_navigation() -> list[Category]:
    """Return the active top-level categories for the header, cached briefly."""
    categories = cache.get(NAVIGATION_CACHE_KEY)
    if categories is None:
        categories = list(
            Category.objects.filter(parent__isnull=True, is_active=True)
            .only("id", "name", "slug", "position")
            .order_by("position", "name")
        )
        cache.set(NAVIGATION_CACHE_KEY, categories, 300)
    return categories


def category_get(*, slug: str) -> Category:
    """Return the active category with this slug, or raise Http404."""
    category = Category.objects.filter(slug=slug, is_active=True).first()
    if category is None:
        raise Http404("No such category.")
    return category


def category_ancestors(*, category: Category) -> list[Category]:
    """Return the category's ancestors, root first, read from its path."""
    ids = [int(pk) for pk in category.path.split("/") if pk][:-1]
    if not ids:
        return []
    return list(Category.objects.filter(pk__in=ids).only("id", "name", "slug", "depth").order_by("depth"))


def category_children(*, category: Category) -> list[Category]:
    return list(
        Category.objects.filter(parent=category, is_active=True)
        .only("id", "name", "slug", "parent_id")
        .order_by("position", "name")
    )


def _subtree_ids(category: Category) -> QuerySet:
    return Category.objects.filter(path__startswith=category.path, is_active=True).values("id")


def card_image_prefetch(lookup: str = "images") -> Prefetch:
    """Prefetch the first image of each product into ``card_images``."""
    return Prefetch(
        lookup,
        queryset=ProductImage.objects.only(*IMAGE_FIELDS).order_by("position", "id")[:1],
        to_attr="card_images",
    )


def product_card_queryset() -> QuerySet[Product]:
    """Listed products (parents and standalone ones) with what a card shows."""
    return (
        Product.objects.filter(LISTED)
        .select_related("brand")
        .only(*CARD_FIELDS)
        .prefetch_related(card_image_prefetch())
    )


def product_list_for_category(*, category: Category, filters: ProductFilters, brand_ids=None) -> QuerySet:
    """Return the listed products of a category and its descendants, filtered and sorted.

    ``brand_ids`` are the ids of ``filters.brands`` when the caller already
    resolved them (see ``brand_facets_for_category``); otherwise the slugs are
    matched through the brand table.
    """
    queryset = product_card_queryset().filter(category__in=_subtree_ids(category))
    return product_list_filter(queryset, filters=filters, brand_ids=brand_ids)


def product_list_filter(queryset: QuerySet, *, filters: ProductFilters, brand_ids=None) -> QuerySet:
    if brand_ids is not None:
        queryset = queryset.filter(brand_id__in=brand_ids)
    elif filters.brands:
        queryset = queryset.filter(brand__slug__in=filters.brands)
    if filters.price_min is not None:
        queryset = queryset.filter(buy_box_price_amount__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(buy_box_price_amount__lte=filters.price_max)
    if filters.rating_min is not None:
        queryset = queryset.filter(rating_average__gte=filters.rating_min)
    ordering = SORT_ORDERINGS.get(filters.sort, SORT_ORDERINGS[SORT_FEATURED])
    return queryset.order_by(*ordering)


def brand_facets_for_category(*, category: Category, selected: tuple[str, ...] = ()) -> list[BrandFacet]:
    """Return the brands of the listed products in a category subtree, with counts."""
    rows = (
        Product.objects.filter(LISTED, category__in=_subtree_ids(category), brand__isnull=False)
        .values("brand_id", "brand__name", "brand__slug")
        .annotate(count=Count("id"))
        .order_by("brand__name")
    )
    return [
        BrandFacet(
            id=row["brand_id"],
            name=row["brand__name"],
            slug=row["brand__slug"],
            count=row["count"],
            selected=row["brand__slug"] in selected,
        )
        for row in rows
    ]


def product_bestsellers(*, limit: int = 8) -> list[Product]:
    """In-stock listed products that sold most (no images prefetched)."""
    return list(
        Product.objects.filter(LISTED, in_stock=True)
        .select_related("brand")
        .only(*CARD_FIELDS)
        .order_by(F("sales_count").desc(), "id")[:limit]
    )


def product_deals(*, limit: int = 8) -> list[Product]:
    """In-stock listed products with the deepest discount (no images prefetched)."""
    return list(
        Product.objects.filter(LISTED, in_stock=True, discount_percent__gt=0)
        .select_related("brand")
        .only(*CARD_FIELDS)
        .order_by(F("discount_percent").desc(), F("sales_count").desc(), "id")[:limit]
    )


PRODUCT_PAGE_FIELDS = (
    "id",
    "slug",
    "title",
    "description",
    "attributes",
    "variation_theme",
    "variant_attributes",
    "list_price_amount",
    "rating_average",
    "rating_count",
    "buy_box_offer_id",
    "buy_box_price_amount",
    "buy_box_currency",
    "discount_percent",
    "offer_count",
    "in_stock",
    "brand",
    "brand__name",
    "brand__slug",
    "category",
    "category__id",
    "category__name",
    "category__slug",
    "category__path",
    "parent",
    "parent__id",
    "parent__slug",
    "parent__title",
    "parent__attributes",
    "parent__variation_theme",
    "parent__is_active",
    "parent__rating_average",
    "parent__rating_count",
)
VARIANT_FIELDS = (
    "id",
    "slug",
    "title",
    "parent_id",
    "variant_attributes",
    "buy_box_offer_id",
    "buy_box_price_amount",
    "buy_box_currency",
    "in_stock",
)


def product_offers(*, product_ids) -> list[Offer]:
    """Active offers of approved sellers for these products, cheapest landed first,
    each annotated with ``available`` units and with its seller loaded."""
    queryset = (
        offers_with_availability(Offer.objects.filter(eligible_offer_filter(), product_id__in=product_ids))
        .select_related("seller")
        .only(
            "id",
            "product_id",
            "price_amount",
            "shipping_amount",
            "currency",
            "condition",
            "condition_note",
            "handling_days",
            "fulfilled_by_marketplace",
            "is_active",
            "seller__id",
            "seller__name",
            "seller__slug",
            "seller__status",
            "seller__rating_average",
            "seller__rating_count",
            "seller__buy_box_eligible",
        )
        .order_by(F("price_amount") + F("shipping_amount"), "id")
    )
    return list(queryset)


def _pick_buy_box(offers: list[Offer], cached_offer_id: int | None) -> Offer | None:
    """Return the cached buy-box offer if it can still be bought, else the live winner."""
    by_id = {offer.pk: offer for offer in offers}
    cached = by_id.get(cached_offer_id)
    if cached is not None and cached.available > 0:
        return cached
    winner = buy_box_winner(candidate_from_offer(offer) for offer in offers)
    return by_id[winner.offer_id] if winner else None


def product_page_get(*, slug: str) -> ProductPage:
    """Return everything the product page shows, or raise Http404.

    Five queries at most (product, ancestors, images, variations, offers),
    whatever the number of images, variations or offers.
    """
    product = (
        Product.objects.filter(slug=slug, is_active=True)
        .select_related("brand", "category", "parent")
        .only(*PRODUCT_PAGE_FIELDS)
        .first()
    )
    if product is None or (product.parent is not None and not product.parent.is_active):
        raise Http404("No such product.")
    parent = product.parent

    images = list(
        ProductImage.objects.filter(product_id__in=[pk for pk in (product.pk, product.parent_id) if pk])
        .only(*IMAGE_FIELDS)
        .order_by("position", "id")
    )
    own_images = [image for image in images if image.product_id == product.pk]
    images = own_images or images

    variants: list[Product] = []
    family_id = product.pk if product.is_parent else product.parent_id
    if family_id:
        variants = list(
            Product.objects.filter(parent_id=family_id, is_active=True).only(*VARIANT_FIELDS).order_by("id")
        )

    if product.is_parent:
        offers = product_offers(product_ids=[variant.pk for variant in variants])
        buy_box = _pick_buy_box(offers, product.buy_box_offer_id)
        selected = next((v for v in variants if buy_box and v.pk == buy_box.product_id), None)
        if selected is None:
            selected = next((v for v in variants if v.in_stock), variants[0] if variants else None)
        offers = [offer for offer in offers if selected and offer.product_id == selected.pk]
    else:
        offers = product_offers(product_ids=[product.pk])
        buy_box = _pick_buy_box(offers, product.buy_box_offer_id)
        selected = product if parent else None

    attributes = {**(parent.attributes if parent else {}), **product.attributes}
    if selected is not None:
        attributes.update(selected.variant_attributes)

    return ProductPage(
        product=product,
        ancestors=category_ancestors(category=product.category) + [product.category],
        images=images,
        attributes=attributes,
        variants=variants,
        selected_variant=selected,
        buy_box=buy_box,
        other_offers=[offer for offer in offers if offer is not buy_box],
        variation_theme=product.variation_theme or (parent.variation_theme if parent else ""),
    )


def offer_list_for_seller(*, seller: Seller) -> QuerySet[Offer]:
    """Return a seller's active listings of active products, newest first.

    Each offer carries ``available`` units and its product with brand and first
    image (``product.card_images``), so a page of them is three queries with the
    count.
    """
    return (
        offers_with_availability(Offer.objects.filter(seller=seller, is_active=True, product__is_active=True))
        .select_related("product", "product__brand")
        .only(
            "id",
            "product",
            "price_amount",
            "shipping_amount",
            "currency",
            "condition",
            "product__id",
            "product__slug",
            "product__title",
            "product__parent_id",
            "product__variation_theme",
            "product__variant_attributes",
            "product__rating_average",
            "product__rating_count",
            "product__brand",
            "product__brand__name",
        )
        .prefetch_related(card_image_prefetch("product__images"))
        .order_by(F("created_at").desc(), F("id").desc())
    )
