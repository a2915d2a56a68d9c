from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.services import product_refresh_buy_box
from fulfillment.models import Stock
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def ids_in(response):
    return sorted(obj.pk for obj in response.context["cl"].result_list)


def stock_row(stock):
    return Stock.objects.values_list("on_hand", "reserved").get(pk=stock.pk)


def test_warehouse_and_stock_pages_load_for_staff(staff_client):
    stock = StockFactory(warehouse=WarehouseFactory(seller=SellerFactory()))
    pages = [
        reverse("admin:fulfillment_warehouse_changelist"),
        reverse("admin:fulfillment_warehouse_add"),
        reverse("admin:fulfillment_warehouse_change", args=[stock.warehouse.pk]),
        reverse("admin:fulfillment_stock_changelist"),
        reverse("admin:fulfillment_stock_add"),
        reverse("admin:fulfillment_stock_change", args=[stock.pk]),
        reverse("admin:catalog_offer_change", args=[stock.offer.pk]),
    ]
    for url in pages:
        assert staff_client.get(url).status_code == 200, url


def test_non_staff_users_are_sent_to_the_admin_login(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(reverse("admin:fulfillment_stock_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("rows", [3, 30])
def test_stock_changelist_query_count_does_not_grow_with_rows(staff_client, django_assert_num_queries, rows):
    warehouse = WarehouseFactory()
    StockFactory.create_batch(rows, warehouse=warehouse, on_hand=9, reserved=4)
    # session, user, count, rows, storefront navigation
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("admin:fulfillment_stock_changelist"))
    assert response.status_code == 200
    assert response.content.decode().count('<td class="field-available">5</td>') == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_warehouse_changelist_query_count_does_not_grow_with_rows(
    staff_client, django_assert_num_queries, rows
):
    for i in range(rows):
        warehouse = WarehouseFactory(seller=SellerFactory() if i % 2 else None)
        StockFactory.create_batch(2, warehouse=warehouse, on_hand=3)
    # session, user, count, full count, rows, storefront navigation, country filter values
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("admin:fulfillment_warehouse_changelist"))
    assert [w.units_on_hand for w in response.context["cl"].result_list] == [6] * rows
    assert '<td class="field-operator">Marketplace</td>' in response.content.decode()


def test_warehouse_filters_by_country_operator_and_seller(staff_client):
    seller = SellerFactory()
    own = WarehouseFactory(seller=seller, country="DE", city="Berlin")
    central = WarehouseFactory(country="US")
    url = reverse("admin:fulfillment_warehouse_changelist")

    assert ids_in(staff_client.get(url, {"country": "DE"})) == [own.pk]
    assert ids_in(staff_client.get(url, {"operator": "marketplace"})) == [central.pk]
    assert ids_in(staff_client.get(url, {"seller__id__exact": seller.pk})) == [own.pk]
    assert ids_in(staff_client.get(url, {"q": "berlin"})) == [own.pk]


def test_stock_search_by_sku_and_filter_by_warehouse(staff_client):
    stock = StockFactory(offer=OfferFactory(sku="MUG-BLUE-1"))
    other = StockFactory()
    url = reverse("admin:fulfillment_stock_changelist")

    assert ids_in(staff_client.get(url, {"q": "mug-blue"})) == [stock.pk]
    assert ids_in(staff_client.get(url, {"warehouse__id__exact": other.warehouse.pk})) == [other.pk]


def test_stock_form_refuses_less_on_hand_than_reserved(staff_client):
    # given 8 on hand of which 6 are reserved
    stock = StockFactory(on_hand=8, reserved=6)

    # when staff set on hand to 5
    response = staff_client.post(reverse("admin:fulfillment_stock_change", args=[stock.pk]), {"on_hand": 5})

    # then the form says why and the row is unchanged
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "on_hand": ["6 units are reserved for unpaid orders; on hand cannot be less than that."]
    }
    assert stock_row(stock) == (8, 6)


