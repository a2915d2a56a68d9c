from decimal import Decimal

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from catalog.models import Offer, ProductImage
from catalog.services import product_refresh_buy_box
from marketplace.core.views import server_error
from sellers.models import Seller
from tests.catalog.factories import BrandFactory, CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def make_listed(category, price, *, stock=10, shipping="0.00", seller=None, image=True, **fields):
    """Create a product with one stocked offer (and an image); refresh the buy box later."""
    product = ProductFactory(category=category, **fields)
    offer = OfferFactory(
        product=product,
        price_amount=Decimal(price),
        shipping_amount=Decimal(shipping),
        **({"seller": seller} if seller else {}),
    )
    if stock:
        StockFactory(offer=offer, on_hand=stock)
    if image:
        add_image(product)
    return product


def add_image(product, position=0):
    return ProductImage.objects.create(
        product=product,
        image=f"products/{product.slug}-{position}.jpg",
        width=400,
        height=300,
        alt_text=f"{product.title} photo {position}",
        position=position,
    )


def refresh(*products):
    product_refresh_buy_box(product_ids=[p.pk for p in products])


def titles(response):
    return [p.title for p in response.context["page_obj"].object_list]


# Home


def test_home_shows_categories_bestsellers_and_deals():
    root = CategoryFactory(name="Kitchen", slug="kitchen")
    popular = make_listed(root, "24.99", title="Chef Knife", sales_count=50, list_price_amount=Decimal("40"))
    quiet = make_listed(root, "9.50", title="Spatula", sales_count=5)
    sold_out = make_listed(root, "5.00", title="Whisk", sales_count=99, stock=0)
    refresh(popular, quiet, sold_out)

    response = Client().get(reverse("catalog:home"))

    assert response.status_code == 200
    assert [p.title for p in response.context["bestsellers"]] == ["Chef Knife", "Spatula"]
    assert [p.title for p in response.context["deals"]] == ["Chef Knife"]
    html = response.content.decode()
    assert 'href="/c/kitchen/"' in html
    assert "$24.99" in html
    assert "Save 37%" in html


@pytest.mark.parametrize("count", [3, 30])
def test_home_query_count_does_not_grow_with_products(count, django_assert_num_queries, client):
    root = CategoryFactory()
    products = [
        make_listed(root, "10.00", sales_count=i, list_price_amount=Decimal("20")) for i in range(count)
    ]
    refresh(*products)

    # navigation (cached afterwards), bestsellers, deals, images of both lists
    with django_assert_num_queries(4):
        response = client.get(reverse("catalog:home"))
    assert response.status_code == 200


# Category page


@pytest.fixture
def shelf():
    """A category tree with products in the root and in a child category."""
    root = CategoryFactory(name="Electronics", slug="electronics")
    audio = CategoryFactory(name="Audio", slug="audio", parent=root)
    headphones = CategoryFactory(name="Headphones", slug="headphones", parent=audio)
    acme, zenith = BrandFactory(name="Acme", slug="acme"), BrandFactory(name="Zenith", slug="zenith")
    products = [
        make_listed(root, "99.00", title="Tablet", brand=acme, sales_count=10, rating_average=Decimal("4.6")),
        make_listed(
            audio, "24.99", title="Speaker", brand=zenith, sales_count=30, rating_average=Decimal("3.2")
        ),
        make_listed(
            headphones, "49.50", title="Earbuds", brand=acme, sales_count=20, rating_average=Decimal("4.1")
        ),
        make_listed(headphones, "15.00", title="Wired Buds", brand=zenith, sales_count=1, stock=0),
    ]
    refresh(*products)
    other = CategoryFactory(name="Garden", slug="garden")
    refresh(make_listed(other, "5.00", title="Trowel", sales_count=100))
    return {"root": root, "audio": audio, "headphones": headphones, "products": products}


def get_category(slug, **params):
    return Client().get(reverse("catalog:category-detail", kwargs={"slug": slug}), params)


