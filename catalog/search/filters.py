"""Validate the raw filters of a SearchQuery: what applies, what does not and why.

A value with a control character in it (NUL above all, which PostgreSQL refuses
in text) is never looked up: it is reported as "contains control characters"
and ignored (``marketplace.core.inputs.has_control_characters``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection

from catalog.models import Offer
from catalog.search.types import (
    FILTER_NAMES,
    MULTI_VALUED,
    RATING_STEPS,
    AppliedFilter,
    NotAppliedFilter,
    SearchQuery,
)
from marketplace.core.inputs import has_control_characters, without_control_characters

TRUE_VALUES = frozenset({"1", "true", "on", "yes"})
RATING_VALUES = {str(step): step for step in RATING_STEPS}
MAX_VALUES = 20  # per filter
CONTROL_CHARACTERS = "contains control characters"


@dataclass
class CategoryRef:
    id: int
    name: str
    slug: str
    path: str
    depth: int


@dataclass
class ResolvedFilters:
    category: CategoryRef | None = None
    brand_ids: list[int] = field(default_factory=list)
    seller_ids: list[int] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    rating: int | None = None
    in_stock: bool = False
    fbm: bool = False
    applied: list[AppliedFilter] = field(default_factory=list)
    not_applied: list[NotAppliedFilter] = field(default_factory=list)


def _raw_values(query: SearchQuery, name: str) -> list[str]:
    raw = query.filters.get(name) or ()
    if isinstance(raw, str):
        raw = (raw,)
    return list(dict.fromkeys(str(v).strip() for v in raw))[:MAX_VALUES]


def _values(query: SearchQuery, name: str) -> list[str]:
    values = [v for v in _raw_values(query, name) if v and not has_control_characters(v)]
    return values if name in MULTI_VALUED else values[:1]


def _shown(text: str, limit: int) -> str:
    """``text`` as a report may echo it: without control characters, cut short."""
    return without_control_characters(text)[:limit]


def _price(value: str) -> Decimal | None:
    if not value.isascii():  # Decimal() takes other scripts' digits ("١٢"): not a price in a URL
        return None
    try:
        price = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not price.is_finite() or price < 0 or price >= Decimal("1e10"):
        return None
    return price.quantize(Decimal("0.01"))


def _lookup_slugs(category: list[str], brands: list[str], sellers: list[str]) -> list[tuple]:
    """Return (kind, id, name, slug, path, depth) rows for the slugs, in one query."""
    if not (category or brands or sellers):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'category', id, name, slug, path, depth FROM catalog_category "
            "WHERE slug = ANY(%s) AND is_active "
            "UNION ALL SELECT 'brand', id, name, slug, '', 0 FROM catalog_brand WHERE slug = ANY(%s) "
            "UNION ALL SELECT 'seller', id, name, slug, '', 0 FROM sellers_seller "
            "WHERE slug = ANY(%s) AND status = 'approved'",
            [category, brands, sellers],
        )
        return cursor.fetchall()


def resolve_filters(query: SearchQuery) -> ResolvedFilters:
    """Turn raw filter values into ids and bounds; unknown names and values are reported."""
    result = ResolvedFilters()
    for name in query.filters:
        if has_control_characters(str(name)):
            result.not_applied.append(NotAppliedFilter(_shown(str(name), 40), "", CONTROL_CHARACTERS))
            continue
        for value in _raw_values(query, name):
            if has_control_characters(value):
                result.not_applied.append(NotAppliedFilter(name, _shown(value, 100), CONTROL_CHARACTERS))
        if name not in FILTER_NAMES:
            for value in _values(query, name) or [""]:
                result.not_applied.append(NotAppliedFilter(name, value[:100], "unknown filter"))

    category, brands, sellers = _values(query, "category"), _values(query, "brand"), _values(query, "seller")
    found = {(row[0], row[3]): row for row in _lookup_slugs(category, brands, sellers)}
    for kind, slugs in (("category", category), ("brand", brands), ("seller", sellers)):
        for slug in slugs:
            row = found.get((kind, slug))
            if row is None:
                result.not_applied.append(NotAppliedFilter(kind, slug, f"no such {kind}"))
                continue
            result.applied.append(AppliedFilter(kind, slug, row[2]))
            if kind == "category":
                result.category = CategoryRef(id=row[1], name=row[2], slug=row[3], path=row[4], depth=row[5])
            else:
                (result.brand_ids if kind == "brand" else result.seller_ids).append(row[1])

    labels = dict(Offer.Condition.choices)
    for value in _values(query, "condition"):
        if value in labels:
            result.conditions.append(value)
            result.applied.append(AppliedFilter("condition", value, labels[value]))
        else:
            result.not_applied.append(NotAppliedFilter("condition", value, "no such condition"))

    for name in ("price_min", "price_max"):
        for value in _values(query, name):
            price = _price(value)
            if price is None:
                result.not_applied.append(NotAppliedFilter(name, value, "not a price"))
                continue
            setattr(result, name, price)
    if result.price_min is not None and result.price_max is not None and result.price_min > result.price_max:
        result.price_min, result.price_max = result.price_max, result.price_min
    if result.price_min is not None:
        result.applied.append(AppliedFilter("price_min", str(result.price_min), f"From ${result.price_min}"))
    if result.price_max is not None:
        result.applied.append(AppliedFilter("price_max", str(result.price_max), f"Under ${result.price_max}"))

    for value in _values(query, "rating"):
        if value in RATING_VALUES:
            result.rating = RATING_VALUES[value]
            result.applied.append(AppliedFilter("rating", value, f"{value} stars & up"))
        else:
            result.not_applied.append(NotAppliedFilter("rating", value, "not a rating from 1 to 4"))

    for name, label in (("in_stock", "In stock"), ("fbm", "Fulfilled by the marketplace")):
        for value in _values(query, name):
            if value.lower() in TRUE_VALUES:
                setattr(result, name, True)
                result.applied.append(AppliedFilter(name, value, label))
            else:
                result.not_applied.append(NotAppliedFilter(name, value, "not a yes/no value"))
    return result
