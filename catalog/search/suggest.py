"""Autocomplete for the header search box: completions, categories, top products.

Cheap and cached: the answer for a normalised prefix is kept for five minutes.
A miss costs the vocabulary lookup (in memory), one category query and a
search of five hits without facets.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from catalog.models import Category
from catalog.search import search
from catalog.search.parsing import normalise, words_of
from catalog.search.spelling import vocabulary
from catalog.search.types import SearchQuery

SUGGEST_TTL = 300
MIN_LENGTH = 2


def cache_key(text: str) -> str:
    return "search:suggest:v1:" + hashlib.sha256(normalise(text).encode()).hexdigest()[:32]


def search_suggest(*, text: str) -> dict:
    """Return {"query", "completions", "categories", "products"} for what was typed so far."""
    query = normalise(text)
    empty = {"query": query, "completions": [], "categories": [], "products": []}
    if len(query) < MIN_LENGTH or not words_of(query):
        return empty
    key = cache_key(query)
    cached = cache.get(key)
    if cached is not None:
        return cached
    words = list(words_of(query))
    last, head = words[-1], words[:-1]
    completions = []
    if not text.endswith(" "):
        completions = [" ".join([*head, term]) for term in vocabulary().completions(last)]
        completions = [c for c in completions if c != query][:5]
    categories = [
        {"name": c.name, "url": c.get_absolute_url()}
        for c in Category.objects.filter(is_active=True, name__icontains=last).only("name", "slug")[:3]
    ]
    result = search(SearchQuery(text=query, page_size=5, facets=False))
    products = [
        {
            "title": hit.product.title,
            "url": hit.product.get_absolute_url(),
            "price": str(hit.product.buy_box_price_amount) if hit.product.buy_box_price_amount else None,
        }
        for hit in result.hits
    ]
    answer = {"query": query, "completions": completions, "categories": categories, "products": products}
    if result.did_you_mean and not completions:
        answer["completions"] = [result.did_you_mean]
    cache.set(key, answer, SUGGEST_TTL)
    return answer
