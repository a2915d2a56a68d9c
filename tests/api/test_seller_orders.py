"""``/api/v1/seller/orders/``: orders to ship by promise, detail, acknowledge, ship a parcel."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulfillment.models import Shipment, Stock
from orders.models import SellerOrder
from sellers.api_keys import Scope
from tests.api.conftest import assert_problem, post_json
from tests.api.seller_data import key_client, key_for
from tests.fulfillment.shipping_data import PARCEL_KWARGS, paid_order

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/seller/orders/"


@pytest.fixture
def shop():
    order, seller_order, warehouse, stocks = paid_order(quantities=(2, 1))
    _, key = key_for(seller_order.seller, scopes=[Scope.ORDERS_READ, Scope.ORDERS_WRITE])
    return {"seller_order": seller_order, "warehouse": warehouse, "stocks": stocks, "client": key_client(key)}


def ship_body(shop, **fields) -> dict:
    lines = list(shop["seller_order"].lines.order_by("pk"))
    return {
        "warehouse": shop["warehouse"].pk,
        "lines": [{"line": line.pk, "quantity": line.quantity} for line in lines],
        "parcel": PARCEL_KWARGS,
        **fields,
    }


def test_the_list_shows_orders_to_ship_soonest_promise_first(shop):
    first = shop["seller_order"]
    later = SellerOrder.objects.get(pk=first.pk)
    # A second order of the same seller, promised a day later.
    _, second, _, _ = paid_order()
    SellerOrder.objects.filter(pk=second.pk).update(
        seller=first.seller, promised_to=first.promised_to + timedelta(days=1)
    )
    response = shop["client"].get(ORDERS)
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [row["number"] for row in rows] == [later.number, second.number]
    assert rows[0] == {
        "number": first.number,
        "order_number": first.order.number,
        "status": "ready_to_ship",
        "placed_at": rows[0]["placed_at"],
        "promised_from": first.promised_from.isoformat(),
        "promised_to": first.promised_to.isoformat(),
        "acknowledged_at": None,
        "units": 3,
    }
    page = shop["client"].get(f"{ORDERS}?page_size=1")
    follow = shop["client"].get(page.json()["next"])
    assert [row["number"] for row in follow.json()["results"]] == [second.number]


def test_the_list_costs_the_same_queries_for_3_and_30_orders(shop):
    seller = shop["seller_order"].seller
    shop["client"].get(ORDERS)
    counts = []
    for total in (3, 30):
        while SellerOrder.objects.filter(seller=seller).count() < total:
            _, other, _, _ = paid_order(quantities=(1,))
            SellerOrder.objects.filter(pk=other.pk).update(seller=seller)
        with CaptureQueriesContext(connection) as queries:
            assert len(shop["client"].get(f"{ORDERS}?page_size=100").json()["results"]) == total
        counts.append(len(queries))
    # The key, the page of orders with their buyers' orders and units.
    assert counts == [2, 2], counts


def test_the_detail_shows_lines_address_and_units_waiting(shop):
    seller_order = shop["seller_order"]
    response = shop["client"].get(f"{ORDERS}{seller_order.number}/")
    assert response.status_code == 200
    body = response.json()
    lines = list(seller_order.lines.order_by("pk"))
    assert [(line["id"], line["quantity"], line["unit_price"]) for line in body["lines"]] == [
        (lines[0].pk, 2, "10.00"),
        (lines[1].pk, 1, "10.00"),
    ]
    assert body["waiting"] == [
        {"warehouse": shop["warehouse"].pk, "lines": {str(lines[0].pk): 2, str(lines[1].pk): 1}}
    ]
    assert body["shipments"] == [] and body["ship_to"]["full_name"] == seller_order.order.ship_full_name


@pytest.mark.parametrize("number", ["nope", "x" * 200, "1%002"])
def test_an_unknown_or_odd_number_is_a_404(shop, number):
    assert_problem(shop["client"].get(f"{ORDERS}{number}/"), 404)


def test_another_sellers_order_is_a_404(shop):
    _, theirs, _, _ = paid_order()
    assert_problem(shop["client"].get(f"{ORDERS}{theirs.number}/"), 404)
    assert_problem(post_json(shop["client"], f"{ORDERS}{theirs.number}/acknowledge/", {}), 404)
    assert SellerOrder.objects.get(pk=theirs.pk).acknowledged_at is None


def test_acknowledging_once(shop):
    url = f"{ORDERS}{shop['seller_order'].number}/acknowledge/"
    first = post_json(shop["client"], url, {})
    assert first.status_code == 200 and first.json()["acknowledged_at"] is not None
    again = post_json(shop["client"], url, {})
    assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    assert_problem(post_json(shop["client"], url, {"status": "shipped"}), 400)


def test_shipping_buys_a_label_once_per_key_and_ships_the_order(shop):
    seller_order = shop["seller_order"]
    url = f"{ORDERS}{seller_order.number}/shipments/"
    key = str(uuid.uuid4())
    response = post_json(shop["client"], url, ship_body(shop), HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201, response.content
    body = response.json()
    shipment = Shipment.objects.get(seller_order=seller_order)
    assert (body["id"], body["tracking_number"], body["carrier"], body["status"]) == (
        shipment.pk,
        shipment.tracking_number,
        "sandbox",
        "label_created",
    )
    seller_order.refresh_from_db()
    assert seller_order.status == SellerOrder.Status.SHIPPED
    assert sorted(
        Stock.objects.filter(pk__in=[s.pk for s in shop["stocks"]]).values_list("on_hand", flat=True)
    ) == [8, 9]
    again = post_json(shop["client"], url, ship_body(shop), HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Shipment.objects.filter(seller_order=seller_order).count() == 1


def test_shipping_part_leaves_the_order_partly_shipped(shop):
    seller_order = shop["seller_order"]
    line = seller_order.lines.order_by("pk").first()
    body = ship_body(shop, lines=[{"line": line.pk, "quantity": 1}])
    response = post_json(
        shop["client"], f"{ORDERS}{seller_order.number}/shipments/", body, HTTP_IDEMPOTENCY_KEY="a"
    )
    assert response.status_code == 201
    seller_order.refresh_from_db()
    assert seller_order.status == SellerOrder.Status.PARTIALLY_SHIPPED


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"lines": []}, 400),
        ({"parcel": {**PARCEL_KWARGS, "weight_grams": 0}}, 400),
        ({"parcel": {**PARCEL_KWARGS, "weight_grams": "1"}}, 400),
        ({"warehouse": 99999999}, 404),
        ({"carrier": "pigeon"}, 400),
        ({"lines": [{"line": 1, "quantity": 99}]}, 400),
        ({"tracking_number": "1Z"}, 400),
    ],
)
def test_a_bad_shipment_is_refused_and_nothing_ships(shop, change, status):
    seller_order = shop["seller_order"]
    response = post_json(
        shop["client"],
        f"{ORDERS}{seller_order.number}/shipments/",
        ship_body(shop, **change),
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert_problem(response, status)
    assert not Shipment.objects.filter(seller_order=seller_order).exists()
    assert SellerOrder.objects.get(pk=seller_order.pk).status == SellerOrder.Status.READY_TO_SHIP
