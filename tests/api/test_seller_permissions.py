"""Who may call each ``/api/v1/seller/`` endpoint, generated from the URL conf (so none is missed).

Callers: anonymous (401), a signed-in shopper who works for no seller (403: the endpoints are
public in the schema, so a 403 confirms nothing), a revoked key (401), a key without the scope
(403), the scope's key of another seller (404 on ids), a key with the scope, and a member in
each role (allowed exactly when its Seller Central sections include the scope's section).
"""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, get_resolver, reverse

from fulfillment.returns import return_request_create
from orders.models import SellerOrder
from sellers.api.auth import SellerApiView
from sellers.api_keys import Scope, role_allows_scope, seller_api_key_revoke
from sellers.models import SellerMember
from tests.api.conftest import signed_in_client, verified_user
from tests.api.seller_data import key_client, key_for, member_client, new_seller
from tests.fulfillment.returns_data import delivered_order
from tests.fulfillment.shipping_data import paid_order

pytestmark = pytest.mark.django_db

# URL name -> function(world) -> kwargs, for every seller endpoint with arguments.
URL_KWARGS = {
    "seller-listing-list": lambda world: {},
    "seller-listing-detail": lambda world: {"pk": world["offer"].pk},
    "seller-listing-stock": lambda world: {"pk": world["offer"].pk},
    "seller-listing-stock-set": lambda world: {"pk": world["offer"].pk, "warehouse": world["warehouse"].pk},
    "seller-order-list": lambda world: {},
    "seller-order-detail": lambda world: {"number": world["seller_order"].number},
    "seller-order-acknowledge": lambda world: {"number": world["seller_order"].number},
    "seller-order-ship": lambda world: {"number": world["seller_order"].number},
    "seller-return-list": lambda world: {},
    "seller-return-detail": lambda world: {"number": world["return"].number},
    "seller-return-approve": lambda world: {"number": world["return"].number},
    "seller-return-refuse": lambda world: {"number": world["return"].number},
    "seller-ledger": lambda world: {},
}
DENIED = {401, 403, 404}


def seller_endpoints() -> list[tuple[str, type[SellerApiView]]]:
    _, api = get_resolver().namespace_dict["api"]
    found = []
    for pattern in api.url_patterns:
        patterns = getattr(pattern, "url_patterns", [pattern])
        for inner in patterns:
            if isinstance(inner, URLPattern) and str(inner.pattern).startswith("seller/"):
                found.append((inner.name, inner.callback.view_class))
    return found


def test_every_seller_endpoint_is_in_the_matrix_and_names_a_scope_per_method():
    endpoints = seller_endpoints()
    assert {name for name, _ in endpoints} == set(URL_KWARGS)
    for name, view in endpoints:
        assert issubclass(view, SellerApiView), name
        assert view.scopes and set(view.scopes.values()) <= set(Scope.values), name


@pytest.fixture
def world():
    _order, seller_order, warehouse, stocks = paid_order()
    delivered, sold, *_ = delivered_order()
    SellerOrder.objects.filter(pk=sold.pk).update(seller=seller_order.seller)
    rma = return_request_create(
        user=delivered.user, seller_order=sold, quantities={sold.lines.get().pk: 1}, reason="better_price"
    )
    return {
        "return": rma,
        "seller": seller_order.seller,
        "offer": stocks[0].offer,
        "warehouse": warehouse,
        "seller_order": seller_order,
    }


def calls(world):
    for name, view in seller_endpoints():
        url = reverse(f"api:{name}", kwargs=URL_KWARGS[name](world))
        for method, scope in view.scopes.items():
            yield name, url, method, scope, bool(URL_KWARGS[name](world))


def call(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    # An empty body: refused by validation once the caller is let in, so nothing changes.
    return getattr(client, method.lower())(url, json.dumps({}), content_type="application/json")


def test_anonymous_callers_and_revoked_keys_get_401(world, api):
    api_key, key = key_for(world["seller"])
    seller_api_key_revoke(api_key=api_key, actor=api_key.created_by)
    for _name, url, method, _scope, _ids in calls(world):
        assert call(api, method, url).status_code == 401, (method, url)
        assert call(key_client(key), method, url).status_code == 401, (method, url)


def test_a_shopper_who_works_for_no_seller_gets_403(world):
    shopper = signed_in_client(verified_user())
    for _name, url, method, _scope, _ids in calls(world):
        response = call(shopper, method, url)
        assert response.status_code == 403, (method, url)
        assert response.json()["detail"] == "You do not work for a seller."


def test_keys_are_let_in_exactly_for_their_scopes(world):
    for _name, url, method, scope, _ids in calls(world):
        _, with_scope = key_for(world["seller"], scopes=[scope])
        _, without = key_for(world["seller"], scopes=[other for other in Scope.values if other != scope])
        assert call(key_client(with_scope), method, url).status_code not in DENIED, (method, url)
        refused = call(key_client(without), method, url)
        assert refused.status_code == 403, (method, url)
        assert refused.json()["detail"] == f"This key does not have the scope {scope}."


def test_another_sellers_key_gets_404_on_ids(world):
    # (a write's empty body would be a 400 if the ids were found first: the 404 comes before it)
    _, theirs = key_for(new_seller())
    for _name, url, method, _scope, ids in calls(world):
        if ids:
            assert call(key_client(theirs), method, url).status_code == 404, (method, url)


@pytest.mark.parametrize("role", SellerMember.Role.values)
def test_each_member_role_gets_the_scopes_of_its_sections(world, role):
    client = member_client(world["seller"], role)
    for _name, url, method, scope, _ids in calls(world):
        status = call(client, method, url).status_code
        if role_allows_scope(role, scope):
            assert status not in DENIED, (role, method, url, status)
        else:
            assert status == 403, (role, method, url, status)
