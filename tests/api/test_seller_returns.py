"""``/api/v1/seller/returns/``: the seller's returns, approved or refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulfillment.models import ReturnRequest
from fulfillment.returns import return_request_create
from orders.models import SellerOrder
from sellers.api_keys import Scope
from tests.api.conftest import assert_problem, post_json
from tests.api.seller_data import key_client, key_for
from tests.fulfillment.returns_data import delivered_order

pytestmark = pytest.mark.django_db
RETURNS = "/api/v1/seller/returns/"


def waiting_return(reason="better_price"):
    order, seller_order, *_ = delivered_order(prices=("10.00",), quantities=(2,))
    line = seller_order.lines.get()
    rma = return_request_create(
        user=order.user, seller_order=seller_order, quantities={line.pk: 1}, reason=reason
    )
    return seller_order.seller, rma


@pytest.fixture
def shop():
    seller, rma = waiting_return()
    assert rma.status == ReturnRequest.Status.REQUESTED
    _, key = key_for(seller, scopes=[Scope.ORDERS_READ, Scope.RETURNS_WRITE])
    return {"seller": seller, "return": rma, "client": key_client(key)}


def test_the_list_shows_the_open_returns(shop):
    rma = shop["return"]
    response = shop["client"].get(RETURNS)
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    line = rma.lines.get()
    assert row == {
        "number": rma.number,
        "seller_order": rma.seller_order.number,
        "status": "requested",
        "reason": "better_price",
        "comment": "",
        "seller_note": "",
        "requested_at": row["requested_at"],
        "decided_at": None,
        "tracking_number": None,
        "lines": [{"line": line.line_id, "sku": line.line.sku, "title": line.line.title, "quantity": 1}],
    }
    assert shop["client"].get(f"{RETURNS}?status=rejected").json()["results"] == []
    assert_problem(shop["client"].get(f"{RETURNS}?status=lost"), 400)


def test_approving_issues_the_return_label(shop):
    rma = shop["return"]
    response = post_json(shop["client"], f"{RETURNS}{rma.number}/approve/", {"note": "Fine."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and response.json()["tracking_number"]
    again = post_json(shop["client"], f"{RETURNS}{rma.number}/approve/", {})
    assert "already decided" in assert_problem(again, 400)["detail"]


def test_refusing_needs_a_note(shop):
    rma = shop["return"]
    assert (
        "note"
        in assert_problem(post_json(shop["client"], f"{RETURNS}{rma.number}/refuse/", {}), 400)["errors"]
    )
    refused = post_json(shop["client"], f"{RETURNS}{rma.number}/refuse/", {"note": "Used."})
    assert (refused.json()["status"], refused.json()["seller_note"]) == ("rejected", "Used.")
    assert ReturnRequest.objects.get(pk=rma.pk).status == ReturnRequest.Status.REJECTED


def test_another_sellers_return_is_a_404(shop):
    _, theirs = waiting_return()
    assert_problem(shop["client"].get(f"{RETURNS}{theirs.number}/"), 404)
    assert_problem(post_json(shop["client"], f"{RETURNS}{theirs.number}/refuse/", {"note": "x"}), 404)
    assert ReturnRequest.objects.get(pk=theirs.pk).status == ReturnRequest.Status.REQUESTED


def test_the_list_costs_the_same_queries_for_3_and_30_returns(shop):
    seller = shop["seller"]
    shop["client"].get(RETURNS)
    counts = []
    for total in (3, 30):
        while ReturnRequest.objects.filter(seller_order__seller=seller).count() < total:
            _, other = waiting_return()
            SellerOrder.objects.filter(pk=other.seller_order_id).update(seller=seller)
        with CaptureQueriesContext(connection) as queries:
            assert len(shop["client"].get(f"{RETURNS}?page_size=100").json()["results"]) == total
        counts.append(len(queries))
    # The key, the page of returns with their parcels and orders, their lines with the order lines.
    assert counts == [3, 3], counts
