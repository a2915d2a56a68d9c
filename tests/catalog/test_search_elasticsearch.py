"""The Elasticsearch backend without a server: documents, request bodies, responses, indexing.

What needs a running Elasticsearch is in test_search_elasticsearch_integration.py.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from catalog.documents import INDEX_CHUNK, ProductDocument, attach_search_summaries
from catalog.models import Product
from catalog.search import SearchQuery, get_backend
from catalog.search import elasticsearch as es
from catalog.search.filters import resolve_filters
from catalog.search.matching import build_plan, minimum_should_match
from catalog.search.parsing import parse
from catalog.search.synonyms import synonym_table
from catalog.services import category_create, product_refresh_buy_box
from marketplace.core import events
from marketplace.core.models import OutboxEvent
from sellers.models import Seller
from tests.catalog.factories import BrandFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory


@pytest.fixture
def family(db):
    """A parent with two sold variations, an inactive one, and offers in every state."""
    electronics = category_create(name="Electronics", slug="electronics")
    audio = category_create(name="Audio", slug="audio", parent=electronics)
    headphones = category_create(name="Headphones", slug="headphones", parent=audio)
    sony = BrandFactory(name="Sony", slug="sony")
    parent = ProductFactory(
        title="Sony WH-1000XM5 Headphones",
        category=headphones,
        brand=sony,
        description="Noise cancelling.",
        attributes={"Connectivity": "Bluetooth"},
        variation_theme="Colour",
        rating_average=Decimal("4.60"),
        rating_count=40,
        sales_count=99,
    )
    black = ProductFactory(
        parent=parent, category=headphones, brand=sony, attributes={}, variant_attributes={"Colour": "Black"}
    )
    silver = ProductFactory(
        parent=parent, category=headphones, brand=sony, attributes={}, variant_attributes={"Colour": "Silver"}
    )
    ProductFactory(
        parent=parent,
        category=headphones,
        brand=sony,
        attributes={},
        variant_attributes={"Colour": "Red"},
        is_active=False,
    )
    alpha = SellerFactory(slug="alpha")
    beta = SellerFactory(slug="beta")
    gamma = SellerFactory(slug="gamma", status=Seller.Status.SUSPENDED)
    warehouse = WarehouseFactory()
    offers = [
        (black, alpha, "new", True, Decimal("279.00"), 5),
        (silver, beta, "used_good", False, Decimal("219.00"), 2),
        (silver, gamma, "new", False, Decimal("199.00"), 9),  # suspended seller: not counted
        (black, beta, "refurbished", False, Decimal("189.00"), 0),  # no stock: not counted
    ]
    for product, seller, condition, fbm, price, units in offers:
        offer = OfferFactory(
            product=product,
            seller=seller,
            condition=condition,
            fulfilled_by_marketplace=fbm,
            price_amount=price,
        )
        StockFactory(offer=offer, warehouse=warehouse, on_hand=units)
    product_refresh_buy_box(product_ids=[parent.pk])
    return {
        "parent": parent,
        "black": black,
        "categories": (electronics, audio, headphones),
        "sellers": (alpha, beta, gamma),
        "brand": sony,
    }


# Documents


def test_document_prepares_the_offer_summary_of_a_family(family):
    # given
    parent = ProductDocument().get_queryset().get(pk=family["parent"].pk)
    electronics, audio, headphones = family["categories"]
    alpha, beta, _gamma = family["sellers"]
    # when
    data = ProductDocument().prepare(parent)
    # then
    assert data == {
        "product_id": parent.pk,
        "title": "Sony WH-1000XM5 Headphones",
        "brand_name": "Sony",
        "brand_id": family["brand"].pk,
        "category_id": headphones.pk,
        "category_ids": [electronics.pk, audio.pk, headphones.pk],
        "category_levels": [f"0:{electronics.pk}", f"1:{audio.pk}", f"2:{headphones.pk}"],
        "category_names": "Electronics Audio Headphones",
        "attributes": "Bluetooth Black Silver",
        "description": "Noise cancelling.",
        "spell": "Sony WH-1000XM5 Headphones Sony Electronics Audio Headphones",
        "price": 219.0,
        "currency": "USD",
        "in_stock": True,
        "seller_ids": sorted([alpha.pk, beta.pk]),
        "seller_count": 2,
        "conditions": ["new", "used_good"],
        "fulfilled_by_marketplace": True,
        "rating_average": 4.6,
        "rating_count": 40,
        "rating_bayes": 4.38,  # (10 * 3.5 + 4.6 * 40) / 50
        "sales_count": 99,
        "popularity": 0.75,  # 0.6 * ln(100) / ln(1001) + 0.4 * 4.38 / 5
        "created_at": parent.created_at,
    }


def test_document_of_a_product_without_offers(db):
    product = ProductFactory(title="Lonely Lamp", brand=None, attributes={"Colour": "Brass"})
    data = ProductDocument().prepare(ProductDocument().get_queryset().get(pk=product.pk))
    assert (data["brand_name"], data["brand_id"], data["price"], data["in_stock"]) == ("", None, None, False)
    assert (data["seller_ids"], data["seller_count"], data["conditions"]) == ([], 0, [])
    assert data["fulfilled_by_marketplace"] is False
    assert data["attributes"] == "Brass"
    assert data["rating_bayes"] == 3.5


def test_indexing_queryset_lists_parents_only_in_constant_queries(family, django_assert_num_queries):
    ProductFactory.create_batch(3)
    listed = Product.objects.filter(parent__isnull=True, is_active=True).count()
    # one chunk: products, variations, offers, ancestor categories, then the empty next chunk
    with django_assert_num_queries(5):
        products = list(ProductDocument().get_indexing_queryset())
    assert len(products) == listed == 4
    assert family["black"].pk not in {p.pk for p in products}
    assert all(hasattr(p, "search_summary") for p in products)


def test_summaries_take_the_same_queries_for_3_and_30_products(db, django_assert_num_queries):
    for count in (3, 30):
        products = ProductFactory.create_batch(count)
        for product in products:
            StockFactory(offer=OfferFactory(product=product))
        loaded = list(ProductDocument().get_queryset().filter(pk__in=[p.pk for p in products]))
        with django_assert_num_queries(3):
            attach_search_summaries(loaded)
        assert {len(p.search_summary.seller_ids) for p in loaded} == {1}
    assert INDEX_CHUNK == 1000


# Request bodies


def body_for(query: SearchQuery, **options) -> dict:
    """The body the backend sends: with the synonyms table, the last word as a prefix."""
    parsed = parse(query.text)
    return es.search_body(
        parsed=parsed,
        plan=build_plan(parsed, prefix_last=True, synonyms=synonym_table()),
        filters=resolve_filters(query),
        sort=query.sort,
        page=query.page,
        page_size=query.page_size,
        facets=query.facets,
        **options,
    )


FUZZY = {"fields": es.TEXT_FIELDS, "fuzziness": "AUTO", "prefix_length": 1, "max_expansions": 20}


def test_body_for_text_is_fuzzy_per_word_with_the_last_word_as_a_prefix(db):
    body = body_for(SearchQuery(text="sony hedphon"))
    score = body["query"]["function_score"]
    assert score["query"] == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "must": [
                            {
                                "bool": {
                                    "should": [
                                        {"multi_match": {"query": "sony", **FUZZY}},
                                        {
                                            "bool": {
                                                "should": [
                                                    {"multi_match": {"query": "hedphon", **FUZZY}},
                                                    {"match": {"title.edge": {"query": "hedphon"}}},
                                                ],
                                                "minimum_should_match": 1,
                                            }
                                        },
                                    ],
                                    "minimum_should_match": "2<-1 3<-50%",
                                }
                            }
                        ],
                        "must_not": [],
                    }
                }
            ],
            "should": [
                {
                    "multi_match": {
                        "query": "sony hedphon",
                        "fields": es.TEXT_FIELDS,
                        "type": "cross_fields",
                        "operator": "or",
                    }
                },
                {"match_phrase": {"title": {"query": "sony hedphon", "boost": 2}}},
            ],
        }
    }
    assert score["score_mode"] == "sum"
    assert score["boost_mode"] == "multiply"
    assert score["functions"] == [
        {"weight": 1},
        {"field_value_factor": {"field": "popularity", "missing": 0}, "weight": 0.5},
    ]
    assert body["sort"] == [
        {"in_stock": {"order": "desc"}},
        {"_score": {"order": "desc"}},
        {"product_id": {"order": "desc"}},
    ]
    assert (body["from"], body["size"], body["track_total_hits"], body["_source"]) == (0, 24, 10000, False)
    assert "post_filter" not in body
    assert body["suggest"]["text"] == "sony hedphon"
    assert body["suggest"]["did_you_mean"]["phrase"]["field"] == "spell"


def test_body_for_phrase_exclusion_and_or(db):
    query = body_for(SearchQuery(text='"noise cancelling" -wired or earbuds'))["query"]["function_score"][
        "query"
    ]
    first, second = query["bool"]["must"][0]["bool"]["should"]
    assert first == {
        "bool": {
            "must": [
                {"multi_match": {"query": "noise cancelling", "fields": es.TEXT_FIELDS, "type": "phrase"}}
            ],
            "must_not": [
                {
                    "multi_match": {
                        "query": "wired",
                        "fields": es.EXACT_FIELDS,
                        "type": "best_fields",
                        "operator": "and",
                    }
                }
            ],
        }
    }
    earbuds = second["bool"]["must"][0]["bool"]["should"][0]["bool"]["should"]
    assert earbuds[0]["bool"]["should"][1] == {"match": {"title.edge": {"query": "earbuds"}}}
    assert earbuds[1] == {"multi_match": {"query": "earphones", **FUZZY}}  # a seeded synonym
    assert query["bool"]["should"][1]["match_phrase"]["title"]["query"] == "noise cancelling earbuds"


def units_of(text: str) -> dict:
    """The k-of-n clause of a one-group query and what it excludes."""
    group = body_for(SearchQuery(text=text))["query"]["function_score"]["query"]["bool"]["must"][0]["bool"]
    return {"units": group["must"][-1]["bool"]["should"], "must_not": group["must_not"]}


def test_body_needs_most_units_and_drops_stop_words_and_negations(db, settings):
    # "for", "the", "best" are stop words; "without oatmeal" is a negation: 4 units, 2 needed
    clause = units_of("the best dog shampoo for sensitive skin without oatmeal")
    assert [u["multi_match"]["query"] for u in clause["units"]] == ["dog", "shampoo", "sensitive", "skin"]
    settings.SEARCH_NEGATION = "ignore"
    assert units_of("the best dog shampoo for sensitive skin without oatmeal")["must_not"] == []
    assert [minimum_should_match(n) for n in range(1, 11)] == [1, 2, 2, 2, 3, 3, 4, 4, 5, 5]

    settings.SEARCH_NEGATION = "exclude"  # the default
    excluded = units_of("dog shampoo without oatmeal")["must_not"]
    assert excluded == [
        {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": "oatmeal",
                            "fields": es.EXACT_FIELDS,
                            "type": "best_fields",
                            "operator": "and",
                        }
                    }
                ],
                "must_not": [
                    {"multi_match": {"query": "oatmeal free", "fields": es.EXACT_FIELDS, "type": "phrase"}},
                    {
                        "multi_match": {
                            "query": "without oatmeal",
                            "fields": es.EXACT_FIELDS,
                            "type": "phrase",
                        }
                    },
                ],
            }
        }
    ]


def test_body_reads_numbers_with_units_as_phrases_and_x_free_as_a_boost(db):
    clause = units_of('65" tv 3.5mm sugar-free')
    assert clause["units"][0] == {
        "multi_match": {"query": "65 inch", "fields": es.TEXT_FIELDS, "type": "phrase"}
    }
    assert clause["units"][2] == {
        "multi_match": {"query": "3.5 mm", "fields": es.TEXT_FIELDS, "type": "phrase"}
    }
    should = body_for(SearchQuery(text="sugar free gum"))["query"]["function_score"]["query"]["bool"][
        "should"
    ]
    assert should[-1] == {
        "multi_match": {"query": "sugar free", "fields": es.EXACT_FIELDS, "type": "phrase"},
        "boost": 2,
    }


def test_body_for_only_stop_words_matches_nothing(db):
    assert body_for(SearchQuery(text="the for with"))["query"]["function_score"]["query"] == {
        "match_none": {}
    }


def test_body_for_no_text_matches_everything_by_popularity(db):
    body = body_for(SearchQuery(text="", sort="newest", facets=False))
    assert body["query"]["function_score"]["query"] == {"match_all": {}}
    assert body["sort"][1] == {"created_at": {"order": "desc"}}
    assert "aggs" not in body
    assert "suggest" not in body


def test_body_puts_filters_in_post_filter_and_each_facet_ignores_its_own(family):
    # given
    electronics, audio, _headphones = family["categories"]
    alpha, _beta, _gamma = family["sellers"]
    query = SearchQuery(
        text="headphones",
        filters={
            "category": ("audio",),
            "brand": ("sony", "nope"),
            "seller": ("alpha",),
            "condition": ("new",),
            "price_min": ("50",),
            "price_max": ("100",),
            "rating": ("4",),
            "in_stock": ("1",),
            "fbm": ("1",),
        },
        sort="price_asc",
        page=3,
        page_size=10,
    )
    # when
    body = body_for(query)
    # then
    clauses = {
        "category": {"term": {"category_ids": audio.pk}},
        "brand": {"terms": {"brand_id": [family["brand"].pk]}},
        "seller": {"terms": {"seller_ids": [alpha.pk]}},
        "condition": {"terms": {"conditions": ["new"]}},
        "price": {"range": {"price": {"gte": "50.00", "lt": "100.00"}}},
        "rating": {"range": {"rating_average": {"gte": 4}}},
        "in_stock": {"term": {"in_stock": True}},
        "fbm": {"term": {"fulfilled_by_marketplace": True}},
    }
    assert body["post_filter"] == {"bool": {"filter": list(clauses.values())}}
    assert body["sort"][1] == {"price": {"order": "asc", "missing": "_last"}}
    assert (body["from"], body["size"]) == (20, 10)

    def others(name, *extra):
        return {"bool": {"filter": [c for key, c in clauses.items() if key != name] + list(extra)}}

    aggs = body["aggs"]
    assert aggs["category"] == {
        "filter": others("category", clauses["category"]),
        "aggs": {"values": {"terms": {"field": "category_levels", "size": 30, "include": "2:.*"}}},
    }
    assert aggs["brand"] == {
        "filter": others("brand"),
        "aggs": {"values": {"terms": {"field": "brand_id", "size": 30}}},
    }
    assert aggs["seller"]["filter"] == others("seller")
    assert aggs["condition"]["aggs"]["values"]["terms"]["field"] == "conditions"
    assert aggs["price"] == {
        "filter": others("price"),
        "aggs": {
            "values": {
                "range": {
                    "field": "price",
                    "keyed": True,
                    "ranges": [
                        {"key": "0-25", "to": 25.0},
                        {"key": "25-50", "from": 25.0, "to": 50.0},
                        {"key": "50-100", "from": 50.0, "to": 100.0},
                        {"key": "100-200", "from": 100.0, "to": 200.0},
                        {"key": "200-", "from": 200.0},
                    ],
                }
            }
        },
    }
    assert aggs["rating"]["aggs"]["values"]["filters"]["filters"] == {
        str(r): {"range": {"rating_average": {"gte": r}}} for r in (4, 3, 2, 1)
    }
    assert aggs["in_stock"] == {"filter": others("in_stock", clauses["in_stock"])}
    assert aggs["fbm"] == {"filter": others("fbm", clauses["fbm"])}
    assert electronics.pk != audio.pk


def test_body_without_category_counts_top_level_departments(db):
    body = body_for(SearchQuery(text="lamp"))
    assert body["aggs"]["category"]["filter"] == {"match_all": {}}
    assert body["aggs"]["category"]["aggs"]["values"]["terms"]["include"] == "0:.*"


def test_page_window_stays_inside_the_result_window():
    assert es.page_window(1, 24) == (1, 0)
    assert es.page_window(0, 24) == (1, 0)
    assert es.page_window(10_000, 24) == (416, 9960)


@pytest.mark.parametrize("text", ["'", "&", "|", "!", ":", "\\", '"unbalanced', "-", "a" * 500, "🙂"])
def test_body_for_hostile_text_is_well_formed(db, text):
    body = body_for(SearchQuery(text=text))
    assert body["query"]["function_score"]["functions"][0] == {"weight": 1}


# Responses

RESPONSE = {
    "took": 7,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 2, "relation": "eq"},
        "max_score": None,
        "hits": [
            {"_index": "marketplace-products", "_id": "PARENT", "_score": 7.25, "sort": [1, 7.25, 0]},
            {"_index": "marketplace-products", "_id": "0", "_score": 1.5, "sort": [0, 1.5, 0]},
        ],
    },
    "aggregations": {
        "category": {
            "doc_count": 2,
            "values": {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": 0,
                "buckets": [{"key": "0:ELECTRONICS", "doc_count": 2}],
            },
        },
        "brand": {"doc_count": 2, "values": {"buckets": [{"key": "BRAND", "doc_count": 2}]}},
        "price": {
            "doc_count": 2,
            "values": {
                "buckets": {
                    "0-25": {"to": 25.0, "doc_count": 0},
                    "25-50": {"from": 25.0, "to": 50.0, "doc_count": 0},
                    "50-100": {"from": 50.0, "to": 100.0, "doc_count": 0},
                    "100-200": {"from": 100.0, "to": 200.0, "doc_count": 0},
                    "200-": {"from": 200.0, "doc_count": 1},
                }
            },
        },
        "rating": {
            "doc_count": 2,
            "values": {
                "buckets": {
                    "4": {"doc_count": 1},
                    "3": {"doc_count": 1},
                    "2": {"doc_count": 1},
                    "1": {"doc_count": 1},
                }
            },
        },
        "seller": {
            "doc_count": 2,
            "values": {"buckets": [{"key": "ALPHA", "doc_count": 1}, {"key": "BETA", "doc_count": 1}]},
        },
        "condition": {
            "doc_count": 2,
            "values": {"buckets": [{"key": "new", "doc_count": 1}, {"key": "used_good", "doc_count": 1}]},
        },
        "in_stock": {"doc_count": 1},
        "fbm": {"doc_count": 1},
    },
    "suggest": {
        "did_you_mean": [
            {
                "text": "sony hedphones",
                "offset": 0,
                "length": 14,
                "options": [{"text": "sony headphones", "score": 0.0123}],
            }
        ]
    },
}


def response_for(family) -> dict:
    """The fixture response with the family's real ids in place of the placeholders."""
    alpha, beta, _gamma = family["sellers"]
    electronics = family["categories"][0]
    response = copy.deepcopy(RESPONSE)
    response["hits"]["hits"][0]["_id"] = str(family["parent"].pk)
    aggs = response["aggregations"]
    aggs["category"]["values"]["buckets"][0]["key"] = f"0:{electronics.pk}"
    aggs["brand"]["values"]["buckets"][0]["key"] = family["brand"].pk
    aggs["seller"]["values"]["buckets"][0]["key"] = alpha.pk
    aggs["seller"]["values"]["buckets"][1]["key"] = beta.pk
    return response


