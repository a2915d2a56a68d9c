import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import ProductImage
from sellers.models import Seller
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def seller_url(seller):
    return reverse("sellers:seller-detail", kwargs={"slug": seller.slug})


def list_offer(seller, title, price, *, stock=5, **fields):
    product = ProductFactory(title=title, **fields)
    ProductImage.objects.create(
        product=product, image=f"products/{product.slug}.jpg", width=200, height=200, alt_text=title
    )
    offer = OfferFactory(seller=seller, product=product, price_amount=Decimal(price))
    if stock:
        StockFactory(offer=offer, on_hand=stock)
    return offer


def test_seller_page_shows_profile_and_listings_with_the_sellers_prices(client):
    seller = SellerFactory(
        name="Blade House",
        slug="blade-house",
        description="Knives since 1990.",
        rating_average=Decimal("4.70"),
        rating_count=321,
        approved_at=datetime.datetime(2023, 5, 2, tzinfo=datetime.UTC),
    )
    list_offer(seller, "Chef Knife", "24.99", slug="chef-knife")
    list_offer(seller, "Paring Knife", "9.00", stock=0)
    list_offer(seller, "Hidden Knife", "5.00", is_active=False)
    OfferFactory(seller=seller, price_amount=Decimal("3.00"), is_active=False)
    OfferFactory(price_amount=Decimal("1.00"))  # someone else's

    response = client.get(seller_url(seller))

    assert response.status_code == 200
    offers = response.context["page_obj"].object_list
    assert [o.product.title for o in offers] == ["Paring Knife", "Chef Knife"]
    html = response.content.decode()
    assert '<h1 id="seller-name">Blade House</h1>' in html
    assert "Rated 4.7 out of 5 stars" in html
    assert "since May 2023" in html
    assert "Knives since 1990." in html
    assert '<a href="/p/chef-knife/">Chef Knife</a>' in html
    assert '<p class="price">$24.99</p>' in html
    assert "Currently unavailable" in html
    assert "2 listings" in html


@pytest.mark.parametrize("status", [Seller.Status.SUSPENDED, Seller.Status.APPLIED])
def test_suspended_or_applied_seller_page_is_a_styled_404(client, status):
    seller = SellerFactory(status=status)

    response = client.get(seller_url(seller))

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_unknown_seller_is_a_404(client):
    assert client.get("/sellers/nobody/").status_code == 404


@pytest.mark.parametrize("page", ["abc", "-1", "99999"])
def test_seller_page_nonsense_page_numbers_never_fail(client, settings, page):
    settings.CATALOG_PAGE_SIZE = 2
    seller = SellerFactory()
    for i in range(3):
        list_offer(seller, f"Thing {i}", "4.00")

    response = client.get(seller_url(seller), {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number in (1, 2)


@pytest.mark.parametrize("count", [3, 30])
def test_seller_page_query_count_does_not_grow_with_listings(count, client, django_assert_num_queries):
    seller = SellerFactory()
    warehouse = WarehouseFactory()
    for i in range(count):
        offer = list_offer(seller, f"Thing {i}", "4.00", stock=0)
        StockFactory(offer=offer, warehouse=warehouse, on_hand=2)

    # navigation, seller, count, offers with products, images; the feedback section (reviews): 2
    with django_assert_num_queries(7):
        response = client.get(seller_url(seller))
    assert response.status_code == 200
