"""Integrator keys: made and revoked in Seller Central, shown once, stored hashed, scoped to a seller."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.core.errors import ApplicationError
from marketplace.core.models import AuditEntry
from sellers.api_keys import (
    Scope,
    SellerApiKey,
    scopes_for_role,
    seller_api_key_create,
    seller_api_key_revoke,
)
from sellers.models import SellerMember
from tests.api.conftest import assert_problem
from tests.api.seller_data import key_client, key_for, listed, new_seller
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db
LISTINGS = "/api/v1/seller/listings/"


def test_a_new_key_is_returned_once_and_only_its_hash_is_stored():
    # given
    seller = new_seller()
    owner = SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER)
    # when
    api_key, key = seller_api_key_create(
        seller=seller,
        member=owner,
        name="Warehouse sync",
        scopes=[Scope.INVENTORY_WRITE, Scope.LISTINGS_READ],
    )
    # then
    prefix, secret = key.split(".")
    assert prefix == api_key.prefix and len(secret) == 32
    row = SellerApiKey.objects.get(pk=api_key.pk)
    assert row.scopes == ["listings:read", "inventory:write"]  # in Scope order
    assert row.created_by == owner.user and row.name == "Warehouse sync"
    assert secret not in row.hashed_key and row.is_valid(key)
    with connection.cursor() as cursor:  # no column of any key row, nor the audit, holds the secret
        cursor.execute(
            "SELECT count(*) FROM sellers_sellerapikey WHERE row_to_json(sellers_sellerapikey)::text LIKE %s",
            [f"%{secret}%"],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM core_auditentry WHERE row_to_json(core_auditentry)::text LIKE %s",
            [f"%{secret}%"],
        )
        assert cursor.fetchone()[0] == 0
    entry = AuditEntry.objects.get(action="api_key.created")
    assert (entry.seller_id, entry.actor_id, entry.target_id) == (seller.pk, owner.user_id, str(api_key.pk))
    assert entry.after["prefix"] == prefix


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (SellerMember.Role.OWNER, list(Scope.values)),
        (
            SellerMember.Role.MANAGER,
            [
                "listings:read",
                "listings:write",
                "inventory:write",
                "orders:read",
                "orders:write",
                "returns:write",
            ],
        ),
        (SellerMember.Role.SHIPPING, ["orders:read", "orders:write", "returns:write"]),
        (SellerMember.Role.FINANCE, ["finance:read"]),
    ],
)
def test_the_scopes_a_member_may_grant_follow_the_roles_sections(role, allowed):
    assert scopes_for_role(role) == allowed


def test_a_manager_cannot_make_a_key_that_reads_money():
    manager = SellerMemberFactory(seller=new_seller(), role=SellerMember.Role.MANAGER)
    with pytest.raises(ApplicationError, match="Your role cannot grant finance:read"):
        seller_api_key_create(
            seller=manager.seller, member=manager, name="Books", scopes=[Scope.FINANCE_READ]
        )
    assert not SellerApiKey.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  ", "scopes": ["listings:read"]}, "Name the key"),
        ({"name": "x" * 51, "scopes": ["listings:read"]}, "at most 50"),
        ({"name": "ok", "scopes": []}, "at least one scope"),
        ({"name": "ok", "scopes": ["admin:all"]}, "from the list"),
        ({"name": "ok", "scopes": ["listings:read"], "expires_at": "past"}, "in the future"),
    ],
)
def test_a_key_with_bad_fields_is_refused(fields, message):
    owner = SellerMemberFactory(seller=new_seller(), role=SellerMember.Role.OWNER)
    if fields.get("expires_at") == "past":
        fields["expires_at"] = timezone.now() - timedelta(minutes=1)
    with pytest.raises(ApplicationError, match=message):
        seller_api_key_create(seller=owner.seller, member=owner, **fields)
    assert not SellerApiKey.objects.exists()


def test_a_key_reads_its_own_sellers_listings_and_notes_when_it_was_used():
    # given
    seller, other = new_seller(), new_seller()
    mine = listed(seller, count=2)
    listed(other, count=1)
    api_key, key = key_for(seller, scopes=[Scope.LISTINGS_READ])
    # when
    response = key_client(key).get(LISTINGS)
    # then
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [mine[1].pk, mine[0].pk]
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Api-Key nope", "Api-Key abcdefgh.wrongsecretwrongsecretwrongsecr", "Api-Key " + "x" * 300 + ".y"],
)
def test_an_unknown_key_is_a_401(header):
    key_for(new_seller())
    response = key_client("").get(LISTINGS, HTTP_AUTHORIZATION=header)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_revoked_key_is_a_401_and_revoking_is_audited_once():
    seller = new_seller()
    api_key, key = key_for(seller)
    owner = api_key.created_by
    assert key_client(key).get(LISTINGS).status_code == 200
    seller_api_key_revoke(api_key=api_key, actor=owner)
    seller_api_key_revoke(api_key=api_key, actor=owner)
    body = assert_problem(key_client(key).get(LISTINGS), 401)
    assert "revoked" in body["detail"]
    assert AuditEntry.objects.filter(action="api_key.revoked", target_id=str(api_key.pk)).count() == 1
    assert SellerApiKey.objects.get(pk=api_key.pk).revoked_at is not None


def test_an_expired_key_is_a_401():
    api_key, key = key_for(new_seller())
    SellerApiKey.objects.filter(pk=api_key.pk).update(expiry_date=timezone.now() - timedelta(seconds=1))
    assert_problem(key_client(key).get(LISTINGS), 401)


def test_a_key_without_the_scope_is_a_403_naming_it():
    _, key = key_for(new_seller(), scopes=[Scope.ORDERS_READ])
    body = assert_problem(key_client(key).get(LISTINGS), 403)
    assert body["detail"] == "This key does not have the scope listings:read."


def test_a_key_does_not_sign_in_to_the_shoppers_endpoints():
    _, key = key_for(new_seller())
    assert_problem(key_client(key).get("/api/v1/orders/"), 401)


def test_each_key_has_its_own_request_budget(settings):
    # given two keys of one seller, made by the same owner, and a budget of 2 a minute per key
    seller = new_seller()
    first, first_key = key_for(seller, scopes=[Scope.LISTINGS_READ])
    _, second_key = key_for(seller, scopes=[Scope.LISTINGS_READ], created_by=first.created_by)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"ip": "100/minute", "user": "100/minute", "api_key": "2/minute"},
    }
    client = key_client(first_key)
    # when / then
    assert [client.get(LISTINGS).status_code for _ in range(2)] == [200, 200]
    body = assert_problem(client.get(LISTINGS), 429)
    assert body["retry_after"] >= 1
    assert key_client(second_key).get(LISTINGS).status_code == 200


def test_a_key_of_a_deactivated_creator_or_of_an_applicant_seller_is_a_401():
    seller = new_seller()
    api_key, key = key_for(seller)
    type(api_key.created_by).objects.filter(pk=api_key.created_by_id).update(is_active=False)
    assert_problem(key_client(key).get(LISTINGS), 401)
    applicant = new_seller()
    applicant.__class__.objects.filter(pk=applicant.pk).update(status="applied")
    _, applicant_key = key_for(applicant)
    assert_problem(key_client(applicant_key).get(LISTINGS), 401)
