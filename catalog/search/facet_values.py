"""Facet values with their labels, as both backends show them (counts come from the backend)."""

from __future__ import annotations

from django.db import connection

from catalog.models import Offer
from catalog.search.filters import ResolvedFilters
from catalog.search.types import PRICE_BANDS, RATING_STEPS, Facet, FacetValue

FACET_SIZE = 30


def band_key(low, high) -> str:
    return f"{low or 0:.0f}-{'' if high is None else f'{high:.0f}'}"


def band_label(low, high) -> str:
    if low is None:
        return f"Under ${high:.0f}"
    if high is None:
        return f"${low:.0f} & above"
    return f"${low:.0f} to ${high:.0f}"


def facet_objects(counts: dict[str, dict[str, int]], f: ResolvedFilters) -> list[Facet]:
    def top(kind):
        items = sorted(counts.get(kind, {}).items(), key=lambda item: (-item[1], item[0]))
        return items[:FACET_SIZE]

    categories, brands, sellers = top("category"), top("brand"), top("seller")
    labels = facet_labels(
        [int(v) for v, _ in categories], [int(v) for v, _ in brands], [int(v) for v, _ in sellers]
    )
    selected_brands = set(f.brand_ids)
    selected_sellers = set(f.seller_ids)

    def named(kind, items, selected):
        values = []
        for value, count in items:
            label = labels.get((kind, int(value)))
            if label is not None:
                values.append(FacetValue(label[1], label[0], count, int(value) in selected))
        return values

    condition_labels = dict(Offer.Condition.choices)
    facets = [
        Facet("category", "Category", named("category", categories, set())),
        Facet("brand", "Brand", named("brand", brands, selected_brands)),
        Facet(
            "price",
            "Price",
            [
                FacetValue(
                    band_key(low, high),
                    band_label(low, high),
                    counts.get("price", {}).get(band_key(low, high), 0),
                    f.price_min == low and f.price_max == high
                    if low is not None
                    else f.price_min is None and f.price_max == high,
                )
                for low, high in PRICE_BANDS
            ],
        ),
        Facet(
            "rating",
            "Customer rating",
            [
                FacetValue(str(r), f"{r} stars & up", counts.get("rating", {}).get(str(r), 0), f.rating == r)
                for r in RATING_STEPS
            ],
        ),
        Facet("seller", "Seller", named("seller", sellers, selected_sellers)),
        Facet(
            "condition",
            "Condition",
            [
                FacetValue(value, condition_labels.get(value, value), count, value in f.conditions)
                for value, count in sorted(counts.get("condition", {}).items())
            ],
        ),
        Facet(
            "availability",
            "Availability",
            [
                FacetValue("in_stock", "In stock", counts.get("in_stock", {}).get("1", 0), f.in_stock),
                FacetValue("fbm", "Fulfilled by the marketplace", counts.get("fbm", {}).get("1", 0), f.fbm),
            ],
        ),
    ]
    for facet in facets:
        if facet.name in ("price", "rating", "availability"):
            facet.values = [v for v in facet.values if v.count or v.selected]
    return [facet for facet in facets if facet.values]


def facet_labels(category_ids, brand_ids, seller_ids) -> dict[tuple[str, int], tuple[str, str]]:
    """Return {(kind, id): (name, slug)} for facet values, in one query."""
    if not (category_ids or brand_ids or seller_ids):
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'category', id, name, slug FROM catalog_category WHERE id = ANY(%s) "
            "UNION ALL SELECT 'brand', id, name, slug FROM catalog_brand WHERE id = ANY(%s) "
            "UNION ALL SELECT 'seller', id, name, slug FROM sellers_seller WHERE id = ANY(%s)",
            [category_ids, brand_ids, seller_ids],
        )
        return {(kind, pk): (name, slug) for kind, pk, name, slug in cursor.fetchall()}
