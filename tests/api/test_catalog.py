"""The catalog's read endpoints: content, filters, 404s, 400s, ETags and query budgets."""

from decimal import Decimal

import pytest

from catalog.models import Category, Product
from tests.api.conftest import assert_problem, make_listed
from tests.catalog.factories import BrandFactory, CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


# Categories


def test_category_tree_nests_active_categories_in_order(api):
    home = CategoryFactory(name="Home", slug="home", position=2)
    tech = CategoryFactory(name="Tech", slug="tech", position=1)
    CategoryFactory(name="Phones", slug="phones", parent=tech)
    hidden = CategoryFactory(name="Hidden", slug="hidden", parent=tech)
    CategoryFactory(name="Under hidden", slug="under-hidden", parent=hidden)
    Category.objects.filter(pk=hidden.pk).update(is_active=False)

    response = api.get("/api/v1/categories/")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": tech.pk,
            "slug": "tech",
            "name": "Tech",
            "children": [
                {
                    "id": tech.children.get(slug="phones").pk,
                    "slug": "phones",
                    "name": "Phones",
                    "children": [],
                },
            ],
        },
        {"id": home.pk, "slug": "home", "name": "Home", "children": []},
    ]


def test_category_tree_is_one_query(api, django_assert_num_queries):
    for n in range(5):
        CategoryFactory(parent=CategoryFactory(slug=f"root-{n}"))
    with django_assert_num_queries(1):
        assert api.get("/api/v1/categories/").status_code == 200


# Products list


@pytest.fixture
def shelf():
    """Two categories, two brands, products with prices, ratings and stock."""
    tech = CategoryFactory(name="Tech", slug="tech")
    phones = CategoryFactory(name="Phones", slug="phones", parent=tech)
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    acme, zeta = BrandFactory(slug="acme"), BrandFactory(slug="zeta")
    return {
        "phone": make_listed(
            phones, "300.00", title="Phone", brand=acme, rating_average=Decimal("4.5"), sales_count=9
        ),
        "cable": make_listed(
            tech, "9.00", title="Cable", brand=zeta, rating_average=Decimal("3.1"), sales_count=30
        ),
        "pan": make_listed(
            kitchen, "25.00", title="Pan", brand=acme, rating_average=Decimal("4.0"), sales_count=3
        ),
        "gone": make_listed(kitchen, "15.00", title="Sold out", brand=zeta, stock=0, sales_count=1),
    }


def test_products_list_shows_cards(api, shelf):
    response = api.get("/api/v1/products/")
    assert titles(response) == ["Cable", "Phone", "Pan", "Sold out"]  # featured: best sellers first
    phone = response.json()["results"][1]
    assert phone["slug"] == shelf["phone"].slug
    assert phone["price"] == "300.00" and phone["currency"] == "USD"
    assert phone["in_stock"] is True and phone["offer_count"] == 1
    assert phone["url"] == f"http://testserver/api/v1/products/{shelf['phone'].slug}/"
    assert phone["image"]["url"].endswith(f"products/{shelf['phone'].slug}.jpg")


def test_inactive_products_and_variations_are_not_listed(api, shelf):
    Product.objects.filter(pk=shelf["pan"].pk).update(is_active=False)
    ProductFactory(parent=shelf["phone"], category=shelf["phone"].category, title="Phone, blue")
    assert "Pan" not in titles(api.get("/api/v1/products/"))
    assert "Phone, blue" not in titles(api.get("/api/v1/products/"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "tech"}, ["Cable", "Phone"]),  # with its subcategories
        ({"category": "phones"}, ["Phone"]),
        ({"brand": ["acme"]}, ["Phone", "Pan"]),
        ({"brand": ["acme", "zeta"], "category": "kitchen"}, ["Pan", "Sold out"]),
        ({"price_min": "10", "price_max": "100"}, ["Pan"]),  # no buy box, no price
        ({"rating": "4"}, ["Phone", "Pan"]),
        ({"in_stock": "true"}, ["Cable", "Phone", "Pan"]),
        ({"in_stock": "false"}, ["Sold out"]),
        ({"sort": "price_asc"}, ["Cable", "Pan", "Phone", "Sold out"]),  # no price: last
        ({"sort": "price_desc"}, ["Phone", "Pan", "Cable", "Sold out"]),
        ({"sort": "rating"}, ["Phone", "Pan", "Cable", "Sold out"]),
        ({"sort": "newest"}, ["Sold out", "Pan", "Cable", "Phone"]),
    ],
)
def test_products_list_filters_and_sorts_like_the_storefront(api, shelf, params, expected):
    assert titles(api.get("/api/v1/products/", params)) == expected


def test_price_sort_pages_past_products_without_a_price(api, shelf):
    """A product with no buy box has no price: it sorts last and its cursor still works."""
    ProductFactory(category=shelf["pan"].category, title="No offer")
    seen, url = [], "/api/v1/products/?sort=price_asc&page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["title"] for row in body["results"]]
        url = body["next"]
    assert seen == ["Cable", "Pan", "Phone", "Sold out", "No offer"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"price_min": "abc"}, "price_min"),
        ({"price_min": "-1"}, "price_min"),
        ({"price_min": "50", "price_max": "10"}, "price_max"),
        ({"rating": "9"}, "rating"),
        ({"rating": "four"}, "rating"),
        ({"sort": "cheapest"}, "sort"),
        ({"in_stock": "maybe"}, "in_stock"),
        ({"category": "no-such-category"}, "category"),
        ({"category": "bad slug!"}, "category"),
        ({"brand": ["ok", "not a slug"]}, "brand"),
    ],
)
def test_bad_list_parameters_are_400_problems(api, shelf, params, field):
    body = assert_problem(api.get("/api/v1/products/", params), 400)
    assert field in body["errors"]


