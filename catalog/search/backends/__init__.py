"""Search backends: each turns a SearchQuery into a SearchResult the same way."""

from __future__ import annotations

from typing import Protocol

from catalog.search.types import SearchQuery, SearchResult


class SearchBackend(Protocol):
    def search(self, query: SearchQuery) -> SearchResult: ...

    def refresh(self, *, product_ids) -> int:
        """Bring the index of these products up to date; return how many changed."""
        ...
