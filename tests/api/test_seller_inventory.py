"""``/api/v1/seller/listings/{id}/stock/``: units per warehouse, set through the inventory service."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulfillment.models import InventoryChange, Stock
from marketplace.core.models import AuditEntry
from sellers.api_keys import Scope, SellerApiKey
from tests.api.conftest import assert_problem
from tests.api.seller_data import key_client, key_for, listed, new_seller
from tests.fulfillment.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


def put_json(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def seller():
    return new_seller()


@pytest.fixture
def client(seller):
    _, key = key_for(seller, scopes=[Scope.LISTINGS_READ, Scope.INVENTORY_WRITE])
    return key_client(key)


def stock_url(offer, warehouse=None) -> str:
    url = f"/api/v1/seller/listings/{offer.pk}/stock/"
    return f"{url}{warehouse.pk}/" if warehouse else url


def test_the_stock_shows_every_warehouse_of_the_seller(client, seller):
    (offer,) = listed(seller, stock=6)
    main = offer.stocks.get().warehouse
    Stock.objects.filter(offer=offer).update(reserved=2)
    spare = WarehouseFactory(seller=seller, name="Zeta spare")
    WarehouseFactory(seller=new_seller())  # another seller's: not shown
    response = client.get(stock_url(offer))
    assert response.status_code == 200
    assert response.json() == {
        "listing": offer.pk,
        "sku": offer.sku,
        "on_hand": 6,
        "reserved": 2,
        "available": 4,
        "warehouses": [
            {
                "warehouse": main.pk,
                "code": main.code,
                "name": main.name,
                "is_active": True,
                "on_hand": 6,
                "reserved": 2,
                "available": 4,
            },
            {
                "warehouse": spare.pk,
                "code": spare.code,
                "name": spare.name,
                "is_active": True,
                "on_hand": 0,
                "reserved": 0,
                "available": 0,
            },
        ],
    }


def test_the_stock_read_costs_the_same_queries_for_3_and_30_warehouses(client, seller):
    (offer,) = listed(seller)
    client.get(stock_url(offer))
    counts = []
    for total in (3, 30):
        while seller.warehouses.count() < total:
            WarehouseFactory(seller=seller)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(stock_url(offer)).json()["warehouses"]) == total
        counts.append(len(queries))
    # The key, the listing with its totals, its stock rows, the warehouses.
    assert counts == [4, 4], counts


def test_setting_the_units_on_hand_records_the_reason(client, seller):
    (offer,) = listed(seller, stock=5)
    warehouse = offer.stocks.get().warehouse
    response = put_json(client, stock_url(offer, warehouse), {"on_hand": 12, "reason": "Count 2026-12"})
    assert response.status_code == 200, response.content
    assert (response.json()["on_hand"], response.json()["available"]) == (12, 12)
    assert Stock.objects.get(offer=offer).on_hand == 12
    change = InventoryChange.objects.get(reference="Count 2026-12")
    assert (change.delta_on_hand, change.on_hand_after, change.cause) == (7, 12, "manual")
    assert change.actor == SellerApiKey.objects.get(seller=seller).created_by  # the key's maker
    entry = AuditEntry.objects.get(action="stock.adjusted")
    assert (entry.before, entry.after, entry.reason) == ({"on_hand": 5}, {"on_hand": 12}, "Count 2026-12")


def test_a_new_warehouse_gets_its_row(client, seller):
    (offer,) = listed(seller, stock=5)
    spare = WarehouseFactory(seller=seller)
    response = put_json(client, stock_url(offer, spare), {"on_hand": 3, "reason": "First delivery"})
    assert response.json()["on_hand"] == 8
    assert Stock.objects.get(offer=offer, warehouse=spare).on_hand == 3


def test_the_stock_cannot_go_below_what_is_reserved(client, seller):
    (offer,) = listed(seller, stock=5)
    Stock.objects.filter(offer=offer).update(reserved=4)
    body = assert_problem(
        put_json(client, stock_url(offer, offer.stocks.get().warehouse), {"on_hand": 3, "reason": "x"}), 400
    )
    assert body["extra"] == {"reserved": 4}
    assert Stock.objects.get(offer=offer).on_hand == 5


@pytest.mark.parametrize(
    "body",
    [
        {"on_hand": -1, "reason": "x"},
        {"on_hand": "3", "reason": "x"},
        {"on_hand": 3},
        {"on_hand": 3, "reason": "x" * 41},
        {"on_hand": 3, "reason": "x", "reserved": 0},
        {"on_hand": 10**7, "reason": "x"},
    ],
)
def test_a_bad_body_is_a_400_and_changes_nothing(client, seller, body):
    (offer,) = listed(seller, stock=5)
    assert_problem(put_json(client, stock_url(offer, offer.stocks.get().warehouse), body), 400)
    assert Stock.objects.get(offer=offer).on_hand == 5


def test_another_sellers_listing_or_warehouse_is_404(client, seller):
    (offer,) = listed(seller, stock=5)
    (theirs,) = listed(new_seller(), stock=5)
    their_warehouse = theirs.stocks.get().warehouse
    assert_problem(client.get(stock_url(theirs)), 404)
    assert_problem(put_json(client, stock_url(theirs, their_warehouse), {"on_hand": 1, "reason": "x"}), 404)
    assert_problem(put_json(client, stock_url(offer, their_warehouse), {"on_hand": 1, "reason": "x"}), 404)
    assert Stock.objects.get(offer=theirs).on_hand == 5
