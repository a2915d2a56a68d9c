"""The page cache of catalog/cache.py: what is served from it, to whom, and when it is dropped."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from catalog.cache import CART_COUNT_SLOT, CSRF_SLOT, HEADER
from catalog.models import Offer
from catalog.services import product_refresh_buy_box
from fulfillment.stock import stock_release, stock_reserve
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory
from tests.fulfillment.test_stock import allocation_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kettle():
    category = CategoryFactory(name="Kitchen", slug="kitchen")
    product = ProductFactory(category=category, title="Acme Kettle", slug="acme-kettle")
    offer = OfferFactory(product=product, price_amount=Decimal("24.99"), shipping_amount=Decimal("0.00"))
    StockFactory(offer=offer, on_hand=10)
    product_refresh_buy_box(product_ids=[product.pk])
    return offer


def product_url(offer):
    return reverse("catalog:product-detail", kwargs={"slug": offer.product.slug})


def warm(client, url, times=2):
    """Product pages learn their versions on the first render and are stored by the second."""
    for _ in range(times):
        client.get(url)


def reserve(offer, quantity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return stock_reserve(offer_quantities={offer.pk: quantity}, destination=None)


def test_a_cached_product_page_is_served_without_queries(kettle, django_assert_num_queries):
    client = Client()
    url = product_url(kettle)
    first, second = client.get(url), client.get(url)
    assert (first[HEADER], second[HEADER]) == ("miss", "miss")

    with django_assert_num_queries(0):
        hit = client.get(url)

    assert hit.status_code == 200
    assert hit[HEADER] == "hit"
    assert hit.content == second.content.replace(csrf_of(second).encode(), csrf_of(hit).encode())
    assert "$24.99" in hit.content.decode()
    assert CSRF_SLOT not in hit.content.decode()
    assert CART_COUNT_SLOT not in hit.content.decode()


def test_listing_pages_are_cached_from_the_first_request(kettle, django_assert_num_queries):
    client = Client()
    for url in (reverse("catalog:home"), reverse("catalog:category-detail", kwargs={"slug": "kitchen"})):
        assert client.get(url)[HEADER] == "miss"
        with django_assert_num_queries(0):
            assert client.get(url)[HEADER] == "hit"
    # Another query string is another page; one the page does not read is not cached at all.
    category_url = reverse("catalog:category-detail", kwargs={"slug": "kitchen"})
    assert client.get(category_url + "?sort=price_asc")[HEADER] == "miss"
    assert HEADER not in client.get(reverse("catalog:home") + "?sort=price_asc")


def test_a_reservation_shows_on_the_next_request_of_the_product_page(
    kettle, django_capture_on_commit_callbacks
):
    client = Client()
    url = product_url(kettle)
    warm(client, url)
    assert "In stock" in client.get(url).content.decode()

    reserve(kettle, 8, django_capture_on_commit_callbacks)

    response = client.get(url)
    assert response[HEADER] == "miss"
    assert "Only 2 left in stock" in response.content.decode()
    assert 'max="2"' in response.content.decode()


def test_selling_out_and_a_release_show_on_the_product_page_and_the_listings(
    kettle, django_capture_on_commit_callbacks
):
    client = Client()
    url, category_url = product_url(kettle), reverse("catalog:category-detail", kwargs={"slug": "kitchen"})
    warm(client, url)
    client.get(category_url)

    reserve(kettle, 10, django_capture_on_commit_callbacks)

    assert "Currently unavailable" in client.get(url).content.decode()
    assert "Currently unavailable" in client.get(category_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        stock_release(allocations=[allocation_for(kettle.stocks.get(), 10)])

    assert "In stock" in client.get(url).content.decode()
    assert "$24.99" in client.get(category_url).content.decode()


def test_a_price_change_shows_on_the_next_request_of_every_page(kettle, django_capture_on_commit_callbacks):
    client = Client()
    url = product_url(kettle)
    home, category_url = (
        reverse("catalog:home"),
        reverse("catalog:category-detail", kwargs={"slug": "kitchen"}),
    )
    warm(client, url)
    for page in (home, category_url):
        client.get(page)

    Offer.objects.filter(pk=kettle.pk).update(price_amount=Decimal("19.99"))
    with django_capture_on_commit_callbacks(execute=True):  # the pages go stale when it commits
        product_refresh_buy_box(product_ids=[kettle.product_id])

    for page in (url, category_url):
        content = client.get(page).content.decode()
        assert "$19.99" in content
        assert "$24.99" not in content


def csrf_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_each_shopper_gets_their_own_csrf_token_and_can_add_to_cart(kettle):
    url = product_url(kettle)
    warm(Client(), url)
    shopper = Client(enforce_csrf_checks=True)

    page = shopper.get(url)

    assert page[HEADER] == "hit"
    response = shopper.post(
        reverse("orders:cart-add"),
        {
            "csrfmiddlewaretoken": csrf_of(page),
            "offer": kettle.pk,
            "product": kettle.product_id,
            "quantity": 1,
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("orders:cart-detail"), 302)]
    # The cart page showed the message; the guest now has a cart: the cached page shows their count.
    again = shopper.get(url)
    assert again[HEADER] == "hit"
    assert '<span class="visually-hidden">, items: </span>1</span>' in again.content.decode()


def test_a_signed_in_shopper_never_gets_the_cached_page(kettle):
    url = product_url(kettle)
    warm(Client(), url, times=3)
    client = Client()
    client.force_login(UserFactory(email="ada@example.com"))

    response = client.get(url)

    assert HEADER not in response
    content = response.content.decode()
    assert "Sign out" in content
    assert "Your orders" in content
    assert "Sign in" not in content
    # ...and the anonymous page cached next is not theirs.
    warm(Client(), reverse("catalog:home"))
    assert "Sign out" not in Client().get(reverse("catalog:home")).content.decode()


def test_pages_with_messages_are_rendered_live_and_never_cached(kettle):
    url = product_url(kettle)
    warm(Client(), url)
    shopper = Client()
    # A refused add leaves an error message and sends the shopper back.
    shopper.post(
        reverse("orders:cart-add"), {"offer": kettle.pk, "product": kettle.product_id, "quantity": "x"}
    )

    response = shopper.get(url)

    assert HEADER not in response
    message = [m.message for m in response.context["messages"]]
    assert message and message[0] in response.content.decode()
    assert client_page(url)[HEADER] == "hit"
    assert message[0] not in client_page(url).content.decode()


def client_page(url):
    return Client().get(url)


def test_htmx_requests_and_posts_are_not_cached(kettle):
    url = product_url(kettle)
    warm(Client(), url)
    assert HEADER not in Client().get(url, headers={"HX-Request": "true"})


def test_turning_the_cache_off_renders_every_page(kettle, settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    client = Client()
    warm(client, product_url(kettle), times=3)
    assert HEADER not in client.get(product_url(kettle))


def test_junk_query_parameters_are_rendered_live_and_never_stored(kettle):
    client = Client()
    category_url = reverse("catalog:category-detail", kwargs={"slug": "kitchen"})
    client.get(category_url)
    assert client.get(category_url)[HEADER] == "hit"
    for junk in range(20):
        response = client.get(f"{category_url}?utm_junk={junk}")
        assert response.status_code == 200 and HEADER not in response
    search_url = reverse("catalog:search")
    assert HEADER not in client.get(f"{search_url}?q=kettle&x{'y' * 600}=1")
    assert HEADER not in client.get(f"{search_url}?q={'kettle ' * 80}")
    assert HEADER not in client.get(f"{product_url(kettle)}?ref=mail")


def test_the_same_parameters_in_another_order_or_with_empty_values_share_one_entry(kettle):
    client = Client()
    search_url = reverse("catalog:search")
    assert client.get(f"{search_url}?q=kettle&sort=price_asc&in_stock=1")[HEADER] == "miss"
    assert client.get(f"{search_url}?in_stock=1&sort=price_asc&q=kettle")[HEADER] == "hit"
    assert client.get(f"{search_url}?in_stock=1&brand=&sort=price_asc&q=kettle")[HEADER] == "hit"
    assert client.get(f"{search_url}?q=kettle&sort=price_desc&in_stock=1")[HEADER] == "miss"
