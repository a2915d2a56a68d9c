from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.services import product_refresh_buy_box
from orders.cart import SESSION_KEY
from sellers.models import Seller
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    offer = OfferFactory(price_amount=Decimal("24.99"))
    StockFactory(offer=offer, on_hand=3)
    product_refresh_buy_box(product_ids=[offer.product_id])
    return offer


def add(client, offer_id, quantity):
    return client.post(reverse("orders:cart-add"), {"offer": offer_id, "quantity": quantity}, follow=True)


def test_adding_an_offer_shows_it_in_the_cart_grouped_by_seller(client, offer):
    response = add(client, offer.pk, "2")

    assert response.status_code == 200
    assert client.session[SESSION_KEY] == {str(offer.pk): 2}
    content = response.content.decode()
    assert f'Sold by <a href="{offer.seller.get_absolute_url()}">{offer.seller.name}</a>' in content
    assert "$49.98" in content


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "The quantity must be at least 1."),
        ("-1", "The quantity must be at least 1."),
        ("1.5", "Enter a whole number of items."),
        ("abc", "Enter a whole number of items."),
        (str(2**31), "You can buy at most 30 of an item at a time."),
        ("4", "Only 3 left from this seller."),
    ],
)
def test_bad_quantities_are_refused_with_a_message_and_change_nothing(client, offer, quantity, message):
    response = add(client, offer.pk, quantity)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.session.get(SESSION_KEY, {}) == {}


def test_suspended_seller_unknown_and_inactive_offers_are_refused(client, offer):
    suspended = OfferFactory(seller=SellerFactory(status=Seller.Status.SUSPENDED))
    StockFactory(offer=suspended)
    inactive = OfferFactory(is_active=False)

    assert "That seller is not selling at the moment." in add(client, suspended.pk, 1).content.decode()
    assert "That item is no longer available." in add(client, inactive.pk, 1).content.decode()
    assert "That item could not be found." in add(client, "x", 1).content.decode()
    assert "That item is no longer available." in add(client, 999999, 1).content.decode()
    assert client.session.get(SESSION_KEY, {}) == {}


def test_remove_and_header_count(client, offer):
    add(client, offer.pk, 2)
    assert client.get(reverse("orders:cart-detail")).context["cart_count"] == 2

    response = client.post(reverse("orders:cart-remove"), {"offer": offer.pk}, follow=True)

    assert response.context["cart_count"] == 0
    assert "Your cart is empty." in response.content.decode()


def test_cart_page_query_count_does_not_grow_with_lines(client, django_assert_max_num_queries):
    for _ in range(5):
        offer = OfferFactory()
        StockFactory(offer=offer)
        add(client, offer.pk, 1)
    with django_assert_max_num_queries(4):
        client.get(reverse("orders:cart-detail"))