def test_response_becomes_the_same_search_result(family):
    # given
    alpha, beta, _gamma = family["sellers"]
    query = SearchQuery(text="sony hedphones", filters={"brand": ("sony",), "colour": ("red",)})
    filters = resolve_filters(query)
    # when
    result = es.parse_search_response(
        response_for(family), query=query, parsed=parse(query.text), filters=filters, page=1, page_size=24
    )
    # then
    assert [(hit.product_id, hit.score) for hit in result.hits] == [(family["parent"].pk, 7.25), (0, 1.5)]
    assert (result.total, result.total_is_lower_bound, result.page, result.num_pages) == (2, False, 1, 1)
    assert result.did_you_mean == "sony headphones"
    assert result.corrected_words == {"hedphones": "headphones"}
    assert [(a.name, a.value, a.label) for a in result.applied_filters] == [("brand", "sony", "Sony")]
    assert [(n.name, n.value, n.reason) for n in result.not_applied] == [("colour", "red", "unknown filter")]
    assert result.facets_are_sampled is False
    facets = {f.name: [(v.value, v.label, v.count, v.selected) for v in f.values] for f in result.facets}
    assert facets == {
        "category": [("electronics", "Electronics", 2, False)],
        "brand": [("sony", "Sony", 2, True)],
        "price": [("200-", "$200 & above", 1, False)],
        "rating": [(str(r), f"{r} stars & up", 1, False) for r in (4, 3, 2, 1)],
        "seller": [("alpha", alpha.name, 1, False), ("beta", beta.name, 1, False)],
        "condition": [("new", "New", 1, False), ("used_good", "Used - Good", 1, False)],
        "availability": [
            ("in_stock", "In stock", 1, False),
            ("fbm", "Fulfilled by the marketplace", 1, False),
        ],
    }


