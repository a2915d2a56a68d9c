import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.models import ProductImage
from catalog.services import product_refresh_buy_box
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.catalog.search_fixtures import build_search_catalog
from tests.fulfillment.factories import StockFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def search_catalog(db) -> dict:
    """The storefront's fixed search catalog (tests/catalog/search_fixtures.py), indexed."""
    return build_search_catalog()


def make_listed(category, price, *, stock=10, image=True, refresh=True, **fields):
    """A product with one stocked offer (and an image), its buy box refreshed."""
    product = ProductFactory(category=category, **fields)
    offer = OfferFactory(product=product, price_amount=Decimal(price))
    if stock:
        StockFactory(offer=offer, on_hand=stock)
    if image:
        ProductImage.objects.create(
            product=product,
            image=f"products/{product.slug}.jpg",
            width=400,
            height=300,
            alt_text=f"{product.title} photo",
        )
    if refresh:
        product_refresh_buy_box(product_ids=[product.pk])
        product.refresh_from_db()
    return product


def assert_problem(response, status: int, **fields) -> dict:
    """The response is an RFC 9457 problem document with this status (and these fields)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["type"].startswith("/api/v1/problems/")
    assert body["title"] and body["detail"]
    for key, value in fields.items():
        assert body[key] == value, body
    return body
