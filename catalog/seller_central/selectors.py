"""Reads of one seller's listings, always scoped by ``seller=``.

A page of listings is three queries (count, rows, first pictures) whatever
its length: stock comes from the ``stocks`` reverse relation (catalog never
imports fulfillment), the buy-box standing from the cached ``Product.buy_box_*``
fields, and what would win the buy box is worked out from them in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from catalog.buybox import offers_with_availability
from catalog.models import Offer, Product
from catalog.selectors import card_image_prefetch
from catalog.services import product_is_buyable
from marketplace.core.money import CENT
from sellers.models import Seller

SORTS = {
    "newest": ("Newest first", (F("created_at").desc(), F("id").desc())),
    "title": ("Title A-Z", ("product__title", "id")),
    "price_asc": ("Price: low to high", ("price_amount", "id")),
    "price_desc": ("Price: high to low", (F("price_amount").desc(), F("id").desc())),
    "stock_asc": ("Fewest units first", ("available", "id")),
    "sku": ("SKU", ("sku", "id")),
}
SORT_DEFAULT = "newest"
STATUSES = {"active": "Active", "paused": "Paused"}
BUY_BOX = {"won": "Buy box held", "lost": "Buy box not held"}

LISTING_FIELDS = (
    "id",
    "seller_id",
    "sku",
    "condition",
    "condition_note",
    "price_amount",
    "shipping_amount",
    "currency",
    "handling_days",
    "is_active",
    "created_at",
    "product__id",
    "product__slug",
    "product__title",
    "product__is_active",
    "product__parent_id",
    "product__variation_theme",
    "product__variant_attributes",
    "product__buy_box_offer_id",
    "product__buy_box_price_amount",
    "product__buy_box_currency",
    "product__parent__id",
    "product__parent__title",
)


@dataclass(frozen=True)
class ListingFilters:
    """What the seller narrowed its listings by (already validated)."""

    query: str = ""
    status: str = ""  # "", "active" or "paused"
    buy_box: str = ""  # "", "won" or "lost"
    out_of_stock: bool = False
    sort: str = SORT_DEFAULT


def _stock_model():
    """``fulfillment.Stock``, reached through the reverse relation rather than an import."""
    return Offer._meta.get_field("stocks").related_model


def _has_units() -> Exists:
    """Whether an offer has a unit to sell: a stock row with more on hand than reserved."""
    return Exists(_stock_model().objects.filter(offer=OuterRef("pk"), on_hand__gt=F("reserved")))


def offer_list_for_seller_central(
    *, seller: Seller, filters: ListingFilters | None = None
) -> QuerySet[Offer]:
    """The seller's offers (active and paused), filtered and sorted, each with ``available`` units,
    ``winner_eligible`` (whether the buy-box holder's seller is in good standing on its
    scorecard), its product and family, and their first pictures (``product.card_images``,
    ``product.parent.card_images``)."""
    filters = filters or ListingFilters()
    queryset = offers_with_availability(Offer.objects.filter(seller=seller)).annotate(
        winner_eligible=F("product__buy_box_offer__seller__buy_box_eligible")
    )
    for word in filters.query.split()[:8]:
        queryset = queryset.filter(Q(product__title__icontains=word) | Q(sku__icontains=word))
    if filters.status == "active":
        queryset = queryset.filter(is_active=True)
    elif filters.status == "paused":
        queryset = queryset.filter(is_active=False)
    if filters.buy_box == "won":
        queryset = queryset.filter(product__buy_box_offer_id=F("id"))
    elif filters.buy_box == "lost":
        queryset = queryset.exclude(product__buy_box_offer_id=F("id"))
    if filters.out_of_stock:
        queryset = queryset.exclude(_has_units())
    ordering = SORTS.get(filters.sort, SORTS[SORT_DEFAULT])[1]
    return (
        queryset.select_related("product", "product__parent")
        .only(*LISTING_FIELDS)
        .prefetch_related(
            card_image_prefetch("product__images"), card_image_prefetch("product__parent__images")
        )
        .order_by(*ordering)
    )


def offer_get_for_seller(*, seller: Seller, pk: int) -> Offer:
    """One of the seller's offers with what its listing row shows, or Http404 (another
    seller's offer and an offer that does not exist look the same)."""
    offer = (
        offer_list_for_seller_central(seller=seller).filter(pk=pk).first() if isinstance(pk, int) else None
    )
    if offer is None:
        raise Http404("No such listing.")
    return offer


@dataclass(frozen=True)
class BuyBoxStanding:
    """Where one listing stands in its product's buy box, in words a seller acts on."""

    holds: bool
    price_to_win: Decimal | None = None  # the item price that would win, shipping unchanged
    landed_to_win: Decimal | None = None  # the price + shipping that would win
    notes: tuple[str, ...] = ()


