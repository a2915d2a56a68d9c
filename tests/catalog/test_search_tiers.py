"""Popularity tiers and filter tags of the PostgreSQL search documents.

A search looks for its best matches in the top popularity tier first, then the next, then
everywhere (catalog/search/backends/postgres/sql.py, ``staged``). That must give exactly the
candidates of one plain ordered query, wherever the cap falls: in the first tier, the second
or beyond both.
"""

from decimal import Decimal

import pytest
from django.db import connection

from catalog.models import ProductSearchDocument
from catalog.search import SearchQuery, search
from catalog.search.backends import postgres
from catalog.search.indexing import search_index_retag
from catalog.services import product_refresh_buy_box
from tests.catalog.factories import BrandFactory, CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

# (sales, rating, rating count, units on hand): tier 1 needs popularity >= 0.88, tier 2 >= 0.74
LAMPS = [
    (1000, "5.00", 1000, 5),  # tier 1 (popularity 1.0)
    (1000, "4.90", 500, 5),  # tier 1
    (1000, "3.50", 10, 5),  # tier 1 (0.88)
    (1000, "5.00", 1000, 0),  # out of stock: no tier, sinks
    (100, "4.90", 800, 5),  # tier 2 (0.79)
    (100, "4.50", 40, 5),  # tier 2 (0.75)
    (30, "4.00", 20, 5),  # no tier (0.58)
    (0, "0.00", 0, 5),  # no tier (0.28)
    (0, "0.00", 0, 5),  # no tier
]


@pytest.fixture
def lamps(db):
    top = CategoryFactory(name="Lighting", slug="lighting")
    desk = CategoryFactory(name="Desk", slug="desk", parent=top)
    brands = [BrandFactory(name="Lumen", slug="lumen"), BrandFactory(name="Glow", slug="glow")]
    seller = SellerFactory()
    warehouse = WarehouseFactory()
    products = []
    for n, (sales, rating, count, units) in enumerate(LAMPS):
        product = ProductFactory(
            title=f"Lamp model {n}",
            slug=f"lamp-{n}",
            category=desk if n % 2 else top,
            brand=brands[n % 2],
            sales_count=sales,
            rating_average=Decimal(rating),
            rating_count=count,
        )
        offer = OfferFactory(product=product, seller=seller, price_amount=Decimal("30.00"))
        StockFactory(offer=offer, warehouse=warehouse, on_hand=units)
        products.append(product)
    product_refresh_buy_box(product_ids=[p.pk for p in products])
    return products


def tags_of(product_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(l ORDER BY l) FROM catalog_productsearchdocument, "
            "unnest(tsvector_to_array(document)) l WHERE product_id = %s AND l LIKE '\\_%%'",
            [product_id],
        )
        return cursor.fetchone()[0]


def best(n, **filters):
    """The first n documents by the plain order: in stock first, then popularity, then newest id."""
    rows = ProductSearchDocument.objects.filter(**filters).order_by("-in_stock", "-popularity", "-product_id")
    return set(rows.values_list("product_id", flat=True)[:n])


def test_documents_carry_tier_filter_and_title_tags(lamps):
    desk, top = lamps[1].category, lamps[0].category
    b0, b1 = lamps[0].brand_id, lamps[1].brand_id
    seller = lamps[0].offers.get().seller_id
    assert tags_of(lamps[0].pk) == sorted(
        ["_t1", "_t2", f"_c{top.pk}", f"_b{b0}", f"_v{seller}", "_knew", "_p1"]
        + ["_r1", "_r2", "_r3", "_r4", "_a0", "_alamp", "_amodel", "_alumen"]
    )
    assert tags_of(lamps[1].pk) == sorted(
        ["_t1", "_t2", f"_c{top.pk}", f"_c{desk.pk}", f"_b{b1}", f"_v{seller}", "_knew", "_p1"]
        + ["_r1", "_r2", "_r3", "_r4", "_a1", "_alamp", "_amodel", "_aglow"]
    )
    out_of_stock = tags_of(lamps[3].pk)
    assert "_t1" not in out_of_stock and f"_v{seller}" not in out_of_stock
    assert [t for t in tags_of(lamps[4].pk) if t.startswith("_t")] == ["_t2"]
    assert [t for t in tags_of(lamps[7].pk) if t.startswith(("_t", "_r"))] == []


