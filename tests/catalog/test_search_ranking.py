"""Ranked retrieval and query understanding on PostgreSQL: which products come back, in what order."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from catalog.models import SearchSynonym
from catalog.search import SearchQuery, search
from catalog.search.indexing import search_vocabulary_rebuild
from catalog.search.matching import minimum_should_match
from catalog.search.parsing import normalise_units, normalise_units_sql, parse
from catalog.services import product_refresh_buy_box
from tests.accounts.factories import UserFactory
from tests.catalog.factories import BrandFactory, CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory


@pytest.fixture
def shop(db):
    """Return make(slug, title, description="", sales=0) -> a listed, in-stock product."""
    category = CategoryFactory(name="Shop", slug="shop")
    brand = BrandFactory(name="Acme", slug="acme")
    warehouse = WarehouseFactory()
    made = []

    def make(slug, title, description="Made well.", *, sales=0, attributes=None):
        product = ProductFactory(
            slug=slug,
            title=title,
            description=description,
            category=category,
            brand=brand,
            sales_count=sales,
            rating_average=Decimal("4.00"),
            rating_count=10,
            attributes=attributes or {},
        )
        StockFactory(offer=OfferFactory(product=product), warehouse=warehouse, on_hand=5)
        made.append(product.pk)
        return product

    def index():
        product_refresh_buy_box(product_ids=made)
        search_vocabulary_rebuild()

    make.index = index
    return make


def slugs(text, **kwargs):
    return [hit.product.slug for hit in search(SearchQuery(text=text, **kwargs)).hits]


def test_most_words_are_enough_and_the_missing_one_is_named(shop):
    # given
    shop("gentle", "Gentle Dog Shampoo for Sensitive Skin")
    shop("cat", "Cat Shampoo", "For cats.")
    shop("lead", "Dog Lead", "A strong lead.")
    shop.index()

    # when
    result = search(SearchQuery(text="dog shampoo for sensitive skin puppies"))

    # then: 4 of the 5 words are there ("for" is a stop word); 3 of 5 are needed, one is not enough
    assert [hit.product.slug for hit in result.hits] == ["gentle"]
    assert result.missing_words == ["puppies"]


def test_coverage_outranks_popularity(shop):
    shop("all", "Wireless Noise Cancelling Headphones")
    shop("three", "Noise Cancelling Headphones", sales=1000)
    shop("two", "Wireless Headphones", sales=1000)
    shop.index()

    result = search(SearchQuery(text="wireless noise cancelling headphones"))

    assert [hit.product.slug for hit in result.hits] == ["all", "three", "two"]  # 2 of 4 needed
    assert result.missing_words == []
    assert result.partially_matched_words == ["wireless", "noise", "cancelling"]


def test_one_or_two_words_are_all_required(shop):
    shop("desk", "Walnut Desk")
    shop("shelf", "Walnut Shelf")
    shop.index()

    assert slugs("walnut desk") == ["desk"]


def test_title_outranks_description_and_attributes(shop):
    shop("described", "Office Table", "A walnut desk for the study.", sales=1000)
    shop("attributed", "Study Table", attributes={"Material": "walnut desk"}, sales=1000)
    shop("titled", "Walnut Desk")
    shop.index()

    assert slugs("walnut desk") == ["titled", "attributed", "described"]


def test_adjacent_words_rank_above_scattered_ones(shop):
    shop("scattered", "Steel Frame with Chrome Lamp", sales=50)
    shop("adjacent", "Chrome Steel Lamp")
    shop.index()

    assert slugs("steel lamp")[0] == "adjacent"


def test_negations_are_never_required(shop, settings):
    settings.SEARCH_NEGATION = "ignore"
    shop("oat", "Oatmeal Dog Shampoo")
    shop("tea", "Tea Tree Dog Shampoo")
    shop("oatfree", "Oatmeal-Free Dog Shampoo")
    shop.index()

    for text in ("dog shampoo without oatmeal", "dog shampoo no oatmeal", "oatmeal-free dog shampoo",
                 "oatmeal free dog shampoo"):  # fmt: skip
        assert sorted(slugs(text)) == ["oat", "oatfree", "tea"], text
    assert sorted(slugs("dog shampoo -oatmeal")) == ["tea"]  # an explicit exclusion still excludes


def test_negations_exclude_by_default_but_keep_products_free_of_it(shop):
    shop("oat", "Oatmeal Dog Shampoo")
    shop("tea", "Tea Tree Dog Shampoo")
    shop("oatfree", "Oatmeal-Free Dog Shampoo")
    shop.index()

    for text in ("dog shampoo without oatmeal", "dog shampoo no oatmeal", "oatmeal-free dog shampoo"):
        assert sorted(slugs(text)) == ["oatfree", "tea"], text


def test_x_free_ranks_products_that_say_x_free_first(shop):
    shop("mint", "Mint Chewing Gum", sales=1000)
    shop("sugarfree", "Sugar-Free Chewing Gum")
    shop.index()

    assert slugs("sugar free gum") == ["sugarfree", "mint"]


def test_only_negations_or_stop_words_search_nothing(shop, client):
    shop("lamp", "Desk Lamp")
    shop.index()

    assert slugs("the for with") == []
    page = client.get(reverse("catalog:search"), {"q": "without"})
    assert page.status_code == 200
    assert "There is nothing to search for" in page.content.decode()
    page = client.get(reverse("catalog:search"), {"q": "the for with"})
    assert 'No results for "the for with"' in page.content.decode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('65" tv', ["tv65"]),
        ("65in tv", ["tv65"]),
        ("65 inch tv", ["tv65"]),
        ("65-inch tv", ["tv65"]),
        ("3.5mm aux cable", ["aux"]),
        ("3.5 mm aux cable", ["aux"]),
        ("1tb ssd", ["ssd"]),
        ("1 tb ssd", ["ssd"]),
        ("3/4 inch screws", ["screw34"]),
        ("1/2 screws", ["screw12"]),
    ],
)
def test_numbers_and_units_read_the_same_in_documents_and_queries(shop, text, expected):
    shop("tv65", 'Acme 65" QLED TV')
    shop("tv55", "Acme 55in QLED TV")
    shop("aux", "Aux Cable 3.5 mm")
    shop("ssd", "External SSD 1TB")
    shop("screw34", "Wood Screws 3/4 inch")
    shop("screw12", "Wood Screws 1/2 inch")
    shop.index()

    assert slugs(text) == expected


def test_synonyms_from_the_table_and_compounds_from_the_catalog(shop):
    shop("tv", "Acme QLED TV")
    shop("handshower", "Chrome Handshower")
    shop("saucepan", "Steel Saucepan")
    shop("dutch", "Cast Iron Dutch Oven")
    shop.index()

    assert slugs("television") == ["tv"]  # seeded: tv, television, televisions
    assert slugs("hand shower") == ["handshower"]  # seeded: hand shower, handshower
    assert slugs("sauce pan") == ["saucepan"]  # joined: a catalog word
    assert slugs("dutchoven") == ["dutch"]  # split: two catalog words


def test_a_synonym_saved_in_the_admin_applies_at_once(shop, client, django_capture_on_commit_callbacks):
    shop("sofa", "Linen Sofa")
    shop.index()
    assert slugs("chesterfield") == []  # and the table is now cached

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:catalog_searchsynonym_add"),
            {"terms": " Sofa ,Chesterfield,, settee", "is_active": "on"},
        )

    assert response.status_code == 302
    assert SearchSynonym.objects.get(terms__contains="chesterfield").terms == "sofa, chesterfield, settee"
    assert slugs("chesterfield") == ["sofa"]


@pytest.mark.parametrize(
    ("text", "did_you_mean"),
    [
        ("bamsung", "samsung"),  # first letter changed
        ("amsung", "samsung"),  # first letter dropped
        ("asmsung", "samsung"),  # first two swapped
    ],
)
def test_typos_in_the_first_letter_are_corrected(shop, text, did_you_mean):
    shop("galaxy", "Samsung Galaxy Phone")
    shop.index()

    result = search(SearchQuery(text=text))

    assert [hit.product.slug for hit in result.hits] == ["galaxy"]
    assert result.did_you_mean == did_you_mean


def test_the_page_names_the_words_not_found(shop, client):
    shop("gentle", "Gentle Dog Shampoo for Sensitive Skin")
    shop.index()

    page = client.get(reverse("catalog:search"), {"q": "gentle dog shampoo puppies"}).content.decode()

    assert "Showing results for most of your words; not found: <strong>puppies</strong>." in page


UNIT_TEXTS = [
    '65" TV',
    "65in tv",
    "65 In Frameless",
    "65-inch",
    "10 inches",
    "1TB SSD",
    "500ml bottle",
    "3.5mm jack",
    "2-in-1 laptop",
    "iPhone 15 Pro",
    "WH-1000XM5",
    "in stock",
]


def test_documents_and_queries_normalise_units_alike(db):
    with connection.cursor() as cursor:
        for text in UNIT_TEXTS:
            cursor.execute(f"SELECT {normalise_units_sql('%s')}", [text])
            assert cursor.fetchone()[0] == normalise_units(text), text
    assert normalise_units('65" TV') == "65 inch  TV"
    assert normalise_units("1TB SSD") == "1 TB SSD"


def test_parse_reads_negations_stop_words_and_units():
    clauses = parse("the best 65in tv without stand, sugar-free gum no nuts -red").groups[0]

    assert [(c.words, c.phrase, c.stop, c.soft, c.negated) for c in clauses] == [
        (("the",), False, True, False, False),
        (("best",), False, True, False, False),
        (("65", "inch"), True, False, False, False),
        (("tv",), False, False, False, False),
        (("stand",), False, False, True, False),
        (("sugar",), False, False, True, False),
        (("gum",), False, False, False, False),
        (("nuts",), False, False, True, False),
        (("red",), False, False, False, True),
    ]
    assert parse("without").is_empty
    assert parse("no -sony").is_empty
    assert not parse("the for").is_empty  # stop words only: searched, and found nothing


def test_minimum_should_match_follows_elasticsearch_rules():
    assert [minimum_should_match(n) for n in range(0, 11)] == [0, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5]
    assert minimum_should_match(4, "3<75%") == 3
    assert minimum_should_match(3, "3<75%") == 3


def test_a_word_being_typed_that_finds_nothing_is_tried_as_a_typo(shop):
    shop("pan", "Steel Frying Pan")
    shop("paint", "Acrylic Paint Set")
    shop.index()

    result = search(SearchQuery(text="frying pain"))  # "pain" starts "paint", a catalog word

    assert [hit.product.slug for hit in result.hits] == ["pan"]
    assert result.did_you_mean == "frying pan"


def test_a_real_word_that_matches_nothing_well_is_corrected(shop):
    shop("lamp", "Brass Desk Lamp")
    shop("lamb", "Lamb Stew Cookbook")
    shop.index()

    result = search(SearchQuery(text="brass desk lamb"))  # "lamb" is a catalog word; no lamp has it

    assert [hit.product.slug for hit in result.hits] == ["lamp"]
    assert result.did_you_mean == "brass desk lamp"
    assert result.missing_words == []
