"""The structured data a judgment rule reads, for every listed product of the catalog.

The database keeps a product's category (the subcategory; its parent is the department), its
brand and its attributes (a variation family's parent holds the shared ones, each child its
``variant_attributes``: colour, size). The generator keeps the noun, the adjectives and the
feature only in the title (``marketplace/demo/generator.py``, ``_title``), so they are read back
from the title: the longest noun of the product's subcategory found in it, then, with the brand
and that noun cut out, every adjective and feature of the subcategory's style (or its family's)
that appears, all as whole words (case-insensitive, a match may not touch a letter or digit on
either side). Books and films have one noun per subcategory and none in the title; they get it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

from marketplace.demo import vocabulary as v

LISTED_SQL = """
SELECT p.id, p.title, coalesce(b.name, ''), top.name, c.name, p.attributes,
    coalesce((SELECT jsonb_agg(x.variant_attributes ORDER BY x.id) FROM catalog_product x
              WHERE x.parent_id = p.id AND x.is_active), '[]'::jsonb)
FROM catalog_product p
JOIN catalog_category c ON c.id = p.category_id
LEFT JOIN catalog_category top ON top.id = c.parent_id
LEFT JOIN catalog_brand b ON b.id = p.brand_id
WHERE p.parent_id IS NULL AND p.is_active
ORDER BY p.id
"""


@dataclass(frozen=True)
class Facts:
    """What a judge reads of one listed product (a standalone product or a family's parent)."""

    id: int
    title: str
    brand: str = ""
    top: str = ""
    sub: str = ""
    noun: str = ""
    adjectives: frozenset[str] = frozenset()
    features: frozenset[str] = frozenset()
    # Attribute name -> every value of the product and its variations ("Size": {"9", "9.5"}).
    attributes: dict[str, frozenset[str]] = field(default_factory=dict)


def phrase_pattern(phrase: str) -> re.Pattern:
    """A case-insensitive pattern of the phrase as whole words."""
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(phrase) + r"(?![A-Za-z0-9])", re.IGNORECASE)


@cache
def _pattern(phrase: str) -> re.Pattern:
    return phrase_pattern(phrase)


def contains(text: str, phrase: str) -> bool:
    return _pattern(phrase).search(text) is not None


@dataclass(frozen=True)
class SubStyle:
    nouns: tuple[str, ...]  # longest first
    adjectives: tuple[str, ...]
    features: tuple[str, ...]


@cache
def styles() -> dict[tuple[str, str], SubStyle]:
    """(department, subcategory) -> its nouns, adjectives and features, as the generator draws them."""
    out = {}
    for top in v.TOP_CATEGORIES:
        family = v.FAMILIES[top.family]
        for sub in top.subs:
            style = v.SUB_STYLES.get(sub.name, {})
            out[(top.name, sub.name)] = SubStyle(
                nouns=tuple(sorted(sub.nouns, key=len, reverse=True)),
                adjectives=tuple(style.get("adjectives", family.adjectives)),
                features=tuple(style.get("features", family.features)),
            )
    return out


def _cut(text: str, phrase: str) -> str:
    return _pattern(phrase).sub(" | ", text, count=1) if phrase else text


def facts_of(
    *, pk: int, title: str, brand: str, top: str, sub: str, attributes: dict, variants: list[dict]
) -> Facts:
    """Read noun, adjectives and features back from the title; merge the variations' values."""
    style = styles().get((top, sub))
    noun, adjectives, features = "", frozenset(), frozenset()
    if style is not None:
        if len(style.nouns) == 1:
            noun = style.nouns[0]
        else:
            noun = next((n for n in style.nouns if contains(title, n)), "")
        rest = _cut(_cut(title, brand), noun)
        adjectives = frozenset(a for a in style.adjectives if contains(rest, a))
        features = frozenset(f for f in style.features if contains(rest, f))
    values: dict[str, set[str]] = {}
    for source in [attributes if isinstance(attributes, dict) else {}, *variants]:
        if isinstance(source, dict):
            for name, value in source.items():
                values.setdefault(str(name), set()).add(str(value))
    return Facts(
        id=pk,
        title=title,
        brand=brand,
        top=top,
        sub=sub,
        noun=noun,
        adjectives=adjectives,
        features=features,
        attributes={name: frozenset(vals) for name, vals in values.items()},
    )


def _json(value):
    """jsonb as a value: Django's cursors hand it over as text, a bare psycopg2 one decoded."""
    return json.loads(value) if isinstance(value, str) else value


def load_facts(cursor) -> list[Facts]:
    """Every listed product (parent or standalone, active) with its facts, in id order."""
    cursor.execute(LISTED_SQL)
    return [
        facts_of(
            pk=pk,
            title=title,
            brand=brand,
            top=top or "",
            sub=sub,
            attributes=_json(attrs),
            variants=_json(variants),
        )
        for pk, title, brand, top, sub, attrs, variants in cursor.fetchall()
    ]