def test_retag_recomputes_tags_and_leaves_the_text(lamps):
    ProductSearchDocument.objects.filter(product_id=lamps[6].pk).update(popularity=0.95)
    before = search(SearchQuery(text="lamp model")).total
    assert search_index_retag() == 1
    assert "_t1" in tags_of(lamps[6].pk)
    assert search_index_retag() == 0
    assert search(SearchQuery(text="lamp model")).total == before


@pytest.mark.parametrize("cap", [1, 2, 3, 4, 5, 7, 20])
def test_candidates_are_the_best_matches_wherever_the_cap_falls(lamps, monkeypatch, cap):
    monkeypatch.setattr(postgres, "CANDIDATE_CAP", cap)
    result = search(SearchQuery(text="lamp", page_size=50))
    # every lamp matches in its title, so the candidates are the best cap + 1 by popularity
    assert {hit.product_id for hit in result.hits} == best(cap + 1)
    assert result.total_is_lower_bound == (cap + 1 < len(LAMPS))


@pytest.mark.parametrize("cap", [1, 2, 4])
def test_tag_filters_select_the_same_candidates_as_the_plain_filters(lamps, monkeypatch, cap):
    monkeypatch.setattr(postgres, "CANDIDATE_CAP", cap)
    desk = lamps[1].category
    by_category = search(SearchQuery(text="lamp", filters={"category": ("desk",)}, page_size=50))
    assert {hit.product_id for hit in by_category.hits} == best(cap + 1, category_id=desk.pk)
    by_brand = search(SearchQuery(filters={"brand": ("lumen",)}, page_size=50))
    assert {hit.product_id for hit in by_brand.hits} == best(cap + 1, brand_id=lamps[0].brand_id)


@pytest.mark.parametrize("sample", [1, 2, 4, 6, 50])
def test_facets_count_the_best_matches_wherever_the_sample_ends(lamps, monkeypatch, sample):
    monkeypatch.setattr(postgres, "FACET_SAMPLE", sample)
    result = search(SearchQuery(text="lamp"))
    counted = best(sample)
    brands = {
        value.label: value.count for facet in result.facets if facet.name == "brand" for value in facet.values
    }
    expected = {}
    for product in lamps:
        if product.pk in counted:
            expected[product.brand.name] = expected.get(product.brand.name, 0) + 1
    assert brands == expected
    assert result.facets_are_sampled == (sample <= len(LAMPS))


@pytest.mark.parametrize(
    ("filters", "matching"),
    [
        ({"price_min": ("29.99",), "price_max": ("30.01",)}, True),  # inside one band, not on its edges
        ({"price_min": ("30.01",)}, False),
        ({"price_max": ("30",)}, False),
        ({"price_min": ("30",), "price_max": ("1000",)}, True),  # across bands
        ({"rating": ("4",), "condition": ("new",), "in_stock": ("1",)}, True),
        ({"condition": ("used_good",)}, False),
        ({"fbm": ("1",)}, False),
    ],
)
def test_tag_filters_are_exact(lamps, filters, matching):
    found = {hit.product_id for hit in search(SearchQuery(text="lamp", filters=filters, page_size=50)).hits}
    rows = ProductSearchDocument.objects.all()
    if "price_min" in filters or "price_max" in filters:
        rows = rows.filter(price_amount__isnull=False)  # the out-of-stock lamp has no buy-box price
    if "rating" in filters:
        rows = rows.filter(rating_average__gte=4, in_stock=True)
    assert found == (set(rows.values_list("product_id", flat=True)) if matching else set())