def test_response_total_past_the_window_is_a_lower_bound(db):
    response = {"hits": {"total": {"value": 10000, "relation": "gte"}, "hits": []}}
    query = SearchQuery(text="cable", page_size=24, facets=False)
    result = es.parse_search_response(
        response, query=query, parsed=parse(query.text), filters=resolve_filters(query), page=1, page_size=24
    )
    assert (result.total, result.total_is_lower_bound, result.num_pages) == (10000, True, 417)
    assert (result.facets, result.did_you_mean, result.hits) == ([], None, [])


def test_a_suggestion_equal_to_the_query_is_no_suggestion():
    response = {"suggest": {"did_you_mean": [{"text": "sony", "options": [{"text": "sony", "score": 1.0}]}]}}
    assert es.did_you_mean(response, parse("Sony")) == (None, {})
    assert es.did_you_mean({}, parse("sony")) == (None, {})


# Backend selection and indexing through the outbox


def test_backend_is_chosen_by_setting(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    assert type(get_backend()).__name__ == "ElasticsearchBackend"


@pytest.fixture
def elasticsearch_backend(settings):
    """SEARCH_BACKEND=elasticsearch with its outbox subscriptions; restored afterwards."""
    settings.SEARCH_BACKEND = "elasticsearch"
    saved = {name: events.async_handlers(name) for name in es.INDEX_EVENTS}
    es.subscribe_indexing()
    yield
    for name, handlers in saved.items():
        events._async_handlers[name] = handlers


@pytest.fixture
def bulk_requests(monkeypatch):
    """Stand in for the Elasticsearch bulk API (no server here); record what would be sent."""
    sent = []

    def bulk(client, actions, **options):
        actions = list(actions)
        sent.append(actions)
        return len(actions), []

    monkeypatch.setattr("elasticsearch.helpers.bulk", bulk)
    return sent


def test_postgres_backend_writes_no_outbox_rows_for_search(family, settings):
    settings.SEARCH_BACKEND = "postgres"
    product_refresh_buy_box(product_ids=[family["parent"].pk])
    assert not OutboxEvent.objects.filter(name="product.changed").exists()


def test_buy_box_refresh_indexes_through_the_outbox_after_commit(
    family, elasticsearch_backend, bulk_requests, django_capture_on_commit_callbacks
):
    # given
    parent, black = family["parent"], family["black"]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        product_refresh_buy_box(product_ids=[black.pk])
        assert bulk_requests == []  # nothing is sent inside the transaction
    # then
    event = OutboxEvent.objects.get(name="product.changed")
    assert event.dispatched_at is not None
    assert event.handlers_done == [es.HANDLER_PATH]
    [actions] = bulk_requests
    indexed = [(a["_op_type"], a["_id"]) for a in actions]
    assert ("index", parent.pk) in indexed
    assert ("delete", black.pk) in indexed  # a variation has no document of its own
    source = next(a["_source"] for a in actions if a["_id"] == parent.pk)
    assert (source["price"], source["seller_count"]) == (219.0, 2)


def test_change_events_reindex_the_products_of_offers(
    family, elasticsearch_backend, bulk_requests, django_capture_on_commit_callbacks
):
    offer = family["black"].offers.first()
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("offer.changed", offer_ids=[offer.pk])
    [actions] = bulk_requests
    assert {(a["_op_type"], a["_id"]) for a in actions} == {
        ("index", family["parent"].pk),
        ("delete", family["black"].pk),
    }


def test_a_refused_document_leaves_the_event_to_retry(
    family, elasticsearch_backend, monkeypatch, django_capture_on_commit_callbacks
):
    def bulk(client, actions, **options):
        actions = list(actions)
        return 0, [
            {"index": {"_id": str(a["_id"]), "status": 400, "error": {"type": "mapper_parsing_exception"}}}
            for a in actions
        ]

    monkeypatch.setattr("elasticsearch.helpers.bulk", bulk)
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("product.changed", product_ids=[family["parent"].pk])
    event = OutboxEvent.objects.get(name="product.changed")
    assert event.dispatched_at is None
    assert "refused 1 documents" in event.last_error
