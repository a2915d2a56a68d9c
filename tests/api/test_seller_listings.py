"""``/api/v1/seller/listings/``: list with filters, detail, create on an existing product, PATCH."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Offer
from marketplace.core.models import AuditEntry
from sellers.api_keys import Scope
from sellers.models import SellerMember
from tests.api.conftest import assert_problem, patch_json, post_json
from tests.api.seller_data import key_client, key_for, listed, member_client, new_seller
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db
LISTINGS = "/api/v1/seller/listings/"


@pytest.fixture
def seller():
    return new_seller()


@pytest.fixture
def client(seller):
    _, key = key_for(seller)
    return key_client(key)


def detail(offer) -> str:
    return f"{LISTINGS}{offer.pk}/"


def test_the_list_shows_each_listing_with_its_units(client, seller):
    (offer,) = listed(seller, stock=7, price="12.50")
    response = client.get(LISTINGS)
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": offer.pk,
            "sku": offer.sku,
            "product": {"id": offer.product.pk, "slug": offer.product.slug, "title": offer.product.title},
            "condition": "new",
            "condition_note": "",
            "price": "12.50",
            "shipping": "0.00",
            "currency": "USD",
            "handling_days": 2,
            "is_active": True,
            "available": 7,
            "created_at": response.json()["results"][0]["created_at"],
        }
    ]
    assert response.json()["next"] is None


def test_the_list_filters_by_sku_active_and_out_of_stock(client, seller):
    stocked, paused = listed(seller, count=2)
    (empty,) = listed(seller, stock=0)
    Offer.objects.filter(pk=paused.pk).update(is_active=False)

    def ids(query):
        response = client.get(f"{LISTINGS}?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"sku={stocked.sku}") == [stocked.pk]
    assert ids("active=false") == [paused.pk]
    assert ids("active=true") == [empty.pk, stocked.pk]
    assert ids("out_of_stock=true") == [empty.pk]
    assert ids("page_size=1")[0] == empty.pk


@pytest.mark.parametrize(
    "query", ["active=yes", "out_of_stock=1", "sku=" + "x" * 65, "page_size=0", "cursor=zz"]
)
def test_a_bad_filter_is_a_400(client, seller, query):
    assert_problem(client.get(f"{LISTINGS}?{query}"), 400)


def test_the_list_costs_the_same_queries_for_3_and_30_listings(client, seller):
    client.get(LISTINGS)  # the key's first use this minute writes last_used_at
    counts = []
    for total in (3, 30):
        listed(seller, count=total - Offer.objects.filter(seller=seller).count())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{LISTINGS}?page_size=100")
        assert len(response.json()["results"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The key (with its seller and creator), the page of offers with their units, their pictures.
    assert counts == [3, 3], counts


def test_detail_shows_one_listing_and_others_are_404(client, seller):
    (offer,) = listed(seller)
    (theirs,) = listed(new_seller())
    assert client.get(detail(offer)).json()["id"] == offer.pk
    assert_problem(client.get(detail(theirs)), 404)
    assert_problem(client.get(f"{LISTINGS}99999999999999999999999/"), 404)
    assert_problem(client.get(f"{LISTINGS}abc/"), 404)


def new_listing(of, **fields) -> dict:
    return {"product": of.slug, "sku": "API-1", "price": "24.00", "shipping": "3.50", **fields}


def test_a_listing_is_created_once_per_idempotency_key(client, seller):
    product = ProductFactory()
    key = str(uuid.uuid4())
    first = post_json(client, LISTINGS, new_listing(product, handling_days=3), HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["sku"], body["price"], body["shipping"], body["handling_days"], body["available"]) == (
        "API-1",
        "24.00",
        "3.50",
        3,
        0,
    )
    offer = Offer.objects.get(seller=seller)
    assert (offer.product, offer.price_amount) == (product, Decimal("24.00"))
    again = post_json(client, LISTINGS, new_listing(product, handling_days=3), HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert Offer.objects.filter(seller=seller).count() == 1
    other = post_json(client, LISTINGS, new_listing(product, sku="API-2"), HTTP_IDEMPOTENCY_KEY=key)
    assert_problem(other, 422)


def test_creating_needs_an_idempotency_key(client):
    response = post_json(client, LISTINGS, new_listing(ProductFactory()))
    assert "Idempotency-Key" in assert_problem(response, 400)["errors"]
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"seller": 1}, "seller"),
        ({"is_staff": True}, "is_staff"),
        ({"price": True}, "price"),
        ({"price": "cheap"}, "price"),
        ({"handling_days": "3"}, "handling_days"),
        ({"sku": 12}, "sku"),
        ({"sku": "A\x00B"}, "sku"),
        ({"product": "no-such-product"}, "product"),
    ],
)
def test_a_bad_field_is_a_400_naming_it(client, fields, field):
    body = new_listing(ProductFactory(), **fields)
    response = post_json(client, LISTINGS, body, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert field in assert_problem(response, 400)["errors"]
    assert not Offer.objects.exists()


def test_a_negative_price_is_refused_by_the_business_rule(client):
    response = post_json(
        client, LISTINGS, new_listing(ProductFactory(), price="-1.00"), HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    body = assert_problem(response, 400, detail="The price cannot be negative.")
    assert body["type"] == "/api/v1/problems/business-rule"
    assert not Offer.objects.exists()


def test_a_duplicate_sku_is_a_409(client, seller):
    (offer,) = listed(seller)
    response = post_json(
        client, LISTINGS, new_listing(ProductFactory(), sku=offer.sku), HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert_problem(response, 409)
    assert Offer.objects.filter(seller=seller).count() == 1


def test_patch_changes_price_details_and_pauses_each_audited(client, seller):
    (offer,) = listed(seller, price="10.00")
    response = patch_json(
        client,
        detail(offer),
        {"price": "11.00", "sku": "NEW-SKU", "handling_days": 4, "is_active": False},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["price"], body["shipping"], body["sku"], body["handling_days"], body["is_active"]) == (
        "11.00",
        "0.00",
        "NEW-SKU",
        4,
        False,
    )
    actions = set(AuditEntry.objects.filter(target_id=str(offer.pk)).values_list("action", flat=True))
    assert actions == {"offer.price_changed", "offer.details_changed", "offer.paused"}
    assert patch_json(client, detail(offer), {"is_active": True}).json()["is_active"] is True


def test_a_patch_that_fails_changes_nothing(client, seller):
    offer, other = listed(seller, count=2, price="10.00")
    response = patch_json(client, detail(offer), {"price": "12.00", "sku": other.sku})
    assert_problem(response, 409)
    offer.refresh_from_db()
    assert (offer.price_amount, offer.sku) != (Decimal("12.00"), other.sku)
    assert offer.price_amount == Decimal("10.00")
    assert not AuditEntry.objects.filter(target_id=str(offer.pk)).exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"condition": "used_good"},
        {"is_active": "false"},
        {"price": "0"},
        {"handling_days": 31},
        {"status": "x"},
    ],
)
def test_a_bad_patch_is_a_400(client, seller, body):
    (offer,) = listed(seller, price="10.00")
    assert_problem(patch_json(client, detail(offer), body), 400)
    offer.refresh_from_db()
    assert (offer.price_amount, offer.is_active) == (Decimal("10.00"), True)


def test_another_sellers_listing_cannot_be_changed(client):
    (theirs,) = listed(new_seller(), price="10.00")
    assert_problem(patch_json(client, detail(theirs), {"price": "1.00"}), 404)
    theirs.refresh_from_db()
    assert theirs.price_amount == Decimal("10.00")


def test_a_manager_signed_in_reads_and_writes_listings(seller):
    (offer,) = listed(seller)
    manager = member_client(seller, SellerMember.Role.MANAGER)
    assert manager.get(LISTINGS).json()["results"][0]["id"] == offer.pk
    assert patch_json(manager, detail(offer), {"price": "9.00"}).json()["price"] == "9.00"


def test_with_the_mfa_requirement_an_owner_needs_a_second_factor_but_a_key_does_not(seller, settings):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    owner = member_client(seller, SellerMember.Role.OWNER)
    body = assert_problem(owner.get(LISTINGS), 403)
    assert "Two-factor authentication is required" in body["detail"]
    user = SellerMember.objects.get(seller=seller, role=SellerMember.Role.OWNER).user
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert owner.get(LISTINGS).status_code == 200
    _, key = key_for(seller, scopes=[Scope.LISTINGS_READ])
    assert key_client(key).get(LISTINGS).status_code == 200


def test_a_member_of_two_sellers_names_one_in_x_seller_id(seller):
    other = new_seller()
    client = member_client(seller, SellerMember.Role.MANAGER)
    user = SellerMember.objects.get(seller=seller).user
    SellerMember.objects.create(seller=other, user=user, role=SellerMember.Role.MANAGER)
    (theirs,) = listed(other)
    assert "X-Seller-Id" in assert_problem(client.get(LISTINGS), 403)["detail"]
    chosen = client.get(LISTINGS, HTTP_X_SELLER_ID=str(other.pk))
    assert [row["id"] for row in chosen.json()["results"]] == [theirs.pk]
    assert_problem(client.get(LISTINGS, HTTP_X_SELLER_ID=str(new_seller().pk)), 403)
    assert_problem(client.get(LISTINGS, HTTP_X_SELLER_ID="١"), 400)
    assert json.loads(client.get(LISTINGS, HTTP_X_SELLER_ID=str(seller.pk)).content)["results"] == []