def buy_box_standing(offer: Offer, *, seller: Seller) -> BuyBoxStanding:
    """Say whether ``offer`` holds the buy box and, if not, what price would win it.

    The rule is catalog.buybox's: the lowest landed price (price + shipping) among
    active, in-stock offers of approved sellers, sellers in good standing on their
    scorecard first. One cent below the holder's landed price wins on price; price
    alone cannot win for a paused or out-of-stock offer, a seller that is not
    approved, or one past a scorecard threshold (while the holder is not).
    Needs the annotations of ``offer_list_for_seller_central``.
    """
    product = offer.product
    if product.buy_box_offer_id == offer.pk:
        return BuyBoxStanding(holds=True)
    notes = []
    if not product.is_active:
        notes.append("The product is not on sale: the marketplace took its page down.")
    if not offer.is_active:
        notes.append("Paused: resume the listing to compete.")
    if offer.available <= 0:
        notes.append("Out of stock: a listing without units cannot win.")
    if seller.status != Seller.Status.APPROVED:
        notes.append("Your account is not approved, so your listings cannot win.")
    holder_eligible = product.buy_box_offer_id is not None and offer.winner_eligible is not False
    if not seller.buy_box_eligible and holder_eligible:
        notes.append("Your performance is past a scorecard threshold: price alone cannot win.")
    if product.buy_box_offer_id is None or product.buy_box_price_amount is None:
        if not notes:
            notes.append("No listing holds the buy box yet; it is refreshed within moments.")
        return BuyBoxStanding(holds=False, notes=tuple(notes))
    if seller.buy_box_eligible and not holder_eligible:
        # The holder is past a threshold and yours is not: any price wins once you can sell.
        return BuyBoxStanding(holds=False, notes=tuple(notes))
    landed = product.buy_box_price_amount - CENT
    price = landed - offer.shipping_amount
    if price < CENT:
        notes.append("Your shipping alone is above the winning price: lower your shipping amount to compete.")
        return BuyBoxStanding(holds=False, landed_to_win=landed, notes=tuple(notes))
    return BuyBoxStanding(holds=False, price_to_win=price, landed_to_win=landed, notes=tuple(notes))


def listing_rows(offers, *, seller: Seller) -> list[Offer]:
    """The offers of a page, each with ``standing`` (its ``BuyBoxStanding``) for the template."""
    offers = list(offers)
    for offer in offers:
        offer.standing = buy_box_standing(offer, seller=seller)
    return offers


def listing_summary(*, seller: Seller) -> dict[str, int]:
    """Counts for the dashboard card, in one query: active, paused, buy boxes held, and active
    listings out of stock."""
    return Offer.objects.filter(seller=seller).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
        paused=Count("id", filter=Q(is_active=False)),
        buy_boxes=Count("id", filter=Q(product__buy_box_offer_id=F("id"))),
        out_of_stock=Count("id", filter=Q(is_active=True) & ~Q(_has_units())),
    )


def seller_has_offer(seller: Seller) -> bool:
    return Offer.objects.filter(seller=seller).exists()


def product_ids_offered(*, seller: Seller, product_ids) -> set[int]:
    """Which of these products the seller already offers (one query, none for no ids)."""
    if not product_ids:
        return set()
    return set(
        Offer.objects.filter(seller=seller, product_id__in=product_ids).values_list("product_id", flat=True)
    )


# Finding a product to offer --------------------------------------------------------------------

SEARCH_LIMIT = 20
PRODUCT_FIELDS = (
    "id",
    "slug",
    "title",
    "gtin",
    "is_active",
    "parent_id",
    "variation_theme",
    "variant_attributes",
    "buy_box_price_amount",
    "buy_box_currency",
    "offer_count",
    "brand",
    "brand__name",
    "parent__id",
    "parent__title",
    "parent__is_active",
    "parent__variation_theme",
)


def _buyable() -> Q:
    not_a_parent = Q(variation_theme="") | Q(parent__isnull=False)
    return Q(is_active=True) & not_a_parent & (Q(parent__isnull=True) | Q(parent__is_active=True))


def _product_queryset() -> QuerySet[Product]:
    """Buyable products with their brand, family and first picture (the family's as well)."""
    return (
        Product.objects.filter(_buyable())
        .select_related("brand", "parent")
        .only(*PRODUCT_FIELDS)
        .prefetch_related(card_image_prefetch("images"), card_image_prefetch("parent__images"))
    )


def is_gtin(text: str) -> bool:
    return text.isascii() and text.isdigit() and 8 <= len(text) <= 14


def product_search_for_offer(*, query: str) -> list[Product]:
    """Buyable products matching ``query``: an exact GTIN (8 to 14 digits: the product, or every
    variation of a family with that GTIN), else every word in the title, the family's title or
    the brand; at most ``SEARCH_LIMIT``, best sellers first. Three queries."""
    query = query.strip()
    if not query:
        return []
    if is_gtin(query):
        matches = Q(gtin=query) | Q(parent__gtin=query)
    else:
        matches = Q()
        for word in query.split()[:8]:
            matches &= (
                Q(title__icontains=word) | Q(parent__title__icontains=word) | Q(brand__name__icontains=word)
            )
    return list(_product_queryset().filter(matches).order_by(F("sales_count").desc(), "id")[:SEARCH_LIMIT])


def product_get_for_offer(*, pk: int) -> Product | None:
    """The buyable product a seller picked, with its picture, or None."""
    product = _product_queryset().filter(pk=pk).first()
    return product if product is not None and product_is_buyable(product) else None
