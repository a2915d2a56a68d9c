"""The Elasticsearch backend against a real server: run when ELASTICSEARCH_URL is set.

    ELASTICSEARCH_URL=http://127.0.0.1:9200 pytest tests/catalog/test_search_elasticsearch_integration.py

Each test deletes and recreates the index named by ``settings.ELASTICSEARCH_INDEX``
(``marketplace-products-test`` under the test settings; ELASTICSEARCH_TEST_INDEX
overrides it), indexes the fixed catalog of search_fixtures.py and searches it.
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from catalog.models import Product
from catalog.search import SearchQuery
from catalog.search import elasticsearch as es
from catalog.search.backends.elasticsearch import ElasticsearchBackend
from catalog.search.backends.postgres import PostgresBackend

pytestmark = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="ELASTICSEARCH_URL not set: Elasticsearch integration tests skipped",
)


def _client():
    from elasticsearch.dsl.connections import connections

    return connections.get_connection()


@pytest.fixture
def indexed_catalog(search_catalog):
    """The fixed catalog, indexed in a fresh Elasticsearch index."""
    from catalog.documents import ProductDocument

    index = ProductDocument._index
    index.delete(ignore_unavailable=True)
    index.create()
    ids = list(Product.objects.values_list("pk", flat=True))
    es.search_index_es_refresh(product_ids=ids)
    _client().indices.refresh(index=es.index_name())
    yield search_catalog
    index.delete(ignore_unavailable=True)


def slugs(text: str, **options) -> list[str]:
    result = ElasticsearchBackend().search(SearchQuery(text=text, **options))
    return [hit.product.slug for hit in result.hits]


def test_exact_title_comes_first(indexed_catalog):
    assert slugs("Bose QuietComfort Headphones")[0] == "bose-qc"


def test_brand_and_product_type(indexed_catalog):
    assert set(slugs("sony headphones")[:2]) == {"sony-wh", "sony-buds"}


def test_typo_finds_the_word_and_suggests_it(indexed_catalog):
    result = ElasticsearchBackend().search(SearchQuery(text="hedphones"))
    assert "sony-wh" in [hit.product.slug for hit in result.hits]
    assert result.did_you_mean == "headphones"


def test_last_word_matches_as_a_prefix(indexed_catalog):
    assert "sony-wh" in slugs("sony headph")


def test_exclusion(indexed_catalog):
    found = slugs("headphones -sony")
    assert "bose-qc" in found
    assert not {"sony-wh", "sony-buds"} & set(found)


def test_out_of_stock_sinks(indexed_catalog):
    pan = indexed_catalog["products"]["pan"]
    from fulfillment.models import Stock

    Stock.objects.filter(offer__product=pan).update(on_hand=0)
    from catalog.services import product_refresh_buy_box

    product_refresh_buy_box(product_ids=[pan.pk])
    es.search_index_es_refresh(product_ids=[pan.pk])
    _client().indices.refresh(index=es.index_name())
    assert slugs("pan")[-1] == "pan"


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"brand": ("sony",)},
        {"category": ("electronics",), "price_max": ("500",)},
        {"seller": ("beta",), "condition": ("new", "used_good")},
        {"rating": ("4",), "in_stock": ("1",)},
        {"fbm": ("1",), "brand": ("samsung", "sony")},
    ],
)
def test_facets_and_totals_equal_the_postgres_backend(indexed_catalog, filters):
    """Without text both backends match the same products: counts must agree exactly."""
    query = SearchQuery(text="", filters=filters)
    expected = PostgresBackend().search(query)
    result = ElasticsearchBackend().search(query)

    def shape(r):
        return {f.name: [(v.value, v.count, v.selected) for v in f.values] for f in r.facets}

    assert result.total == expected.total
    assert shape(result) == shape(expected)
    assert result.applied_filters == expected.applied_filters


def test_sorts_and_a_page_past_the_end(indexed_catalog):
    prices = [
        hit.product.buy_box_price_amount
        for hit in ElasticsearchBackend()
        .search(SearchQuery(sort="price_asc", filters={"in_stock": ("1",)}))
        .hits
    ]
    assert prices == sorted(prices)
    result = ElasticsearchBackend().search(SearchQuery(text="", page=99, page_size=2))
    assert result.page == result.num_pages
    assert result.hits


def test_rebuild_command_indexes_every_listed_product(indexed_catalog):
    call_command("search_index", "--rebuild", "-f", "--refresh")
    listed = Product.objects.filter(parent__isnull=True, is_active=True).count()
    assert _client().count(index=es.index_name())["count"] == listed