def test_category_lists_its_subtree_featured_first_with_breadcrumbs(shelf):
    response = get_category("audio")

    assert response.status_code == 200
    assert titles(response) == ["Speaker", "Earbuds", "Wired Buds"]
    html = response.content.decode()
    assert '<a href="/c/electronics/">Electronics</a>' in html
    assert '<span aria-current="page">Audio</span>' in html
    assert '<a href="/c/electronics/" aria-current="true">Electronics</a>' in html  # header navigation
    assert 'href="/c/headphones/"' in html  # subcategory
    assert "$24.99" in html
    assert "1 offer" in html
    assert "Currently unavailable" in html  # Wired Buds
    assert 'loading="lazy"' in html
    assert 'width="400" height="300"' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("featured", ["Speaker", "Earbuds", "Tablet", "Wired Buds"]),
        ("price_asc", ["Speaker", "Earbuds", "Tablet", "Wired Buds"]),
        ("price_desc", ["Tablet", "Earbuds", "Speaker", "Wired Buds"]),
        ("rating", ["Tablet", "Earbuds", "Speaker", "Wired Buds"]),
        ("newest", ["Wired Buds", "Earbuds", "Speaker", "Tablet"]),
        ("cheapest-first!", ["Speaker", "Earbuds", "Tablet", "Wired Buds"]),
    ],
)
def test_category_sorts(shelf, sort, expected):
    response = get_category("electronics", sort=sort)

    assert response.status_code == 200
    assert titles(response) == expected


def test_category_filters_by_brand_price_and_rating(shelf):
    assert titles(get_category("electronics", brand="acme")) == ["Earbuds", "Tablet"]
    assert titles(get_category("electronics", brand=["acme", "zenith"], sort="price_asc")) == [
        "Speaker",
        "Earbuds",
        "Tablet",
        "Wired Buds",
    ]
    assert titles(get_category("electronics", price_min="20", price_max="50")) == ["Speaker", "Earbuds"]
    assert titles(get_category("electronics", price_min="50", price_max="20")) == ["Speaker", "Earbuds"]
    assert titles(get_category("electronics", rating="4")) == ["Earbuds", "Tablet"]
    assert titles(get_category("electronics", brand="acme", rating="4", price_max="60")) == ["Earbuds"]


def test_category_brand_facets_have_counts_for_the_subtree(shelf):
    response = get_category("electronics", brand="zenith")

    facets = [(f.name, f.count, f.selected) for f in response.context["brand_facets"]]
    assert facets == [("Acme", 2, False), ("Zenith", 2, True)]
    html = response.content.decode()
    assert 'id="brand-zenith" name="brand" value="zenith" checked' in html
    assert 'for="brand-acme">Acme <span class="muted">(2)</span>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"price_min": "cheap"},
        {"price_min": "-3"},
        {"price_max": "1e999"},
        {"price_max": "NaN"},
    ],
)
def test_category_ignores_bad_price_filters_and_says_so(shelf, params):
    response = get_category("electronics", **params)

    assert response.status_code == 200
    assert titles(response) == ["Speaker", "Earbuds", "Tablet", "Wired Buds"]
    assert "We ignored the price filter" in response.content.decode()


def test_category_ignores_unknown_brands_and_ratings(shelf):
    response = get_category("electronics", brand=["nope", "acme"], rating="11")

    assert response.status_code == 200
    assert titles(response) == ["Earbuds", "Tablet"]
    assert "We ignored the rating filter" in response.content.decode()
    assert titles(get_category("electronics", brand="nope")) == ["Speaker", "Earbuds", "Tablet", "Wired Buds"]


@pytest.mark.parametrize(
    ("page", "expected_page"), [("abc", 1), ("-3", 1), ("0", 1), ("2", 2), ("99999", 2), ("", 1)]
)
def test_category_nonsense_page_numbers_show_first_or_last_page(shelf, settings, page, expected_page):
    settings.CATALOG_PAGE_SIZE = 3

    response = get_category("electronics", page=page)

    assert response.status_code == 200
    assert response.context["page_obj"].number == expected_page


def test_category_pagination_links_keep_filters(shelf, settings):
    settings.CATALOG_PAGE_SIZE = 2

    response = get_category("electronics", brand="acme", sort="price_asc", price_max="1000")

    html = response.content.decode()
    assert titles(response) == ["Earbuds", "Tablet"]
    response = get_category("electronics", sort="price_asc")
    assert titles(response) == ["Speaker", "Earbuds"]
    assert 'href="?sort=price_asc&amp;page=2"' in response.content.decode()
    assert "Pagination" not in html  # a single page has no pagination


