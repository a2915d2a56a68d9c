"""The search interface's value types, shared by every backend.

They carry no request and no model instances except the hydrated products of
the hits, so the REST API, the storefront and a management command can call
``catalog.search.search`` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

SORT_RELEVANCE = "relevance"
SORTS = {
    SORT_RELEVANCE: "Relevance",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "rating": "Average customer rating",
    "newest": "Newest arrivals",
}

# Filters a query may carry, by their URL name; values are strings as typed in a URL.
FILTER_NAMES = (
    "category",  # one category slug, descendants included
    "brand",  # brand slugs, any of
    "seller",  # seller slugs, any of
    "condition",  # offer conditions, any of
    "price_min",  # buy-box price >= this
    "price_max",  # buy-box price < this
    "rating",  # minimum average rating, 1 to 4
    "in_stock",  # "1": only products that can be bought now
    "fbm",  # "1": fulfilled by the marketplace
)
MULTI_VALUED = frozenset({"brand", "seller", "condition"})

# Price bands of the price facet: [low, high), None meaning open.
PRICE_BANDS: tuple[tuple[Decimal | None, Decimal | None], ...] = (
    (None, Decimal("25")),
    (Decimal("25"), Decimal("50")),
    (Decimal("50"), Decimal("100")),
    (Decimal("100"), Decimal("200")),
    (Decimal("200"), None),
)
RATING_STEPS = (4, 3, 2, 1)

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchQuery:
    """What to search for: text, filters (URL name -> raw values), sort and page.

    Nothing here has been validated: the backend applies what makes sense and
    reports the rest in ``SearchResult.not_applied``.
    """

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = SORT_RELEVANCE
    page: int = 1
    page_size: int = 24
    facets: bool = True


@dataclass
class SearchHit:
    product_id: int
    score: float
    product: object = None  # the catalog.Product, loaded with what a product card shows


@dataclass
class FacetValue:
    value: str  # what the filter takes in the URL (a slug, a condition, "25-50", "4")
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str  # the filter it narrows: category, brand, price, rating, seller, condition
    label: str
    values: list[FacetValue] = field(default_factory=list)


@dataclass(frozen=True)
class AppliedFilter:
    name: str
    value: str
    label: str


@dataclass(frozen=True)
class NotAppliedFilter:
    name: str
    value: str
    reason: str


@dataclass
class SearchResult:
    query: SearchQuery
    hits: list[SearchHit]
    total: int
    total_is_lower_bound: bool  # the count stopped at the cap: show "1,000+"
    page: int  # the page returned (a page past the end gives the last one)
    num_pages: int
    facets: list[Facet]
    facets_are_sampled: bool  # counted over the best matches only, not every match
    did_you_mean: str | None
    applied_filters: list[AppliedFilter]
    not_applied: list[NotAppliedFilter]
    corrected_words: dict[str, str] = field(default_factory=dict)
    # Ranked retrieval may match without every word: the words no shown product contains,
    # and those some shown products lack (the page says so).
    missing_words: list[str] = field(default_factory=list)
    partially_matched_words: list[str] = field(default_factory=list)

    @property
    def products(self) -> list:
        return [hit.product for hit in self.hits]