def test_stock_form_refuses_negative_on_hand(staff_client):
    stock = StockFactory(on_hand=8)
    response = staff_client.post(reverse("admin:fulfillment_stock_change", args=[stock.pk]), {"on_hand": -1})
    assert response.context["adminform"].form.errors == {
        "on_hand": ["Ensure this value is greater than or equal to 0."]
    }
    assert stock_row(stock) == (8, 0)


def test_editing_stock_keeps_reservations_and_refreshes_the_buy_box(staff_client):
    # given a product whose only offer is out of stock, with 2 units reserved
    stock = StockFactory(on_hand=2, reserved=2)
    product = stock.offer.product
    product_refresh_buy_box(product_ids=[product.pk])
    product.refresh_from_db()
    assert product.in_stock is False

    # when staff receive 10 more units (the posted form cannot touch reserved)
    response = staff_client.post(
        reverse("admin:fulfillment_stock_change", args=[stock.pk]), {"on_hand": 12, "reserved": 0}
    )

    # then
    assert response.status_code == 302
    assert stock_row(stock) == (12, 2)
    product.refresh_from_db()
    assert (product.in_stock, product.buy_box_offer_id) == (True, stock.offer.pk)


def test_adding_stock_for_an_offer_and_warehouse_that_already_have_a_row_is_a_form_error(staff_client):
    stock = StockFactory(on_hand=3)
    response = staff_client.post(
        reverse("admin:fulfillment_stock_add"),
        {"offer": stock.offer.pk, "warehouse": stock.warehouse.pk, "on_hand": 4},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Stock with this Offer and Warehouse already exists."
    ]
    assert Stock.objects.count() == 1


def offer_form_with_stock(offer, stock, on_hand):
    return {
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
        "stocks-TOTAL_FORMS": 1,
        "stocks-INITIAL_FORMS": 1,
        "stocks-0-id": stock.pk,
        "stocks-0-offer": offer.pk,
        "stocks-0-warehouse": stock.warehouse_id,
        "stocks-0-on_hand": on_hand,
    }


def test_stock_inline_on_the_offer_validates_and_refreshes_the_buy_box(staff_client):
    # given two offers; the cheap one has its only units reserved
    cheap_stock = StockFactory(offer=OfferFactory(price_amount=Decimal("10.00")), on_hand=1, reserved=1)
    cheap = cheap_stock.offer
    dear = OfferFactory(product=cheap.product, price_amount=Decimal("12.00"))
    StockFactory(offer=dear)
    product_refresh_buy_box(product_ids=[cheap.product_id])
    url = reverse("admin:catalog_offer_change", args=[cheap.pk])

    # an on-hand figure below the reservations is refused in the inline
    response = staff_client.post(url, offer_form_with_stock(cheap, cheap_stock, 0))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"on_hand": ["1 units are reserved for unpaid orders; on hand cannot be less than that."]}
    ]
    assert stock_row(cheap_stock) == (1, 1)

    # receiving units through the inline gives the cheap offer the buy box
    response = staff_client.post(url, offer_form_with_stock(cheap, cheap_stock, 5))
    assert response.status_code == 302
    assert stock_row(cheap_stock) == (5, 1)
    cheap.product.refresh_from_db()
    assert cheap.product.buy_box_offer_id == cheap.pk


def test_changelists_with_facet_counts_load(staff_client):
    stock = StockFactory(warehouse=WarehouseFactory(seller=SellerFactory()))
    pages = [
        (reverse("admin:fulfillment_warehouse_changelist"), {"seller__id__exact": stock.warehouse.seller_id}),
        (reverse("admin:catalog_category_changelist"), {}),
        (reverse("admin:sellers_seller_changelist"), {}),
        (reverse("admin:catalog_brand_changelist"), {}),
    ]
    for url, params in pages:
        response = staff_client.get(url, {"_facets": "1", **params})
        assert response.status_code == 200, url
        assert len(response.context["cl"].result_list) >= 1, url
    # big tables never count facets, even when asked
    for name in ("catalog_product", "catalog_offer", "fulfillment_stock"):
        response = staff_client.get(reverse(f"admin:{name}_changelist"), {"_facets": "1"})
        assert response.status_code == 200
        assert response.context["cl"].add_facets is False
