"""The synonym and spelling-variant table (``catalog.SearchSynonym``), cached for query time.

``synonym_table()`` maps the words of each term to the other terms of its row:
{("tv",): (("television",),), ("hand", "shower"): (("handshower",),), ...}. It is
read from the cache (one query when the cache is cold) and dropped by
``synonyms_changed()``, which the admin calls after every save and delete.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection

from catalog.search.parsing import normalise_units, words_of

CACHE_KEY = "search:synonyms:v1:{database}"  # one table per database, even in a shared cache
MAX_TERM_WORDS = 3

SynonymTable = dict[tuple[str, ...], tuple[tuple[str, ...], ...]]


def terms_of(text: str) -> list[tuple[str, ...]]:
    """The distinct terms of a row's text, each as its words."""
    terms = [words_of(normalise_units(part)) for part in (text or "").split(",")]
    return list(dict.fromkeys(t for t in terms if t and len(t) <= MAX_TERM_WORDS))


def table_from_rows(rows) -> SynonymTable:
    table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for text in rows:
        terms = terms_of(text)
        for term in terms:
            others = table.setdefault(term, [])
            others += [t for t in terms if t != term and t not in others]
    return {term: tuple(others) for term, others in table.items() if others}


def synonym_table() -> SynonymTable:
    """Return the active synonyms by term (cached until ``synonyms_changed``)."""
    key = cache_key()
    table = cache.get(key)
    if table is None:
        from catalog.models import SearchSynonym

        table = table_from_rows(SearchSynonym.objects.filter(is_active=True).values_list("terms", flat=True))
        cache.set(key, table, None)
    return table


def cache_key() -> str:
    return CACHE_KEY.format(database=connection.settings_dict["NAME"])


def synonyms_changed() -> None:
    """Drop the cached table: the next search reads it again."""
    cache.delete(cache_key())
