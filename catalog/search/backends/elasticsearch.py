"""The Elasticsearch backend: ``catalog.documents.ProductDocument`` via django-elasticsearch-dsl.

A results page is one ``_search`` request (hits, exact total up to 10,000,
disjunctive facets, did-you-mean) plus the database queries the PostgreSQL
backend also makes: filter slugs, facet labels and the hit products. A page
past the end costs a second request for the last page. See
``catalog.search.elasticsearch`` for the body and docs/search.md.
"""

from __future__ import annotations

import math

from catalog.search import elasticsearch as es
from catalog.search.filters import resolve_filters
from catalog.search.matching import build_plan
from catalog.search.parsing import parse
from catalog.search.synonyms import synonym_table
from catalog.search.types import MAX_PAGE_SIZE, SORT_RELEVANCE, SORTS, SearchHit, SearchQuery, SearchResult


def _client():
    from elasticsearch.dsl.connections import connections

    return connections.get_connection()


class ElasticsearchBackend:
    def refresh(self, *, product_ids) -> int:
        indexed, _deleted = es.search_index_es_refresh(product_ids=product_ids)
        return indexed

    def search(self, query: SearchQuery) -> SearchResult:
        page_size = max(1, min(int(query.page_size), MAX_PAGE_SIZE))
        sort = query.sort if query.sort in SORTS else SORT_RELEVANCE
        page, _offset = es.page_window(int(query.page), page_size)
        parsed = parse(query.text)
        # Typos are Elasticsearch's fuzziness; the last word is also a prefix (title.edge).
        plan = build_plan(parsed, prefix_last=True, synonyms=synonym_table())
        filters = resolve_filters(query)
        body = es.search_body(
            parsed=parsed,
            filters=filters,
            sort=sort,
            page=page,
            page_size=page_size,
            facets=query.facets,
            plan=plan,
        )
        response = _client().search(index=es.index_name(), body=body)
        total, _ = es.response_total(response)
        if not response["hits"]["hits"] and total and page > 1:
            # A page past the end shows the last page: ask again for its hits only.
            page = es.page_window(math.ceil(min(total, es.MAX_RESULT_WINDOW) / page_size), page_size)[0]
            again = es.search_body(
                parsed=parsed,
                filters=filters,
                sort=sort,
                page=page,
                page_size=page_size,
                facets=False,
                suggest=False,
                plan=plan,
            )
            response = {**response, "hits": _client().search(index=es.index_name(), body=again)["hits"]}
        result = es.parse_search_response(
            response, query=query, parsed=parsed, filters=filters, page=page, page_size=page_size
        )
        self._hydrate(result.hits)
        return result

    def _hydrate(self, hits: list[SearchHit]) -> None:
        """Load the hit products from the database (one query, plus their images)."""
        from catalog.selectors import product_card_queryset

        products = product_card_queryset().in_bulk([hit.product_id for hit in hits])
        for hit in hits:
            hit.product = products.get(hit.product_id)
        hits[:] = [hit for hit in hits if hit.product is not None]