def test_unknown_or_inactive_category_is_a_styled_404(shelf):
    shelf["audio"].is_active = False
    shelf["audio"].save(update_fields=["is_active"])

    for slug in ("no-such-category", "audio"):
        response = get_category(slug)
        assert response.status_code == 404
        assert "We couldn't find that page" in response.content.decode()
        assert "404.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("count", [3, 30])
def test_category_query_count_does_not_grow_with_products(count, django_assert_num_queries, client):
    shown = CategoryFactory(slug="shown", parent=CategoryFactory())
    child = CategoryFactory(parent=shown)
    brands = [BrandFactory() for _ in range(3)]
    products = [
        make_listed(child if i % 2 else shown, "10.00", brand=brands[i % 3], sales_count=i)
        for i in range(count)
    ]
    refresh(*products)
    url = reverse("catalog:category-detail", kwargs={"slug": "shown"})

    # navigation, category, facets, ancestors, children, count, products, images
    with django_assert_num_queries(8):
        response = client.get(url, {"brand": [brands[0].slug, brands[1].slug], "price_max": "50"})
    assert response.status_code == 200


# Product page


@pytest.fixture
def stocked_product():
    category = CategoryFactory(name="Kitchen", slug="kitchen")
    sub = CategoryFactory(name="Knives", slug="knives", parent=category)
    product = ProductFactory(
        title="Chef Knife 8in",
        slug="chef-knife",
        category=sub,
        brand=BrandFactory(name="Edge"),
        description="Forged steel.",
        attributes={"Blade": "8 in", "Steel": "VG-10"},
        rating_average=Decimal("4.40"),
        rating_count=12,
    )
    warehouse = WarehouseFactory()
    best = SellerFactory(name="Blade House", slug="blade-house", rating_average=Decimal("4.80"))
    offers = {
        "winner": OfferFactory(product=product, seller=best, price_amount=Decimal("24.99")),
        "pricier": OfferFactory(
            product=product,
            seller=SellerFactory(name="Cutlery Co"),
            price_amount=Decimal("22.00"),
            shipping_amount=Decimal("5.99"),
            condition=Offer.Condition.USED_GOOD,
        ),
        "empty": OfferFactory(
            product=product, seller=SellerFactory(name="Sold Out Shop"), price_amount="20.00"
        ),
        "suspended": OfferFactory(
            product=product,
            seller=SellerFactory(name="Banned", status=Seller.Status.SUSPENDED),
            price_amount=Decimal("1.00"),
        ),
        "inactive": OfferFactory(
            product=product, seller=SellerFactory(name="Paused"), price_amount="2.00", is_active=False
        ),
    }
    StockFactory(offer=offers["winner"], warehouse=warehouse, on_hand=3)
    StockFactory(offer=offers["pricier"], warehouse=warehouse, on_hand=50, reserved=10)
    StockFactory(offer=offers["suspended"], warehouse=warehouse, on_hand=50)
    StockFactory(offer=offers["inactive"], warehouse=warehouse, on_hand=50)
    add_image(product, 0)
    add_image(product, 1)
    refresh(product)
    return product, offers


def test_product_page_shows_buy_box_and_other_sellers(stocked_product):
    product, offers = stocked_product

    response = Client().get("/p/chef-knife/")

    assert response.status_code == 200
    page = response.context["page"]
    assert page.buy_box == offers["winner"]
    assert [o.seller.name for o in page.other_offers] == ["Sold Out Shop", "Cutlery Co"]
    html = response.content.decode()
    assert '<h1 id="product-title">Chef Knife 8in</h1>' in html
    assert '<p class="price price--large buybox__price">$24.99</p>' in html
    assert 'Sold by <a href="/sellers/blade-house/">Blade House</a>' in html
    assert "Only 3 left in stock" in html
    assert "Delivery priced at checkout" in html
    assert "+ $5.99 seller shipping charge per item" in html
    assert "Used - Good" in html
    assert "Currently unavailable" in html  # the sold-out seller
    assert "Banned" not in html and "Paused" not in html
    assert f'name="offer" value="{offers["winner"].pk}"' in html
    assert f'name="offer" value="{offers["pricier"].pk}"' in html
    assert f'name="offer" value="{offers["empty"].pk}"' not in html
    assert f'<label for="quantity-{offers["winner"].pk}">Quantity</label>' in html
    assert "Rated 4.4 out of 5 stars" in html
    assert '<th scope="row">Steel</th><td>VG-10</td>' in html
    assert '<a href="/c/kitchen/">Kitchen</a>' in html and '<a href="/c/knives/">Knives</a>' in html


