"""Product search: one interface, a backend chosen by ``settings.SEARCH_BACKEND``.

    from catalog.search import SearchQuery, search
    result = search(SearchQuery(text="headphones", filters={"brand": ("sony",)}, sort="price_asc"))

``search`` takes no request, so the storefront, the REST API and scripts share it.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from catalog.search.types import SearchQuery, SearchResult

__all__ = ["SearchQuery", "SearchResult", "get_backend", "search"]

BACKENDS = {
    "postgres": "catalog.search.backends.postgres.PostgresBackend",
    "elasticsearch": "catalog.search.backends.elasticsearch.ElasticsearchBackend",
}


@cache
def _backend(name: str):
    from django.utils.module_loading import import_string

    if name not in BACKENDS:
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND={name!r} is not a search backend; choose one of {', '.join(BACKENDS)}."
        )
    return import_string(BACKENDS[name])()


def get_backend():
    """Return the backend named by ``settings.SEARCH_BACKEND``."""
    return _backend(settings.SEARCH_BACKEND)


def search(query: SearchQuery) -> SearchResult:
    """Search the catalog; see ``catalog.search.types`` for what goes in and comes out."""
    return get_backend().search(query)
