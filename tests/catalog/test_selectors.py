from decimal import Decimal

import pytest
from django.http import Http404

from catalog import selectors
from catalog.forms import ProductFilterForm
from catalog.selectors import ProductFilters
from catalog.services import product_refresh_buy_box
from tests.catalog.factories import BrandFactory, CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory

pytestmark = pytest.mark.django_db


def stocked(product, price, on_hand=5, **offer_fields):
    offer = OfferFactory(product=product, price_amount=Decimal(price), **offer_fields)
    if on_hand:
        StockFactory(offer=offer, on_hand=on_hand)
    return offer


@pytest.fixture
def tree():
    root = CategoryFactory(name="Home")
    kitchen = CategoryFactory(name="Kitchen", parent=root)
    knives = CategoryFactory(name="Knives", parent=kitchen)
    hidden = CategoryFactory(name="Hidden", parent=kitchen, is_active=False)
    brand = BrandFactory(name="Edge", slug="edge")
    products = {
        "pan": ProductFactory(title="Pan", category=kitchen, sales_count=5, rating_average=Decimal("4.2")),
        "knife": ProductFactory(title="Knife", category=knives, brand=brand, sales_count=9),
        "lamp": ProductFactory(title="Lamp", category=root, sales_count=100),
        "secret": ProductFactory(title="Secret", category=hidden, sales_count=50),
        "retired": ProductFactory(title="Retired", category=kitchen, is_active=False),
    }
    products["variant"] = ProductFactory(title="Lamp XL", category=kitchen, parent=products["lamp"])
    stocked(products["pan"], "30.00")
    stocked(products["knife"], "12.50")
    product_refresh_buy_box(product_ids=[p.pk for p in products.values()])
    return {"root": root, "kitchen": kitchen, "knives": knives, "products": products}


def test_category_list_covers_active_descendants_and_listed_products_only(tree):
    products = selectors.product_list_for_category(category=tree["kitchen"], filters=ProductFilters())

    assert [p.title for p in products] == ["Knife", "Pan"]


def test_category_list_filters_and_sorts(tree):
    kitchen = tree["kitchen"]

    def titles(**filters):
        return [
            p.title
            for p in selectors.product_list_for_category(category=kitchen, filters=ProductFilters(**filters))
        ]

    assert titles(sort="price_desc") == ["Pan", "Knife"]
    assert titles(brands=("edge",)) == ["Knife"]
    assert titles(price_min=Decimal("13")) == ["Pan"]
    assert titles(price_max=Decimal("12.50")) == ["Knife"]
    assert titles(rating_min=4) == ["Pan"]
    assert titles(sort="no-such-sort") == ["Knife", "Pan"]


def test_brand_facets_count_listed_products_in_the_subtree(tree):
    facets = selectors.brand_facets_for_category(category=tree["kitchen"], selected=("edge",))

    assert [(f.name, f.count, f.selected) for f in facets] == [
        (tree["products"]["pan"].brand.name, 1, False),  # "Brand <n>" sorts before "Edge"
        ("Edge", 1, True),
    ]


def test_category_ancestors_come_root_first(tree):
    assert [c.name for c in selectors.category_ancestors(category=tree["knives"])] == ["Home", "Kitchen"]
    assert selectors.category_ancestors(category=tree["root"]) == []


def test_category_get_hides_inactive_categories(tree):
    with pytest.raises(Http404):
        selectors.category_get(slug=tree["products"]["secret"].category.slug)


def test_product_page_falls_back_to_the_live_winner_when_the_cached_one_sold_out():
    product = ProductFactory()
    cached = stocked(product, "10.00")
    runner_up = stocked(product, "11.00")
    product_refresh_buy_box(product_ids=[product.pk])
    cached.stocks.update(reserved=5)  # sold out since the cache was written

    page = selectors.product_page_get(slug=product.slug)

    assert page.buy_box == runner_up
    assert page.other_offers == [cached]
    assert page.other_offers[0].available == 0


@pytest.mark.parametrize(
    ("data", "expected", "notices"),
    [
        ({}, ProductFilters(), []),
        (
            {
                "sort": "rating",
                "brand": ["edge", "nope"],
                "price_min": "5",
                "price_max": "9.99",
                "rating": "3",
            },
            ProductFilters(
                sort="rating",
                brands=("edge",),
                price_min=Decimal("5"),
                price_max=Decimal("9.99"),
                rating_min=3,
            ),
            [],
        ),
        ({"sort": "sideways", "price_max": "-1"}, ProductFilters(), ["price"]),
        ({"price_min": "abc", "rating": "9"}, ProductFilters(), ["price", "rating"]),
        (
            {"price_min": "40", "price_max": "10"},
            ProductFilters(price_min=Decimal("10"), price_max=Decimal("40")),
            [],
        ),
    ],
)
def test_filter_form_keeps_what_parses(data, expected, notices):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    form = ProductFilterForm(query, brand_slugs=["edge"])

    assert form.filters() == expected
    assert [
        n for n in ("price", "rating") if any(f"the {n} filter" in text for text in form.notices)
    ] == notices