def test_product_gallery_selects_image_from_query_string(stocked_product):
    assert Client().get("/p/chef-knife/", {"image": "1"}).context["main_image"].position == 1
    for bad in ("7", "-1", "x"):
        response = Client().get("/p/chef-knife/", {"image": bad})
        assert response.status_code == 200
        assert response.context["main_image"].position == 0


def test_product_without_stock_is_currently_unavailable():
    product = make_listed(CategoryFactory(), "10.00", stock=0, slug="nothing-left")
    refresh(product)

    response = Client().get("/p/nothing-left/")

    assert response.status_code == 200
    assert response.context["page"].buy_box is None
    assert "Currently unavailable" in response.content.decode()
    assert 'name="offer"' not in response.content.decode()


def test_parent_product_sells_its_cheapest_variation_and_links_variants():
    category = CategoryFactory()
    parent = ProductFactory(title="Tee", slug="tee", category=category, variation_theme="Size")
    small = ProductFactory(
        title="Tee S", slug="tee-s", category=category, parent=parent, variant_attributes={"Size": "S"}
    )
    large = ProductFactory(
        title="Tee L", slug="tee-l", category=category, parent=parent, variant_attributes={"Size": "L"}
    )
    small_offer = OfferFactory(product=small, price_amount=Decimal("12.00"))
    large_offer = OfferFactory(product=large, price_amount=Decimal("11.00"))
    StockFactory(offer=small_offer, on_hand=20)
    StockFactory(offer=large_offer, on_hand=20)
    refresh(parent)

    response = Client().get("/p/tee/")

    assert response.status_code == 200
    page = response.context["page"]
    assert page.buy_box == large_offer
    assert page.selected_variant == large
    assert page.other_offers == []
    html = response.content.decode()
    assert 'href="/p/tee-s/"' in html and 'href="/p/tee-l/" aria-current="true"' in html
    assert "$11.00" in html

    child = Client().get("/p/tee-s/")
    assert child.context["page"].buy_box == small_offer
    assert child.context["page"].attributes == {"Colour": "Black", "Size": "S"}


def test_unknown_or_inactive_product_is_a_404():
    ProductFactory(slug="hidden", is_active=False)

    assert Client().get("/p/does-not-exist/").status_code == 404
    assert Client().get("/p/hidden/").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_product_page_query_count_does_not_grow_with_offers_or_images(
    count, django_assert_num_queries, client
):
    product = ProductFactory(slug="many", category=CategoryFactory(parent=CategoryFactory()))
    warehouse = WarehouseFactory()
    for i in range(count):
        offer = OfferFactory(product=product, price_amount=Decimal("10.00") + i)
        StockFactory(offer=offer, warehouse=warehouse, on_hand=5)
        add_image(product, i)
    refresh(product)

    # navigation, product, images, offers, ancestors
    with django_assert_num_queries(5):
        response = client.get("/p/many/")
    assert len(response.context["page"].other_offers) == count - 1


# Search: see tests/catalog/test_search_views.py


# Error pages


def test_server_error_page_renders_without_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "/static/css/site.css" in response.content.decode()


def test_layout_has_landmarks_search_account_menu_and_cart():
    html = Client().get(reverse("catalog:home")).content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<label class="visually-hidden" for="site-search-q">Search products</label>' in html
    assert 'action="/search/"' in html
    assert ">Sign in</a>" in html and ">Create account</a>" in html
    assert (
        "<main" in html and "<footer" in html and 'aria-label="Categories"' not in html
    )  # no categories yet


def test_layout_for_signed_in_staff(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))

    html = client.get(reverse("catalog:home")).content.decode()

    assert ">Your account</a>" in html
    assert 'href="/admin/"' in html
    assert ">Sign out</button>" in html
