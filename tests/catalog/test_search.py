"""The search interface on PostgreSQL: relevance, typos, facets, filters, sorts, indexing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from catalog.models import Product, ProductSearchDocument, SearchTerm
from catalog.search import SearchQuery, get_backend, search
from catalog.search.parsing import parse
from catalog.search.spelling import damerau_levenshtein
from catalog.services import product_refresh_buy_box
from fulfillment.models import Stock
from marketplace.core import events
from sellers.models import Seller
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory


def slugs(text="", **kwargs):
    return [hit.product.slug for hit in search(SearchQuery(text=text, **kwargs)).hits]


# Relevance on the fixed catalog (tests/catalog/search_fixtures.py)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # exact title
        ("Bose QuietComfort Headphones", ["bose-qc"]),
        ("Tefal Non-Stick Frying Pan 28 cm", ["pan"]),
        # brand + product type
        ("sony headphones", ["sony-wh", "sony-buds"]),
        ("samsung tv", ["qled"]),
        # plural and singular
        ("headphone", ["sony-wh", "bose-qc", "stand", "sony-buds"]),
        ("frying pans", ["pan", "cookbook"]),
        # multi-word
        ("stainless saucepan", ["saucepan"]),
        ("wireless noise cancelling", ["sony-wh"]),
        # phrase
        ('"noise cancelling"', ["sony-wh"]),
        ('"cancelling noise"', []),
        # exclusion
        ("headphones -sony", ["bose-qc", "stand"]),
        # or
        ("saucepan or earbuds", ["sony-buds", "saucepan", "charger", "cookbook"]),
        # category-only words
        ("cookware", ["pan", "saucepan"]),
        ("televisions", ["qled", "bravia"]),
        # the last word as a prefix (type-ahead)
        ("headph", ["sony-wh", "bose-qc", "stand", "sony-buds"]),
        ("galax", ["galaxy"]),
    ],
)
def test_relevance(search_catalog, text, expected):
    assert slugs(text) == expected


@pytest.mark.parametrize(
    ("text", "top", "did_you_mean"),
    [
        ("hedphones", "sony-wh", "headphones"),
        ("samsnug", "galaxy", "samsung"),
        ("samsnug tv", "qled", "samsung tv"),
        ("sacuepan", "saucepan", "saucepan"),
    ],
)
def test_typos_find_the_intended_word_and_suggest_it(search_catalog, text, top, did_you_mean):
    result = search(SearchQuery(text=text))

    assert result.hits[0].product.slug == top
    assert result.did_you_mean == did_you_mean


def test_correct_words_get_no_suggestion(search_catalog):
    assert search(SearchQuery(text="headphones")).did_you_mean is None
    assert search(SearchQuery(text="headphone")).did_you_mean is None


def test_out_of_stock_products_sink(search_catalog):
    # The charging pad sells most but has no stock; the suspended seller's cookbook has none either.
    assert slugs("wireless") == ["sony-wh", "bose-qc", "charger"]
    assert slugs("wireless", sort="price_asc") == ["bose-qc", "sony-wh", "charger"]


def test_relevance_blends_popularity_when_text_matches_equally(search_catalog):
    # Both are Samsung in the brand field only; the Galaxy sells and rates better.
    assert slugs("samsung")[:2] == ["galaxy", "qled"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["sony-buds", "bose-qc", "sony-wh", "bravia"]),
        ("price_desc", ["bravia", "sony-wh", "bose-qc", "sony-buds"]),
        ("rating", ["bravia", "sony-wh", "bose-qc", "sony-buds"]),
        ("newest", ["bravia", "sony-buds", "bose-qc", "sony-wh"]),
        ("nonsense", ["sony-wh", "bose-qc", "sony-buds", "bravia"]),  # relevance
    ],
)
def test_sorts(search_catalog, sort, expected):
    assert slugs("sony or bose", sort=sort) == expected


# Filters and facets


def facet_counts(result, name):
    facet = next((f for f in result.facets if f.name == name), None)
    return {v.value: v.count for v in facet.values} if facet else {}


def listed():
    return Product.objects.filter(parent__isnull=True, is_active=True)


def test_filters_narrow_and_are_reported(search_catalog):
    result = search(
        SearchQuery(
            text="headphones",
            filters={"brand": ("sony", "bose"), "price_max": ("300",), "in_stock": ("1",)},
        )
    )

    assert [h.product.slug for h in result.hits] == ["bose-qc", "sony-buds"]
    assert [(a.name, a.value, a.label) for a in result.applied_filters] == [
        ("brand", "sony", "Sony"),
        ("brand", "bose", "Bose"),
        ("price_max", "300.00", "Under $300.00"),
        ("in_stock", "1", "In stock"),
    ]
    assert result.not_applied == []


def test_unknown_filter_values_are_ignored_and_reported(search_catalog):
    result = search(
        SearchQuery(
            text="headphones",
            filters={
                "brand": ("nosuch", "sony"),
                "price_min": ("cheap",),
                "rating": ("9",),
                "condition": ("broken",),
                "category": ("nowhere",),
                "colour": ("red",),
            },
        )
    )

    assert [h.product.slug for h in result.hits] == ["sony-wh", "sony-buds"]
    assert sorted((n.name, n.value, n.reason) for n in result.not_applied) == [
        ("brand", "nosuch", "no such brand"),
        ("category", "nowhere", "no such category"),
        ("colour", "red", "unknown filter"),
        ("condition", "broken", "no such condition"),
        ("price_min", "cheap", "not a price"),
        ("rating", "9", "not a rating from 1 to 4"),
    ]


def test_category_filter_includes_descendants(search_catalog):
    assert slugs("samsung", filters={"category": ("electronics",)}) == ["galaxy", "qled", "charger"]
    assert slugs("samsung", filters={"category": ("televisions",)}) == ["qled"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"brand": ("sony",)},
        {"brand": ("sony", "samsung"), "price_min": ("40",)},
        {"category": ("electronics",), "condition": ("new",), "rating": ("4",)},
        {"seller": ("beta",), "in_stock": ("1",)},
        {"fbm": ("1",), "price_max": ("700",)},
    ],
)
def test_facet_counts_equal_plain_filtered_counts(search_catalog, filters):
    """Each facet counts with every filter but its own (disjunctive facets)."""
    text = "samsung or sony or headphones or tefal"
    result = search(SearchQuery(text=text, filters=filters))
    matching = {"sony-wh", "bose-qc", "sony-buds", "stand", "galaxy", "qled", "bravia", "charger"} | {
        "pan",
        "saucepan",
    }
    matched = ProductSearchDocument.objects.filter(product__slug__in=matching)
    assert result.total == len(_apply(matched, filters, skip=None))

    brand_expected = {}
    for doc in _apply(matched, filters, skip="brand"):
        if doc.brand_id:
            slug = doc.brand.slug
            brand_expected[slug] = brand_expected.get(slug, 0) + 1
    assert facet_counts(result, "brand") == brand_expected

    seller_expected = {}
    for doc in _apply(matched, filters, skip="seller"):
        for seller in Seller.objects.filter(pk__in=doc.seller_ids):
            seller_expected[seller.slug] = seller_expected.get(seller.slug, 0) + 1
    assert facet_counts(result, "seller") == seller_expected

    rating_expected = {
        str(r): n
        for r in (4, 3, 2, 1)
        if (n := _apply(matched, filters, skip="rating").filter(rating_average__gte=r).count())
    }
    assert facet_counts(result, "rating") == rating_expected

    condition_expected = {}
    for doc in _apply(matched, filters, skip="condition"):
        for condition in doc.conditions:
            condition_expected[condition] = condition_expected.get(condition, 0) + 1
    assert facet_counts(result, "condition") == condition_expected


def _apply(queryset, filters, *, skip):
    """The plain ORM version of each filter."""
    for name, values in filters.items():
        if name == skip or (skip == "price" and name.startswith("price")):
            continue
        if name == "brand":
            queryset = queryset.filter(brand__slug__in=values)
        elif name == "seller":
            ids = list(Seller.objects.filter(slug__in=values).values_list("pk", flat=True))
            queryset = queryset.filter(seller_ids__overlap=ids)
        elif name == "condition":
            queryset = queryset.filter(conditions__overlap=list(values))
        elif name == "category":
            queryset = queryset.filter(category__slug__in=values) | queryset.filter(
                category__parent__slug__in=values
            )
        elif name == "price_min":
            queryset = queryset.filter(price_amount__gte=Decimal(values[0]))
        elif name == "price_max":
            queryset = queryset.filter(price_amount__lt=Decimal(values[0]))
        elif name == "rating":
            queryset = queryset.filter(rating_average__gte=int(values[0]))
        elif name == "in_stock":
            queryset = queryset.filter(in_stock=True)
        elif name == "fbm":
            queryset = queryset.filter(fulfilled_by_marketplace=True)
    return queryset.distinct()


def test_category_facet_drills_down_and_price_bands_count(search_catalog):
    everything = search(SearchQuery(text="samsung or sony or tefal"))
    assert facet_counts(everything, "category") == {"electronics": 6, "kitchen": 2}
    assert facet_counts(everything, "price") == {"25-50": 2, "0-25": 1, "200-": 4}

    electronics = search(SearchQuery(text="samsung or sony or tefal", filters={"category": ("electronics",)}))
    assert facet_counts(electronics, "category") == {"headphones": 2, "televisions": 2, "phones": 2}
    # The price facet ignores the price filter, so the shopper can widen it.
    cheap = search(SearchQuery(text="samsung or sony or tefal", filters={"price_max": ("25",)}))
    assert [h.product.slug for h in cheap.hits] == ["saucepan"]
    assert facet_counts(cheap, "price") == facet_counts(everything, "price")


# Bad input


@pytest.mark.parametrize(
    "text",
    [
        "'",
        "&",
        "|",
        "!",
        ":",
        "\\",
        '"unbalanced',
        'a"b"c"',
        "sony & | ! : \\ ' headphones",
        "-",
        "--",
        "or",
        "or or sony",
        "sony or",
        "!!!headphones",
        "head:*phones",
        "'; DROP TABLE catalog_product; --",
        "x" * 5000,
        " ".join(["headphones"] * 300),
        "\x00null byte",
        "émigré café ünïcode 日本語",
        "(((((",
        "<->",
        "the a an",
    ],
)
def test_bad_input_never_errors(search_catalog, text):
    result = search(SearchQuery(text=text, page=99999, page_size=0, sort="'; --"))
    assert result.page == result.num_pages or result.total == 0


def test_page_beyond_the_end_gives_the_last_page(search_catalog):
    result = search(SearchQuery(text="sony or samsung", page=50, page_size=2))

    assert (result.total, result.num_pages, result.page) == (6, 3, 3)
    assert len(result.hits) == 2


def test_parse_keeps_only_words_and_operators():
    assert parse('"noise cancelling" sony -"in ear" or bose').to_tsquery() == (
        "( ( 'noise' <-> 'cancelling' ) & 'sony' & !( 'in' <-> 'ear' ) ) | ( 'bose' )"
    )
    assert parse("it's & | ! : \\ '").to_tsquery() == "( ( 'it' <-> 's' ) )"
    assert (
        parse(
            "head pho",
        ).to_tsquery(prefix_last=True)
        == "( 'head' & 'pho':* )"
    )
    assert parse("-sony").is_empty


def test_damerau_levenshtein_is_bounded():
    assert damerau_levenshtein("samsnug", "samsung", 2) == 1
    assert damerau_levenshtein("hedphones", "headphones", 2) == 1
    assert damerau_levenshtein("kitten", "sitting", 2) == 3  # over the limit: limit + 1
    assert damerau_levenshtein("abc", "abc", 1) == 0


# Backends


def test_backend_is_chosen_by_setting(settings):
    settings.SEARCH_BACKEND = "postgres"
    assert type(get_backend()).__name__ == "PostgresBackend"
    settings.SEARCH_BACKEND = "elasticsearch"
    assert type(get_backend()).__name__ == "ElasticsearchBackend"
    settings.SEARCH_BACKEND = "solr"
    with pytest.raises(ImproperlyConfigured, match="not a search backend"):
        get_backend()


# Indexing


def test_index_follows_stock_and_price_changes(search_catalog):
    pan = search_catalog["products"]["pan"]
    Stock.objects.filter(offer__product=pan).update(on_hand=0)
    product_refresh_buy_box(product_ids=[pan.pk])
    assert slugs("cookware") == ["saucepan", "pan"]  # out of stock sinks

    warehouse = WarehouseFactory()
    offer = OfferFactory(product=pan, seller=search_catalog["sellers"]["beta"], price_amount=Decimal("9.99"))
    StockFactory(offer=offer, warehouse=warehouse, on_hand=4)
    product_refresh_buy_box(product_ids=[pan.pk])
    assert slugs("cookware", sort="price_asc") == ["pan", "saucepan"]
    assert ProductSearchDocument.objects.get(pk=pan.pk).price_amount == Decimal("9.99")


def test_index_follows_text_changes_through_events(search_catalog):
    bose = search_catalog["products"]["bose_qc"]
    Product.objects.filter(pk=bose.pk).update(title="Bose Ultra Open Earbuds")

    events.emit("product.changed", product_ids=[bose.pk])

    assert slugs("ultra") == ["bose-qc"]
    assert SearchTerm.objects.filter(term="ultra").exists()
    assert slugs("ulrta") == ["bose-qc"]  # the new word is in the vocabulary at once


def test_unlisted_products_leave_the_index(search_catalog):
    stand = search_catalog["products"]["stand"]
    Product.objects.filter(pk=stand.pk).update(is_active=False)
    events.emit("product.changed", product_ids=[stand.pk])

    assert not ProductSearchDocument.objects.filter(pk=stand.pk).exists()
    assert "stand" not in slugs("headphones")


def test_variations_are_found_through_their_parent(search_catalog):
    parent = ProductFactory(title="Merino Crew Sweater", slug="sweater", variation_theme="Size")
    child = ProductFactory(
        title="Merino Crew Sweater, Large",
        slug="sweater-l",
        parent=parent,
        category=parent.category,
        variant_attributes={"Size": "Extravagant"},
    )
    offer = OfferFactory(product=child, seller=search_catalog["sellers"]["alpha"])
    StockFactory(offer=offer, on_hand=3)
    product_refresh_buy_box(product_ids=[child.pk])

    assert slugs("merino") == ["sweater"]
    assert slugs("extravagant") == ["sweater"]


def test_refresh_skips_rows_that_did_not_change(search_catalog):
    from catalog.search.indexing import search_index_refresh

    ids = [p.pk for p in search_catalog["products"].values()]
    assert search_index_refresh(product_ids=ids) == 0


def test_rebuild_indexes_missing_documents_and_recounts_words(search_catalog):
    from catalog.search.indexing import search_index_rebuild

    ProductSearchDocument.objects.filter(Q(product__slug="pan") | Q(product__slug="saucepan")).delete()
    SearchTerm.objects.all().delete()

    assert search_index_rebuild(batch_size=3) == 2
    assert slugs("cookware") == ["pan", "saucepan"]
    # Three titles and three brand fields of products, and the brand itself.
    assert SearchTerm.objects.get(term="sony").frequency == 7
