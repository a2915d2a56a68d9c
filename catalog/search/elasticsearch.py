"""Elasticsearch: the request body of a search, its response as a SearchResult, and indexing.

The backend (``catalog.search.backends.elasticsearch``) is thin: it resolves
the filters, sends ``search_body(...)`` and hands the response to
``parse_search_response(...)``. Both are plain functions of plain values, so
the unit tests check them without a server.

Matching and ranking mirror the PostgreSQL backend (docs/search.md): the same
query plan (``catalog.search.matching``: units, minimum-should-match,
negations, stop words, synonyms) as a ``bool`` of ``multi_match`` clauses with
``minimum_should_match``; text relevance (BM25 over title > brand > category
names and attributes > description, fuzziness AUTO for typos, an edge-n-gram
title field for the word being typed, ``cross_fields`` for coverage)
multiplied by ``1 + 0.5 popularity``; in-stock products come first in every
sort. Facets are disjunctive: filters go into ``post_filter`` and each facet's
aggregation applies every filter but its own.

Indexing never happens inside a request: the ``product.changed``,
``product.rating_changed``, ``offer.changed`` and ``stock.changed`` events
reach ``on_products_changed`` through the outbox (``subscribe_async``), which
runs ``catalog.tasks.search_index_es_task``; buy-box refreshes write a
``product.changed`` outbox row (``search_index_es_enqueue``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings

from catalog.search.filters import ResolvedFilters
from catalog.search.matching import MINIMUM_SHOULD_MATCH as MSM
from catalog.search.matching import GroupPlan, QueryPlan, Unit, build_plan
from catalog.search.parsing import Clause, ParsedQuery
from catalog.search.types import (
    PRICE_BANDS,
    RATING_STEPS,
    SORT_RELEVANCE,
    Facet,
    SearchHit,
    SearchQuery,
    SearchResult,
)

BACKEND_NAME = "elasticsearch"
POPULARITY_WEIGHT = 0.5  # as catalog.search.backends.postgres
INDEX_EVENTS = ("product.changed", "product.rating_changed", "offer.changed", "stock.changed")
HANDLER_PATH = "catalog.search.elasticsearch.on_products_changed"

# Elasticsearch pages with from/size up to index.max_result_window; the total is exact up to it.
MAX_RESULT_WINDOW = 10000
FACET_SIZE = 30
TEXT_FIELDS = ["title^4", "brand_name^3", "category_names^2", "attributes^2", "description"]
EXACT_FIELDS = ["title", "brand_name", "category_names", "attributes", "description"]

SORT_CLAUSES = {
    SORT_RELEVANCE: [{"_score": {"order": "desc"}}],
    "price_asc": [{"price": {"order": "asc", "missing": "_last"}}],
    "price_desc": [{"price": {"order": "desc", "missing": "_last"}}],
    "rating": [{"rating_average": {"order": "desc"}}, {"rating_count": {"order": "desc"}}],
    "newest": [{"created_at": {"order": "desc"}}],
}


def index_name() -> str:
    return getattr(settings, "ELASTICSEARCH_INDEX", "marketplace-products")


def band_key(low: Decimal | None, high: Decimal | None) -> str:
    from catalog.search.facet_values import band_key as pg_band_key

    return pg_band_key(low, high)


# Query text ------------------------------------------------------------------


def _word_query(word: str, *, prefix: bool) -> dict:
    fuzzy = {
        "multi_match": {
            "query": word,
            "fields": TEXT_FIELDS,
            "fuzziness": "AUTO",
            "prefix_length": 1,
            "max_expansions": 20,
        }
    }
    if not prefix:
        return fuzzy
    # The word being typed: a whole (or misspelt) word, or the start of a title word.
    return {
        "bool": {"should": [fuzzy, {"match": {"title.edge": {"query": word}}}], "minimum_should_match": 1}
    }


def _phrase(words: tuple[str, ...], fields=TEXT_FIELDS) -> dict:
    return {"multi_match": {"query": " ".join(words), "fields": fields, "type": "phrase"}}


def _unit_query(unit: Unit) -> dict:
    """One unit: any of its spellings (a fuzzy word, or a phrase; the last word also as a prefix)."""
    options = [
        _word_query(words[0], prefix=unit.prefix and i == 0) if len(words) == 1 else _phrase(words)
        for i, words in enumerate(unit.options)
    ]
    return options[0] if len(options) == 1 else {"bool": {"should": options, "minimum_should_match": 1}}


def _excluded(words: tuple[str, ...]) -> dict:
    kind = "phrase" if len(words) > 1 else "best_fields"
    return {
        "multi_match": {"query": " ".join(words), "fields": EXACT_FIELDS, "type": kind, "operator": "and"}
    }


def _negation_excluded(clause: Clause) -> dict:
    """A product that contains X, unless it says "X free" or "without X" (NEGATION = "exclude")."""
    return {
        "bool": {
            "must": [_excluded(clause.words)],
            "must_not": [
                _phrase((*clause.words, "free"), EXACT_FIELDS),
                _phrase(("without", *clause.words), EXACT_FIELDS),
            ],
        }
    }


def _group_query(group: GroupPlan, negation: str) -> dict:
    must = [_unit_query(u) for u in group.required]
    if group.units:
        must.append({"bool": {"should": [_unit_query(u) for u in group.units], "minimum_should_match": MSM}})
    must_not = [_excluded(words) for words in group.excluded]
    if negation == "exclude":
        must_not += [_negation_excluded(c) for c in group.negated]
    return {"bool": {"must": must, "must_not": must_not}}


def text_query(parsed: ParsedQuery, plan: QueryPlan | None = None) -> dict:
    """Most units (``matching.MINIMUM_SHOULD_MATCH``), every phrase, no exclusion; ``or`` between groups.

    Ranking: BM25 per field (best field per unit) plus a ``cross_fields`` match of every word
    (coverage across fields), an exact title phrase (proximity) and "X free" for an "X-free" negation.
    """
    plan = plan or build_plan(parsed, prefix_last=True)
    if parsed.is_empty or not plan.searchable:
        return {"match_all": {}} if parsed.is_empty else {"match_none": {}}
    groups = [_group_query(g, plan.negation) for g in plan.groups]
    matched = groups[0] if len(groups) == 1 else {"bool": {"should": groups, "minimum_should_match": 1}}
    words = " ".join(" ".join(u.options[0]) for g in plan.groups for u in [*g.required, *g.units])
    should = [
        {"multi_match": {"query": words, "fields": TEXT_FIELDS, "type": "cross_fields", "operator": "or"}},
        {"match_phrase": {"title": {"query": words, "boost": 2}}},
    ]
    for g in plan.groups:
        should += [
            {**_phrase((*c.words, "free"), EXACT_FIELDS), "boost": 2} for c in g.negated if c.free_form
        ]
    return {"bool": {"must": [matched], "should": should}}


def ranked_query(parsed: ParsedQuery, plan: QueryPlan | None = None) -> dict:
    """Text relevance times ``1 + 0.5 popularity`` (the PostgreSQL backend's blend); in-stock
    products sort first, as there."""
    return {
        "function_score": {
            "query": text_query(parsed, plan),
            "functions": [
                {"weight": 1},
                {
                    "field_value_factor": {"field": "popularity", "missing": 0},
                    "weight": POPULARITY_WEIGHT,
                },
            ],
            "score_mode": "sum",
            "boost_mode": "multiply",
        }
    }


# Filters and facets -----------------------------------------------------------


def filter_clauses(f: ResolvedFilters) -> dict[str, dict]:
    """Return {facet name: filter clause} for the applied filters."""
    clauses: dict[str, dict] = {}
    if f.category:
        clauses["category"] = {"term": {"category_ids": f.category.id}}
    if f.brand_ids:
        clauses["brand"] = {"terms": {"brand_id": list(f.brand_ids)}}
    if f.seller_ids:
        clauses["seller"] = {"terms": {"seller_ids": list(f.seller_ids)}}
    if f.conditions:
        clauses["condition"] = {"terms": {"conditions": list(f.conditions)}}
    price = {}
    if f.price_min is not None:
        price["gte"] = str(f.price_min)
    if f.price_max is not None:
        price["lt"] = str(f.price_max)
    if price:
        clauses["price"] = {"range": {"price": price}}
    if f.rating:
        clauses["rating"] = {"range": {"rating_average": {"gte": f.rating}}}
    if f.in_stock:
        clauses["in_stock"] = {"term": {"in_stock": True}}
    if f.fbm:
        clauses["fbm"] = {"term": {"fulfilled_by_marketplace": True}}
    return clauses


def _all_of(clauses: list[dict]) -> dict:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def facet_aggregations(f: ResolvedFilters, clauses: dict[str, dict]) -> dict:
    """One filter aggregation per facet, each applying every filter but its own (disjunctive)."""

    def others(name: str, *extra: dict) -> dict:
        return _all_of([c for key, c in clauses.items() if key != name] + list(extra))

    def terms(name: str, field: str, **options) -> dict:
        return {
            "filter": others(name),
            "aggs": {"values": {"terms": {"field": field, "size": FACET_SIZE, **options}}},
        }

    # Drill-down: top-level departments, or the children of the selected category within it.
    level = f.category.depth + 1 if f.category else 0
    category = terms("category", "category_levels", include=f"{level}:.*")
    if f.category:
        category["filter"] = others("category", clauses["category"])
    ranges = []
    for low, high in PRICE_BANDS:
        band = {"key": band_key(low, high)}
        if low is not None:
            band["from"] = float(low)  # whole dollars: exact as floats
        if high is not None:
            band["to"] = float(high)
        ranges.append(band)
    return {
        "category": category,
        "brand": terms("brand", "brand_id"),
        "price": {
            "filter": others("price"),
            "aggs": {"values": {"range": {"field": "price", "keyed": True, "ranges": ranges}}},
        },
        "rating": {
            "filter": others("rating"),
            "aggs": {
                "values": {
                    "filters": {
                        "filters": {str(r): {"range": {"rating_average": {"gte": r}}} for r in RATING_STEPS}
                    }
                }
            },
        },
        "seller": terms("seller", "seller_ids"),
        "condition": terms("condition", "conditions"),
        "in_stock": {"filter": others("in_stock", {"term": {"in_stock": True}})},
        "fbm": {"filter": others("fbm", {"term": {"fulfilled_by_marketplace": True}})},
    }


def page_window(page: int, page_size: int) -> tuple[int, int]:
    """Clamp a page into the result window; return (page, offset)."""
    last_reachable = max(1, MAX_RESULT_WINDOW // page_size)
    page = max(1, min(page, last_reachable))
    return page, (page - 1) * page_size


def search_body(
    *,
    parsed: ParsedQuery,
    filters: ResolvedFilters,
    sort: str,
    page: int,
    page_size: int,
    facets: bool = True,
    suggest: bool = True,
    plan: QueryPlan | None = None,
) -> dict:
    """The body of one ``_search`` request: hits, total, facets and the did-you-mean suggestion.

    ``plan`` carries the synonyms (``matching.understand``); without it the parsed words alone.
    """
    clauses = filter_clauses(filters)
    _, offset = page_window(page, page_size)
    body: dict = {
        "query": ranked_query(parsed, plan),
        "sort": [
            {"in_stock": {"order": "desc"}},
            *SORT_CLAUSES.get(sort, SORT_CLAUSES[SORT_RELEVANCE]),
            {"product_id": {"order": "desc"}},
        ],
        "from": offset,
        "size": page_size,
        "track_total_hits": MAX_RESULT_WINDOW,
        "_source": False,
    }
    if clauses:
        body["post_filter"] = _all_of(list(clauses.values()))
    if facets:
        body["aggs"] = facet_aggregations(filters, clauses)
    words = parsed.positive_words()
    if suggest and words:
        body["suggest"] = {
            "text": " ".join(words),
            "did_you_mean": {
                "phrase": {
                    "field": "spell",
                    "size": 1,
                    "gram_size": 3,
                    "max_errors": 2,
                    "confidence": 1.0,
                    "direct_generator": [{"field": "spell", "suggest_mode": "missing", "min_word_length": 3}],
                }
            },
        }
    return body


# Response ----------------------------------------------------------------------


def response_total(response: dict) -> tuple[int, bool]:
    total = response["hits"]["total"]
    return int(total["value"]), total.get("relation") == "gte"


def facet_counts(aggregations: dict) -> dict[str, dict[str, int]]:
    """Aggregations -> {facet: {value: count}}, the shape the facet builder reads."""
    counts: dict[str, dict[str, int]] = {}
    for name in ("category", "brand", "seller", "condition"):
        buckets = aggregations.get(name, {}).get("values", {}).get("buckets", [])
        values = counts.setdefault(name, {})
        for bucket in buckets:
            key = str(bucket["key"])
            if name == "category":
                key = key.partition(":")[2]
            if bucket["doc_count"]:
                values[key] = bucket["doc_count"]
    for name in ("price", "rating"):
        buckets = aggregations.get(name, {}).get("values", {}).get("buckets", {})
        counts[name] = {key: bucket["doc_count"] for key, bucket in buckets.items() if bucket["doc_count"]}
    for name in ("in_stock", "fbm"):
        if name in aggregations:
            counts[name] = {"1": aggregations[name]["doc_count"]}
    return counts


def facets_from_aggregations(aggregations: dict, filters: ResolvedFilters) -> list[Facet]:
    """The same Facet objects, values, labels and order as the PostgreSQL backend."""
    from catalog.search.facet_values import facet_objects

    return facet_objects(facet_counts(aggregations), filters)


def did_you_mean(response: dict, parsed: ParsedQuery) -> tuple[str | None, dict[str, str]]:
    """The phrase suggester's best correction, and the corrected words, if it differs from the query."""
    entries = response.get("suggest", {}).get("did_you_mean", [])
    options = entries[0].get("options", []) if entries else []
    if not options:
        return None, {}
    words = parsed.positive_words()
    suggestion = options[0]["text"].strip().lower()
    if not suggestion or suggestion == " ".join(words):
        return None, {}
    corrected = suggestion.split()
    corrections = {}
    if len(corrected) == len(words):
        corrections = {w: c for w, c in zip(words, corrected, strict=True) if w != c}
    return suggestion, corrections


def parse_search_response(
    response: dict,
    *,
    query: SearchQuery,
    parsed: ParsedQuery,
    filters: ResolvedFilters,
    page: int,
    page_size: int,
) -> SearchResult:
    """Turn a ``_search`` response into a SearchResult (hits not hydrated yet)."""
    total, lower_bound = response_total(response)
    reachable = min(total, MAX_RESULT_WINDOW)
    hits = [
        SearchHit(product_id=int(hit["_id"]), score=float(hit.get("_score") or 0))
        for hit in response["hits"]["hits"]
    ]
    suggestion, corrections = did_you_mean(response, parsed)
    aggregations = response.get("aggregations")
    return SearchResult(
        query=query,
        hits=hits,
        total=total,
        total_is_lower_bound=lower_bound,
        page=page if hits else 1,
        num_pages=max(1, math.ceil(reachable / page_size)),
        facets=facets_from_aggregations(aggregations, filters) if aggregations is not None else [],
        facets_are_sampled=False,
        did_you_mean=suggestion,
        applied_filters=filters.applied,
        not_applied=filters.not_applied,
        corrected_words=corrections,
    )


# Indexing ------------------------------------------------------------------------


class SearchIndexError(RuntimeError):
    """Elasticsearch refused some documents; the task (or the outbox) retries."""


def subscribe_indexing() -> None:
    """Index from the outbox when Elasticsearch is the backend (called by CatalogConfig.ready)."""
    from marketplace.core import events

    if settings.SEARCH_BACKEND != BACKEND_NAME:
        return
    for name in INDEX_EVENTS:
        events.subscribe_async(name, HANDLER_PATH)


def search_index_es_enqueue(*, product_ids: Iterable[int]) -> None:
    """Queue these products for Elasticsearch through the outbox (a no-op on other backends).

    Called in the writer's transaction (the buy-box refresh): the outbox row
    commits with the change and Celery indexes after commit.
    """
    if settings.SEARCH_BACKEND != BACKEND_NAME:
        return
    ids = sorted({int(pk) for pk in product_ids})
    if ids:
        from marketplace.core import events

        events.emit_async("product.changed", product_ids=ids)


def on_products_changed(*, product_ids=(), offer_ids=(), **_payload) -> None:
    """Outbox handler: reindex the products (of the offers) that changed; idempotent."""
    from catalog.models import Offer
    from catalog.tasks import search_index_es_task

    ids = {int(pk) for pk in product_ids}
    if offer_ids:
        ids.update(Offer.objects.filter(pk__in=offer_ids).values_list("product_id", flat=True))
    if ids:
        # Run here, in the outbox's Celery task: a failure leaves the event to be retried.
        search_index_es_task(product_ids=sorted(ids))


def search_index_es_refresh(*, product_ids: Iterable[int], chunk_size: int | None = None) -> tuple[int, int]:
    """Index these products (a variation stands for its parent) and delete those no longer listed.

    Return (indexed, deleted). Five queries and one bulk request per chunk.
    """
    from elasticsearch.dsl.connections import connections
    from elasticsearch.helpers import bulk

    from catalog.documents import INDEX_CHUNK, ProductDocument, attach_search_summaries
    from catalog.models import Product

    ids = sorted({int(pk) for pk in product_ids})
    chunk_size = chunk_size or INDEX_CHUNK
    document = ProductDocument()
    indexed = deleted = 0
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        parents = Product.objects.filter(pk__in=chunk, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
        targets = set(chunk) | set(parents)
        products = attach_search_summaries(list(document.get_queryset().filter(pk__in=targets)))
        gone = sorted(targets - {p.pk for p in products})
        actions = [
            *document.get_actions(products, "index"),
            *({"_op_type": "delete", "_index": document._index._name, "_id": pk} for pk in gone),
        ]
        _ok, errors = bulk(connections.get_connection(), actions, raise_on_error=False)
        # Deleting a document that was never indexed (a variation, say) is not an error.
        errors = [e for e in errors if e.get("delete", {}).get("status") != 404]
        if errors:
            raise SearchIndexError(f"Elasticsearch refused {len(errors)} documents: {errors[:3]!r}")
        indexed += len(products)
        deleted += len(gone)
    return indexed, deleted
