"""The search results page and the autocomplete endpoint."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from catalog.services import product_refresh_buy_box
from tests.catalog.factories import CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory

SEARCH = "/search/"


def get(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response


def slugs(response):
    return [p.slug for p in response.context["products"]]


def test_results_page_shows_hits_count_facets_and_sort(search_catalog, client):
    response = get(client, q="headphones")
    html = response.content.decode()

    assert slugs(response) == ["sony-wh", "bose-qc", "stand", "sony-buds"]
    assert "4 results" in html
    assert '<details class="facet" data-facet="brand" open>' in html
    assert '<a href="/search/?q=headphones&amp;brand=sony">Sony</a> <span class="muted">(2)</span>' in html
    assert '<option value="price_asc">Price: low to high</option>' in html
    assert '<meta name="robots" content="noindex">' in html


def test_facet_link_narrows_and_chip_removes_the_filter(search_catalog, client):
    response = get(client, q="headphones", brand="sony")
    html = response.content.decode()

    assert slugs(response) == ["sony-wh", "sony-buds"]
    assert (
        '<a class="chip chip--removable" href="/search/?q=headphones">'
        '<span class="visually-hidden">Remove filter: </span>Sony <span aria-hidden="true">&times;</span></a>'
    ) in html
    # The brand facet ignores its own filter: Bose can still be added.
    assert '<a href="/search/?q=headphones&amp;brand=sony&amp;brand=bose">Bose</a>' in html


def test_every_state_lives_in_the_url(search_catalog, client):
    response = get(
        client, q="sony or samsung", category="electronics", price_min="40", sort="price_asc", page="2"
    )

    assert response.context["page_obj"].number == 1  # 5 hits fit on one page
    assert slugs(response) == ["sony-buds", "sony-wh", "qled", "galaxy", "bravia", "charger"][:5]
    html = response.content.decode()
    assert '<input type="hidden" name="category" value="electronics">' in html
    assert '<option value="price_asc" selected>' in html


def test_did_you_mean_links_to_the_corrected_query(search_catalog, client):
    html = get(client, q="hedphones").content.decode()

    assert 'Including results for <a href="/search/?q=headphones"><strong>headphones</strong></a>?' in html


def test_zero_results_page_helps(search_catalog, client):
    response = get(client, q="zzzzqqq", brand="sony")
    html = response.content.decode()

    assert response.context["products"] == []
    assert 'No results for "zzzzqqq"' in html
    assert '<a href="/search/?q=zzzzqqq">Search again without the filters</a>' in html
    assert "Popular categories" in html
    assert 'href="/c/electronics/"' in html


def test_empty_query_shows_the_category_landing(search_catalog, client):
    for q in ("", "   ", "-sony", "&|!"):
        response = get(client, q=q)
        assert "result" not in response.context
        assert 'href="/c/kitchen/"' in response.content.decode()


def test_unknown_filter_values_are_reported(search_catalog, client):
    html = get(client, q="headphones", brand="nosuch", rating="x").content.decode()

    assert "We ignored the filter brand=nosuch: no such brand." in html
    assert "We ignored the filter rating=x: not a rating from 1 to 4." in html


def test_page_beyond_the_end_shows_the_last_page(search_catalog, client, settings):
    settings.CATALOG_PAGE_SIZE = 2
    response = get(client, q="sony or samsung", page="40")

    assert response.context["page_obj"].number == 3
    assert slugs(response) == ["bravia", "charger"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "'"},
        {"q": '"unbalanced'},
        {"q": "a & b | c ! d : e \\ f"},
        {"q": "x" * 3000},
        {"q": "sony", "page": "-5"},
        {"q": "sony", "page": "abc"},
        {"q": "sony", "page": "99999999999999999999"},
        {"q": "sony", "price_min": "NaN", "price_max": "1e999"},
        {"q": "sony", "price_min": "-3"},
        {"q": "sony", "sort": "' OR 1=1"},
        {"q": "sony", "category": "'"},
        {"q": "sony", "in_stock": "maybe"},
    ],
)
def test_bad_input_never_errors(search_catalog, client, params):
    get(client, **params)


def _lamps(count):
    category = CategoryFactory()
    warehouse = WarehouseFactory()
    products = []
    for i in range(count):
        product = ProductFactory(category=category, title=f"Desk lamp {i}", slug=f"lamp-{i}")
        offer = OfferFactory(product=product, price_amount=Decimal("10.00") + i)
        StockFactory(offer=offer, warehouse=warehouse)
        products.append(product)
    product_refresh_buy_box(product_ids=[p.pk for p in products])


@pytest.mark.parametrize("count", [3, 30])
def test_results_page_query_count_is_constant(count, db, client, django_assert_num_queries):
    _lamps(count)
    get(client, q="lamp")  # warm the navigation cache and the vocabulary

    # word check, filter slugs, hits with total, facets, facet labels, products, images
    with django_assert_num_queries(7):
        response = get(client, q="lamp", brand=["nosuch"], sort="price_asc")
    assert len(response.context["products"]) == min(count, 24)


# Autocomplete


def test_suggest_returns_completions_categories_and_products(search_catalog, client):
    cache.clear()
    response = client.get(reverse("catalog:search-suggest"), {"q": "Headph"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "query": "headph",
        "completions": ["headphones", "headphone"],
        "categories": [{"name": "Headphones", "url": "/c/headphones/"}],
        "products": [
            {
                "title": "Sony WH-1000XM5 Wireless Noise Cancelling Headphones",
                "url": "/p/sony-wh/",
                "price": "348.00",
            },
            {"title": "Bose QuietComfort Headphones", "url": "/p/bose-qc/", "price": "299.00"},
            {"title": "Wooden Headphone Stand", "url": "/p/stand/", "price": "22.00"},
            {"title": "Sony In-Ear Earbuds", "url": "/p/sony-buds/", "price": "49.99"},
        ],
    }


def test_suggest_is_cached_by_normalised_prefix(search_catalog, client, django_assert_num_queries):
    cache.clear()
    client.get(reverse("catalog:search-suggest"), {"q": "samsung ga"})

    with django_assert_num_queries(0):
        response = client.get(reverse("catalog:search-suggest"), {"q": "  Samsung   GA"})
    assert json.loads(response.content)["completions"] == ["samsung galaxy"]


def test_suggest_corrects_typos_and_ignores_short_or_odd_input(search_catalog, client):
    cache.clear()
    url = reverse("catalog:search-suggest")

    assert json.loads(client.get(url, {"q": "samsnug"}).content)["completions"] == ["samsung"]
    for q in ("", "a", "&&", "'\\"):
        assert json.loads(client.get(url, {"q": q}).content)["products"] == []


def test_header_includes_the_autocomplete_script(db):
    html = Client().get("/").content.decode()

    assert '<script src="/static/js/search.js" data-suggest-url="/search/suggest/" defer></script>' in html


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("brand", "so\x00ny"),
        ("category", "\x00"),
        ("seller", "acme\x1b[31m"),
        ("condition", "new\x00"),
        ("price_min", "1\x00"),
        ("rating", "4\x00"),
        ("in_stock", "1\x7f"),
    ],
)
def test_a_filter_with_a_control_character_is_ignored_with_a_reason_not_a_500(
    search_catalog, client, name, value
):
    response = get(client, q="headphones", **{name: value})

    html = response.content.decode()
    assert "\x00" not in html
    assert [(n.name, n.reason) for n in response.context["result"].not_applied] == [
        (name, "contains control characters")
    ]
    assert f"We ignored the filter {name}=" in html
    assert ": contains control characters." in html


@pytest.mark.parametrize("value", ["9" * 5000, "\u00b2"])
def test_a_rating_of_5000_digits_or_a_superscript_is_not_a_rating_not_a_500(search_catalog, client, value):
    response = get(client, q="headphones", rating=value)

    assert [(n.name, n.reason) for n in response.context["result"].not_applied] == [
        ("rating", "not a rating from 1 to 4")
    ]
