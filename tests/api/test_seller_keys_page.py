"""Seller Central's API keys page: owners list, make (shown once) and revoke keys."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.core.models import AuditEntry
from sellers.api_keys import Scope, SellerApiKey
from sellers.models import SellerMember
from tests.api.seller_data import key_client, key_for, new_seller
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db
PAGE = "/seller/api-keys/"


@pytest.fixture
def owner():
    return SellerMemberFactory(seller=new_seller(), role=SellerMember.Role.OWNER)


def test_the_page_is_in_the_owners_navigation_only(client, owner):
    manager = SellerMemberFactory(seller=owner.seller, role=SellerMember.Role.MANAGER)
    client.force_login(owner.user)
    page = client.get(reverse("seller:dashboard")).content.decode()
    assert f'href="{PAGE}"' in page
    client.force_login(manager.user)
    assert f'href="{PAGE}"' not in client.get(reverse("seller:dashboard")).content.decode()
    assert client.get(PAGE).status_code == 404


def test_an_owner_makes_a_key_that_is_shown_once_and_works(client, owner):
    # given
    client.force_login(owner.user)
    # when
    response = client.post(
        PAGE,
        {"name": "Warehouse sync", "scopes": [Scope.LISTINGS_READ, Scope.INVENTORY_WRITE], "lifetime": "90"},
    )
    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    key = re.search(r'id="created-key" type="text" readonly value="([^"]+)"', page).group(1)
    api_key = SellerApiKey.objects.get()
    assert key.startswith(f"{api_key.prefix}.") and api_key.is_valid(key)
    assert (api_key.seller, api_key.created_by, api_key.scopes) == (
        owner.seller,
        owner.user,
        ["listings:read", "inventory:write"],
    )
    assert 89 <= (api_key.expiry_date - api_key.created).days <= 90
    assert "Copy it now: it is shown this once." in page
    assert AuditEntry.objects.filter(action="api_key.created", seller_id=owner.seller_id).count() == 1
    listing = client.get(PAGE).content.decode()
    assert key not in listing and key.split(".")[1] not in listing
    assert "Warehouse sync" in listing and api_key.prefix in listing
    assert key_client(key).get("/api/v1/seller/listings/").status_code == 200


def test_the_scopes_are_a_fieldset_of_labelled_checkboxes(client, owner):
    client.force_login(owner.user)
    page = client.get(PAGE).content.decode()
    assert "<legend>Scopes: what the key may do</legend>" in page
    for index, scope in enumerate(Scope.values):
        box = f'<input type="checkbox" name="scopes" value="{scope}" id="id_scopes_{index}">'
        assert f"<label>{box} <code>{scope}</code>: {Scope(scope).label}</label>" in page
    assert "<script" not in page.split('class="seller-central__main')[1].split("</main>")[0]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "scopes": ["listings:read"]}, "This field is required."),
        ({"name": "Books", "scopes": []}, "Choose at least one scope."),
        ({"name": "Books", "scopes": ["root"]}, "Select a valid choice."),
        ({"name": "Books", "scopes": ["listings:read"], "lifetime": "7"}, "Select a valid choice."),
    ],
)
def test_a_bad_form_is_a_400_with_the_error_and_makes_no_key(client, owner, data, error):
    client.force_login(owner.user)
    response = client.post(PAGE, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not SellerApiKey.objects.exists()


def test_an_owner_revokes_a_key_after_confirming(client, owner):
    api_key, key = key_for(owner.seller, created_by=owner.user, name="Old repricer")
    client.force_login(owner.user)
    url = reverse("seller:api-key-revoke", kwargs={"prefix": api_key.prefix})
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Revoke the key “Old repricer”?" in confirm.content.decode()
    assert not SellerApiKey.objects.get(pk=api_key.pk).revoked
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "is revoked" in response.content.decode()
    assert SellerApiKey.objects.get(pk=api_key.pk).revoked
    assert AuditEntry.objects.filter(action="api_key.revoked", actor=owner.user).count() == 1
    assert key_client(key).get("/api/v1/seller/listings/").status_code == 401


def test_another_sellers_key_cannot_be_revoked(client, owner):
    theirs, _ = key_for(new_seller())
    client.force_login(owner.user)
    url = reverse("seller:api-key-revoke", kwargs={"prefix": theirs.prefix})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not SellerApiKey.objects.get(pk=theirs.pk).revoked


def test_with_the_mfa_requirement_an_owner_without_a_second_factor_is_sent_to_set_one_up(
    client, owner, settings
):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    client.force_login(owner.user)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/required/")
    Authenticator.objects.create(user=owner.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(PAGE).status_code == 200


def test_the_list_page_costs_the_same_queries_for_3_and_30_keys(client, owner):
    client.force_login(owner.user)
    client.get(PAGE)  # the first request of a session writes it
    counts = []
    for total in (3, 30):
        while SellerApiKey.objects.count() < total:
            key_for(owner.seller, created_by=owner.user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The session, its user, the membership with its seller, the keys with their creators.
    assert counts == [4, 4], counts
