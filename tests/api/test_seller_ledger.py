"""``/api/v1/seller/ledger/``: the same balance and statement as the older Seller Central JSON."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from sellers.api_keys import Scope
from sellers.models import SellerMember
from tests.api.conftest import assert_problem
from tests.api.seller_data import key_client, key_for, member_client
from tests.fulfillment.returns_data import delivered_order

pytestmark = pytest.mark.django_db
LEDGER = "/api/v1/seller/ledger/"


@pytest.fixture
def seller():
    _, seller_order, *_ = delivered_order(prices=("10.00",), quantities=(2,))
    return seller_order.seller


def test_the_ledger_matches_seller_centrals_json(seller, client):
    api_key, key = key_for(seller, scopes=[Scope.FINANCE_READ])
    response = key_client(key).get(LEDGER)
    assert response.status_code == 200, response.content
    body = response.json()
    client.force_login(api_key.created_by)
    old = client.get(f"/pay/api/sellers/{seller.slug}/ledger/").json()
    assert (body["balance"], body["available"]) == (old["balance"], old["available"])
    assert body["statement"] == old["statement"]
    assert body["balance"] != "0.00" and len(body["statement"]["entries"]) >= 1


@pytest.mark.parametrize(
    "query", ["start=2026-13-01", "start=2026-05-02&end=2026-05-01", "start=2020-01-01&end=2026-01-01"]
)
def test_bad_dates_are_a_400(seller, query):
    _, key = key_for(seller, scopes=[Scope.FINANCE_READ])
    assert_problem(key_client(key).get(f"{LEDGER}?{query}"), 400)


def test_a_finance_member_needs_a_second_factor_when_required(seller, settings):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    finance = member_client(seller, SellerMember.Role.FINANCE)
    assert "Two-factor" in assert_problem(finance.get(LEDGER), 403)["detail"]
    user = SellerMember.objects.get(seller=seller, role=SellerMember.Role.FINANCE).user
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert finance.get(LEDGER).status_code == 200
