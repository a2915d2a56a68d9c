"""Reading the demo catalog back, a batch of units at a time, as the plan needs it.

A unit is a top-level demo product (its slug ends in ``-<unit index>``, see
``marketplace.demo.seed``) with its variations, their offers and, for each
offer, the stock row it ships from. Four queries per batch.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from catalog.models import Brand, Category, Offer, Product
from fulfillment.models import Stock
from marketplace.demo import vocabulary as v
from marketplace.demo.generator import category_slug, image_name
from marketplace.demo.reviews.phrases import KIND_OF_FAMILY, KIND_OF_SUB
from marketplace.demo.reviews.plan import FamilyRows, OfferRow, ProductRow

UNIT = re.compile(r"-([0-9]{1,9})$")
BATCH = 1000


@dataclass(frozen=True)
class CatalogWords:
    """Per category and brand: the kind of review, the nouns and the pictures of the demo catalog."""

    places: dict[int, tuple[int, int]]  # leaf category id -> (top index, sub index)
    brands: dict[int, str]

    @classmethod
    def load(cls) -> CatalogWords:
        slugs = {
            category_slug(top, sub): (top, sub)
            for top, top_cat in enumerate(v.TOP_CATEGORIES)
            for sub in range(len(top_cat.subs))
        }
        places = {pk: slugs[slug] for pk, slug in Category.objects.values_list("pk", "slug") if slug in slugs}
        return cls(places=places, brands=dict(Brand.objects.values_list("pk", "name")))


def highest_unit_index() -> int | None:
    """The index of the last unit of the catalog (as ``seed.next_unit_index`` reads it), None if empty."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(substring(slug from '-([0-9]{1,9})$')::bigint) "
            "FROM catalog_product WHERE parent_id IS NULL"
        )
        return cursor.fetchone()[0]


def unit_batches(*, batch: int = BATCH) -> Iterator[list[tuple[int, int]]]:
    """``[(unit index, product id), ...]`` of the catalog's units, in batches, oldest first."""
    last, seen = 0, set()
    while True:
        rows = list(
            Product.objects.filter(parent=None, pk__gt=last, submitted_by_seller=None)
            .order_by("pk")
            .values_list("pk", "slug")[:batch]
        )
        if not rows:
            return
        last = rows[-1][0]
        units = []
        for pk, slug in rows:
            match = UNIT.search(slug)
            if match and int(match[1]) not in seen:
                seen.add(int(match[1]))
                units.append((int(match[1]), pk))
        yield units


def _lower(word: str) -> str:
    """ "Smart" -> "smart", but "TV", "4K" and "USB-C" stay as they are."""
    return word.lower() if word[1:] == word[1:].lower() else word


def product_noun(title: str, kind: str, top: int, sub: int) -> str:
    """What the buyer calls it: the subcategory's noun in the title ("the wireless mouse")."""
    if kind in ("book", "cookbook", "kids_book"):
        return "book"
    if kind == "film":
        return "series" if "Series" in title else "film"
    nouns = sorted(v.TOP_CATEGORIES[top].subs[sub].nouns, key=len, reverse=True)
    noun = next((n for n in nouns if n in title), nouns[-1])
    return " ".join(_lower(word) for word in noun.split())


def _product_row(row: dict) -> ProductRow:
    return ProductRow(
        id=row["id"],
        category_id=row["category_id"],
        title=row["title"],
        created_at=row["created_at"],
        weight_grams=row["weight_grams"],
        tax_class=row["tax_class"],
        attributes=row["attributes"] or {},
        variant_attributes=row["variant_attributes"] or {},
    )


def family_rows(units: list[tuple[int, int]], words: CatalogWords) -> list[FamilyRows]:
    """The units' families as the plan reads them; units outside the demo categories are left out."""
    tops = {pk: k for k, pk in units}
    fields = (
        "id",
        "parent_id",
        "category_id",
        "brand_id",
        "title",
        "created_at",
        "weight_grams",
        "tax_class",
        "attributes",
        "variant_attributes",
    )
    products = list(Product.objects.filter(pk__in=tops).values(*fields)) + list(
        Product.objects.filter(parent_id__in=tops).order_by("pk").values(*fields)
    )
    children = defaultdict(list)
    for row in products:
        if row["parent_id"]:
            children[row["parent_id"]].append(row)
    sellable = {row["id"] for row in products if not children.get(row["id"]) and row["id"] not in tops}
    sellable |= {pk for pk in tops if not children.get(pk)}
    offers = _offers(sellable)
    families = []
    for row in sorted((r for r in products if r["id"] in tops), key=lambda r: tops[r["id"]]):
        place = words.places.get(row["category_id"])
        if place is None:
            continue
        top, sub = place
        kind = (
            KIND_OF_SUB.get(v.TOP_CATEGORIES[top].subs[sub].name)
            or KIND_OF_FAMILY[v.TOP_CATEGORIES[top].family]
        )
        items = [_product_row(child) for child in children.get(row["id"], [])] or [_product_row(row)]
        families.append(
            FamilyRows(
                k=tops[row["id"]],
                family=_product_row(row),
                sellable=tuple(items),
                offers={item.id: offers.get(item.id, ()) for item in items},
                kind=kind,
                noun=product_noun(row["title"], kind, top, sub),
                brand=words.brands.get(row["brand_id"], ""),
                images=tuple(image_name(top, n) for n in range(len(v.TOP_CATEGORIES[top].palette))),
            )
        )
    return families


def _offers(product_ids: set[int]) -> dict[int, tuple[OfferRow, ...]]:
    """The offers of these products with the first stock row of each (where its units ship from)."""
    rows = list(
        Offer.objects.filter(product_id__in=product_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "product_id",
            "seller_id",
            "sku",
            "condition",
            "price_amount",
            "shipping_amount",
            "currency",
            "handling_days",
            "fulfilled_by_marketplace",
        )
    )
    stock = {}
    for offer_id, stock_id, warehouse_id in (
        Stock.objects.filter(offer_id__in=[row[0] for row in rows])
        .order_by("offer_id", "pk")
        .values_list("offer_id", "pk", "warehouse_id")
    ):
        stock.setdefault(offer_id, (stock_id, warehouse_id))
    offers = defaultdict(list)
    for pk, product_id, *rest in rows:
        if pk in stock:
            offers[product_id].append(OfferRow(pk, product_id, *rest, *stock[pk]))
    return {product_id: tuple(items) for product_id, items in offers.items()}
