import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog.models import Category, Offer, Product, ProductImage
from catalog.services import product_refresh_buy_box
from tests.accounts.factories import UserFactory
from tests.catalog.factories import BrandFactory, CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def product_with_offer(**product_fields):
    offer = OfferFactory(product=ProductFactory(**product_fields))
    StockFactory(offer=offer, on_hand=5)
    return offer.product


def changelist(model_name):
    return reverse(f"admin:catalog_{model_name}_changelist")


def ids_in(response):
    return sorted(obj.pk for obj in response.context["cl"].result_list)


# Pages load


def test_every_catalog_changelist_add_and_change_page_loads_for_staff(staff_client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    # given one of everything
    product = product_with_offer(gtin="0012345678905")
    image = ProductImage.objects.create(product=product, image=png_upload(), alt_text="Front")
    offer = product.offers.get()
    pages = {
        "category": product.category.pk,
        "brand": product.brand.pk,
        "product": product.pk,
        "productimage": image.pk,
        "offer": offer.pk,
    }
    for model_name, pk in pages.items():
        # when / then
        assert staff_client.get(changelist(model_name)).status_code == 200, model_name
        assert staff_client.get(reverse(f"admin:catalog_{model_name}_add")).status_code == 200, model_name
        response = staff_client.get(reverse(f"admin:catalog_{model_name}_change", args=[pk]))
        assert response.status_code == 200, model_name


def test_product_change_page_shows_buy_box_landed_price_thumbnail_and_variants(
    staff_client, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    parent = ProductFactory(variation_theme="Size")
    ProductFactory(parent=parent, category=parent.category)
    ProductFactory(parent=parent, category=parent.category)
    product = ProductFactory()
    offer = OfferFactory(product=product, price_amount=Decimal("30.00"), shipping_amount=Decimal("4.50"))
    StockFactory(offer=offer)
    ProductImage.objects.create(product=product, image=png_upload(), alt_text="Front view")
    staff_client.post(
        changelist("product"), {"action": "recompute_buy_box", "_selected_action": [product.pk]}
    )

    page = staff_client.get(reverse("admin:catalog_product_change", args=[product.pk])).content.decode()
    parent_page = staff_client.get(reverse("admin:catalog_product_change", args=[parent.pk])).content.decode()

    assert "$30.00 + $4.50 = $34.50" in page
    assert f"{offer.sku} by {offer.seller.name}" in page
    assert '<img src="/media/products/' in page
    assert f'?parent__id__exact={parent.pk}">2 variations</a>' in parent_page


def test_anonymous_and_non_staff_users_are_sent_to_the_admin_login(client):
    product = ProductFactory()
    urls = [changelist("product"), reverse("admin:catalog_product_change", args=[product.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    client.force_login(UserFactory(is_staff=False))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


# Query counts stay the same whatever the page size


@pytest.mark.parametrize("rows", [3, 30])
def test_product_changelist_query_count_does_not_grow_with_rows(
    staff_client, django_assert_num_queries, rows
):
    for _ in range(rows):
        product_with_offer()
    # session, user, top-level categories (filter), count, rows, storefront navigation
    with django_assert_num_queries(6):
        response = staff_client.get(changelist("product"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_offer_changelist_query_count_does_not_grow_with_rows(staff_client, django_assert_num_queries, rows):
    for _ in range(rows):
        StockFactory(on_hand=7, reserved=2)
    # session, user, count, rows, storefront navigation
    with django_assert_num_queries(5):
        response = staff_client.get(changelist("offer"))
    assert response.status_code == 200
    assert [offer.units_available for offer in response.context["cl"].result_list] == [5] * rows


@pytest.mark.parametrize("rows", [3, 30])
def test_category_changelist_query_count_does_not_grow_with_rows(
    staff_client, django_assert_num_queries, rows
):
    root = CategoryFactory()
    for _ in range(rows - 1):
        ProductFactory(category=CategoryFactory(parent=root))
    with django_assert_num_queries(8):
        response = staff_client.get(changelist("category"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_brand_changelist_query_count_does_not_grow_with_rows(staff_client, django_assert_num_queries, rows):
    for _ in range(rows):
        ProductFactory()
    with django_assert_num_queries(6):
        response = staff_client.get(changelist("brand"))
    assert response.status_code == 200


# Columns, search and filters


def test_category_changelist_counts_products_and_indents_by_depth(staff_client):
    root = CategoryFactory(name="Electronics")
    child = CategoryFactory(name="Phones", parent=root)
    ProductFactory.create_batch(3, category=child)
    ProductFactory(category=root)

    response = staff_client.get(changelist("category"))

    counts = {c.name: c.product_total for c in response.context["cl"].result_list}
    assert counts == {"Electronics": 1, "Phones": 3}
    assert '<span style="padding-left: 1.5em">Phones</span>' in response.content.decode()


def test_brand_changelist_counts_products(staff_client):
    brand = BrandFactory(name="Acme")
    ProductFactory.create_batch(2, brand=brand)
    response = staff_client.get(changelist("brand"))
    assert [(b.name, b.product_total) for b in response.context["cl"].result_list] == [("Acme", 2)]


def test_product_search_matches_title_gtin_and_slug(staff_client):
    kettle = ProductFactory(title="Steel kettle", gtin="0012345678905", slug="steel-kettle")
    toaster = ProductFactory(title="Toaster", gtin="0098765432109", slug="four-slice-toaster")
    ProductFactory(title="Lamp")

    assert ids_in(staff_client.get(changelist("product"), {"q": "kettle"})) == [kettle.pk]
    assert ids_in(staff_client.get(changelist("product"), {"q": "0098765432109"})) == [toaster.pk]
    assert ids_in(staff_client.get(changelist("product"), {"q": "four-slice"})) == [toaster.pk]


def test_product_filters_by_stock_activity_top_level_category_and_brand(staff_client):
    root = CategoryFactory()
    in_subtree = product_with_offer(category=CategoryFactory(parent=root))
    brand = BrandFactory()
    other = ProductFactory(brand=brand, is_active=False)
    product_refresh_buy_box(product_ids=[in_subtree.pk, other.pk])

    url = changelist("product")
    assert ids_in(staff_client.get(url, {"in_stock__exact": "1"})) == [in_subtree.pk]
    assert ids_in(staff_client.get(url, {"is_active__exact": "0"})) == [other.pk]
    assert ids_in(staff_client.get(url, {"top_category": root.path})) == [in_subtree.pk]
    response = staff_client.get(url, {"brand__id__exact": brand.pk})
    assert ids_in(response) == [other.pk]
    assert f'<option value="{brand.pk}" selected>{brand.name}</option>' in response.content.decode()


def test_brand_autocomplete_for_the_filter_answers(staff_client):
    BrandFactory(name="Acme")
    BrandFactory(name="Globex")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "acm", "app_label": "catalog", "model_name": "product", "field_name": "brand"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Acme"]


def test_offer_search_and_seller_status_filter(staff_client):
    suspended = SellerFactory(name="Shady Deals", status="suspended")
    offer = OfferFactory(sku="ABC-123", seller=suspended, product=ProductFactory(title="Blue mug"))
    other = OfferFactory(sku="XYZ-999")
    url = changelist("offer")

    assert ids_in(staff_client.get(url, {"q": "abc-1"})) == [offer.pk]
    assert ids_in(staff_client.get(url, {"q": "blue mug"})) == [offer.pk]
    assert ids_in(staff_client.get(url, {"q": "shady"})) == [offer.pk]
    assert ids_in(staff_client.get(url, {"seller_status": "suspended"})) == [offer.pk]
    assert ids_in(staff_client.get(url, {"seller_status": "approved"})) == [other.pk]
    assert ids_in(staff_client.get(url, {"seller__id__exact": suspended.pk})) == [offer.pk]


# Writes go through the services


def test_recompute_buy_box_action_refreshes_the_cache(staff_client):
    product = product_with_offer()
    assert product.buy_box_offer_id is None

    response = staff_client.post(
        changelist("product"), {"action": "recompute_buy_box", "_selected_action": [product.pk]}, follow=True
    )

    product.refresh_from_db()
    assert product.buy_box_offer_id == product.offers.get().pk
    assert product.in_stock is True
    assert [str(m) for m in response.context["messages"]] == ["Recomputed the buy box of 1 products."]


def test_adding_a_category_sets_its_path(staff_client):
    parent = CategoryFactory()
    response = staff_client.post(
        reverse("admin:catalog_category_add"),
        {"name": "Headphones", "slug": "headphones", "parent": parent.pk, "position": 0, "is_active": "on"},
    )
    assert response.status_code == 302
    category = Category.objects.get(slug="headphones")
    assert category.path == f"{parent.path}{category.pk}/"
    assert category.depth == 1


def category_form(category, **changes):
    data = {
        "name": category.name,
        "slug": category.slug,
        "parent": category.parent_id or "",
        "description": category.description,
        "position": category.position,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_changing_a_category_parent_moves_its_subtree(staff_client):
    old_root, new_root = CategoryFactory(), CategoryFactory()
    category = CategoryFactory(parent=old_root)
    child = CategoryFactory(parent=category)

    response = staff_client.post(
        reverse("admin:catalog_category_change", args=[category.pk]),
        category_form(category, parent=new_root.pk, name="Renamed"),
    )

    assert response.status_code == 302
    category.refresh_from_db()
    child.refresh_from_db()
    assert (category.name, category.parent_id) == ("Renamed", new_root.pk)
    assert category.path == f"{new_root.pk}/{category.pk}/"
    assert child.path == f"{new_root.pk}/{category.pk}/{child.pk}/"
    assert child.depth == 2


def test_a_category_cannot_move_under_its_own_descendant(staff_client):
    category = CategoryFactory()
    child = CategoryFactory(parent=category)

    response = staff_client.post(
        reverse("admin:catalog_category_change", args=[category.pk]), category_form(category, parent=child.pk)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "parent": ["A category cannot be placed under itself or one of its subcategories."]
    }
    category.refresh_from_db()
    assert (category.parent_id, category.path) == (None, f"{category.pk}/")


def offer_form(offer, **changes):
    data = {
        "product": offer.product_id,
        "seller": offer.seller_id,
        "sku": offer.sku,
        "condition": offer.condition,
        "condition_note": "",
        "is_active": "on",
        "price_amount": offer.price_amount,
        "shipping_amount": offer.shipping_amount,
        "currency": offer.currency,
        "handling_days": offer.handling_days,
        "stocks-TOTAL_FORMS": 0,
        "stocks-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_saving_an_offer_refreshes_the_buy_box(staff_client):
    # given two offers, the cheaper one in the buy box
    warehouse = WarehouseFactory()
    cheap = OfferFactory(price_amount=Decimal("10.00"))
    product = cheap.product
    dear = OfferFactory(product=product, price_amount=Decimal("12.00"))
    StockFactory(offer=cheap, warehouse=warehouse)
    StockFactory(offer=dear, warehouse=warehouse)
    staff_client.post(
        changelist("product"), {"action": "recompute_buy_box", "_selected_action": [product.pk]}
    )
    product.refresh_from_db()
    assert product.buy_box_offer_id == cheap.pk

    # when staff raise the cheap offer's price
    response = staff_client.post(
        reverse("admin:catalog_offer_change", args=[cheap.pk]), offer_form(cheap, price_amount="15.00")
    )

    # then the other offer wins
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.buy_box_offer_id == dear.pk
    assert product.buy_box_price_amount == Decimal("12.00")


def test_adding_an_offer_in_the_product_inline_refreshes_the_buy_box(staff_client):
    product = ProductFactory()
    seller = SellerFactory()
    data = {
        "title": product.title,
        "slug": product.slug,
        "category": product.category_id,
        "brand": product.brand_id,
        "gtin": "",
        "description": "",
        "is_active": "on",
        "attributes": "{}",
        "weight_grams": 500,
        "list_price_amount": "",
        "parent": "",
        "variation_theme": "",
        "variant_attributes": "{}",
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
        "offers-TOTAL_FORMS": 1,
        "offers-INITIAL_FORMS": 0,
        "offers-0-sku": "NEW-1",
        "offers-0-seller": seller.pk,
        "offers-0-condition": "new",
        "offers-0-price_amount": "9.99",
        "offers-0-shipping_amount": "0",
        "offers-0-currency": "USD",
        "offers-0-handling_days": 2,
        "offers-0-is_active": "on",
    }

    response = staff_client.post(reverse("admin:catalog_product_change", args=[product.pk]), data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert Offer.objects.get(product=product).sku == "NEW-1"
    # no stock yet: counted as an offer, but nothing can be bought
    assert (product.offer_count, product.in_stock, product.buy_box_offer_id) == (1, False, None)


def test_product_list_shows_buy_box_price_formatted(staff_client):
    product = product_with_offer()
    staff_client.post(
        changelist("product"), {"action": "recompute_buy_box", "_selected_action": [product.pk]}
    )
    assert Product.objects.get(pk=product.pk).buy_box_price_amount == Decimal("19.99")
    assert (
        '<td class="field-buy_box_price">$19.99</td>'
        in staff_client.get(changelist("product")).content.decode()
    )
