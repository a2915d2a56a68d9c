import json
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from catalog.models import ProductImage
from catalog.services import product_refresh_buy_box
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
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


# Shoppers signed in the way an app signs in (allauth's headless app API, X-Session-Token).


def verified_user(**fields):
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def signed_in_client(user) -> APIClient:
    """An APIClient carrying ``user``'s session token, got from POST /_allauth/app/v1/auth/login."""
    client = APIClient()
    response = client.post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
    return client


@pytest.fixture
def shopper(db):
    return verified_user()


@pytest.fixture
def shopper_api(shopper) -> APIClient:
    return signed_in_client(shopper)


def post_json(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def patch_json(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)