def test_products_list_query_count_does_not_grow_with_rows(api, django_assert_num_queries):
    category = CategoryFactory(slug="bulk")
    for _ in range(3):
        make_listed(category, "5.00")
    with django_assert_num_queries(3) as small:  # category, products, images
        assert len(api.get("/api/v1/products/?category=bulk&page_size=50").json()["results"]) == 3
    for _ in range(27):
        make_listed(category, "5.00")
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/api/v1/products/?category=bulk&page_size=50").json()["results"]) == 30


# Product detail


def test_product_detail_has_offers_buy_box_images_and_breadcrumbs(api, shelf):
    phone = shelf["phone"]
    cheaper = OfferFactory(product=phone, price_amount=Decimal("280.00"))
    StockFactory(offer=cheaper, on_hand=3)
    from catalog.services import product_refresh_buy_box

    product_refresh_buy_box(product_ids=[phone.pk])

    response = api.get(f"/api/v1/products/{phone.slug}/")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Phone"
    assert [crumb["slug"] for crumb in body["breadcrumbs"]] == ["tech", "phones"]
    assert body["category"]["slug"] == "phones"
    assert body["buy_box"]["id"] == cheaper.pk and body["buy_box"]["price"] == "280.00"
    assert body["buy_box"]["available"] == 3
    assert [offer["price"] for offer in body["other_offers"]] == ["300.00"]
    assert body["images"][0]["width"] == 400
    assert body["attributes"] == {"Colour": "Black"}
    assert body["rating_average"] == "4.50"


def test_product_detail_of_a_family_shows_its_variations(api):
    category = CategoryFactory()
    parent = ProductFactory(category=category, title="Shirt", variation_theme="Size")
    small = make_listed(category, "10.00", parent=parent, title="Shirt S", variant_attributes={"Size": "S"})
    make_listed(category, "12.00", parent=parent, title="Shirt M", variant_attributes={"Size": "M"}, stock=0)
    from catalog.services import product_refresh_buy_box

    product_refresh_buy_box(product_ids=[parent.pk])

    body = api.get(f"/api/v1/products/{parent.slug}/").json()

    assert body["variation_theme"] == "Size"
    assert [v["title"] for v in body["variants"]] == ["Shirt S", "Shirt M"]
    assert body["selected_variant"] == small.slug
    assert body["attributes"]["Size"] == "S"


def test_inactive_and_unknown_products_are_404(api, shelf):
    Product.objects.filter(pk=shelf["pan"].pk).update(is_active=False)
    assert_problem(api.get(f"/api/v1/products/{shelf['pan'].slug}/"), 404)
    assert_problem(api.get("/api/v1/products/nothing-here/"), 404)


# ETags


@pytest.mark.parametrize("url", ["/api/v1/categories/", "/api/v1/products/", "/api/v1/products/{slug}/"])
def test_catalog_reads_answer_304_to_a_matching_etag(api, shelf, url):
    url = url.format(slug=shelf["phone"].slug)
    first = api.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')

    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert api.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304
    assert api.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_etag_changes_when_the_product_changes(api, shelf):
    url = f"/api/v1/products/{shelf['phone'].slug}/"
    etag = api.get(url)["ETag"]
    Product.objects.filter(pk=shelf["phone"].pk).update(title="Phone 2")
    response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


# Search and suggestions


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_search_ranks_like_the_storefront(api, search_catalog):
    response = api.get("/api/v1/search/", {"q": "headphones"})
    assert slugs(response) == ["sony-wh", "bose-qc", "stand", "sony-buds"]
    body = response.json()
    assert body["total"] == 4 and body["page"] == 1
    brand = next(facet for facet in body["facets"] if facet["name"] == "brand")
    assert {"value": "sony", "label": "Sony", "count": 2, "selected": False} in brand["values"]


def test_search_filters_by_the_storefront_names(api, search_catalog):
    assert slugs(api.get("/api/v1/search/", {"q": "headphones", "brand": "sony"})) == ["sony-wh", "sony-buds"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x", "page": "0"}, "page"),
        ({"q": "x", "sort": "best"}, "sort"),
    ],
)
def test_bad_search_parameters_are_400(api, params, field):
    body = assert_problem(api.get("/api/v1/search/", params), 400)
    assert field in body["errors"]


def test_suggestions_complete_what_was_typed(api, search_catalog):
    body = api.get("/api/v1/search/suggestions/", {"q": "head"}).json()
    assert set(body) == {"query", "completions", "categories", "products"}
    assert body["completions"]
    assert api.get("/api/v1/search/suggestions/").json()["completions"] == []


def test_product_detail_query_count_does_not_grow_with_offers_and_variations(api, django_assert_num_queries):
    category = CategoryFactory()
    parent = ProductFactory(category=category, title="Shirt", variation_theme="Size")
    make_listed(category, "10.00", parent=parent, variant_attributes={"Size": "S"})
    from catalog.services import product_refresh_buy_box

    product_refresh_buy_box(product_ids=[parent.pk])
    with django_assert_num_queries(4) as few:  # product, images, variations, offers (a root category)
        assert api.get(f"/api/v1/products/{parent.slug}/").status_code == 200
    for size in ("M", "L", "XL"):
        variant = make_listed(category, "12.00", parent=parent, variant_attributes={"Size": size})
        OfferFactory(product=variant, price_amount=Decimal("13.00"))
    product_refresh_buy_box(product_ids=[parent.pk])
    with django_assert_num_queries(len(few.captured_queries)):
        assert api.get(f"/api/v1/products/{parent.slug}/").status_code == 200
