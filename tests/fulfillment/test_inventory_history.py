"""The inventory history: every stock service writes what it changed, with its cause and reference,
in one INSERT; the history page lists it newest first, filtered, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fulfillment.inventory.history import Cause
from fulfillment.models import InventoryChange, Shipment, Stock
from fulfillment.returns import return_receive, return_request_create
from fulfillment.shipments import ParcelSpec, shipment_create, shipment_void
from fulfillment.stock import stock_commit, stock_release, stock_reserve
from orders.lifecycle import order_cancel
from orders.models import StockAllocation
from tests.accounts.factories import UserFactory
from tests.fulfillment.inventory_data import inventory_shop
from tests.fulfillment.returns_data import delivered_order
from tests.fulfillment.shipping_data import PARCEL_KWARGS, paid_order
from tests.orders.order_data import order_build

pytestmark = pytest.mark.django_db
URL = reverse("seller:inventory-history")


def history(stock) -> list[tuple]:
    return list(
        InventoryChange.objects.filter(stock=stock)
        .order_by("pk")
        .values_list(
            "cause", "delta_on_hand", "delta_reserved", "on_hand_after", "reserved_after", "reference"
        )
    )


def inserts(captured) -> int:
    return sum(
        q["sql"].startswith('INSERT INTO "fulfillment_inventorychange"') for q in captured.captured_queries
    )


def test_a_whole_order_life_is_in_the_history_with_its_causes_and_references():
    order, seller_order, warehouse, (stock,), _payment = delivered_order(quantities=(3,), on_hand=10)
    line = seller_order.lines.get()
    rma = return_request_create(
        user=order.user, seller_order=seller_order, quantities={line.pk: 2}, reason="damaged"
    )
    return_receive(return_request=rma, seller=seller_order.seller, restock={line.pk: 2}, warehouse=warehouse)

    number = seller_order.number
    assert history(stock) == [
        # order_build reserves before the order's lines exist and passes no reference
        (Cause.RESERVATION, 0, 3, 10, 3, ""),
        (Cause.SALE, 0, 0, 10, 3, number),
        (Cause.SHIPMENT, -3, -3, 7, 0, number),
        (Cause.RETURN, 2, 0, 9, 0, rma.number),
    ]
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (9, 0)


def test_a_reservation_says_its_order_when_told():
    shop = inventory_shop(listings=1)
    offer = shop["offers"][0]
    stock_reserve(offer_quantities={offer.pk: 12}, reference="M-123")
    reno, austin = (Stock.objects.get(offer=offer, warehouse=shop[w]) for w in ("reno", "austin"))
    assert history(reno) == [(Cause.RESERVATION, 0, 10, 10, 10, "M-123")]
    assert history(austin) == [(Cause.RESERVATION, 0, 2, 4, 2, "M-123")]


def test_a_cancelled_order_releases_its_units_once_with_its_number():
    shop = inventory_shop(listings=1)
    offer = shop["offers"][0]
    order = order_build(user=UserFactory(), parts=[[(offer, 3)]])
    reno = Stock.objects.get(offer=offer, warehouse=shop["reno"])
    order_cancel(order=order, actor=order.user, reason="Changed my mind")
    allocations = StockAllocation.objects.filter(line__seller_order__order=order)
    assert stock_release(allocations=allocations) == 0  # twice: nothing more

    number = order.seller_orders.get().number
    assert history(reno) == [(Cause.RESERVATION, 0, 3, 10, 3, ""), (Cause.RELEASE, 0, -3, 10, 0, number)]


def test_a_voided_label_puts_the_units_back_waiting_to_ship():
    _order, seller_order, warehouse, (stock,) = paid_order(quantities=(2,))
    line = seller_order.lines.get()
    shipment = shipment_create(
        seller_order=seller_order,
        warehouse=warehouse,
        quantities={line.pk: 2},
        parcel=ParcelSpec(**PARCEL_KWARGS),
        service="ground",
    )
    shipment_void(shipment=shipment)
    assert Shipment.objects.get(pk=shipment.pk).status == Shipment.Status.VOIDED
    number = seller_order.number
    assert history(stock)[-2:] == [
        (Cause.SHIPMENT, -2, -2, 8, 0, number),
        (Cause.SHIPMENT_VOIDED, 2, 2, 10, 2, number),
    ]


def test_each_stock_service_call_writes_its_history_in_one_insert():
    shop = inventory_shop(listings=3)
    offers = shop["offers"]
    with CaptureQueriesContext(connection) as reserving:
        stock_reserve(offer_quantities={offer.pk: 12 for offer in offers}, reference="M-9")
    assert inserts(reserving) == 1
    assert InventoryChange.objects.filter(cause=Cause.RESERVATION).count() == 6  # 3 offers x 2 warehouses

    order = order_build(user=UserFactory(), parts=[[(offer, 1) for offer in offers]])
    allocations = list(StockAllocation.objects.filter(line__seller_order__order=order))
    with CaptureQueriesContext(connection) as committing:
        assert stock_commit(allocations=allocations) == 3
    assert (
        inserts(committing) == 1 and len(committing.captured_queries) == 4
    )  # savepoint, UPDATE, INSERT, release
    assert stock_commit(allocations=allocations) == 0  # twice: no second sale
    assert InventoryChange.objects.filter(cause=Cause.SALE).count() == 3
    with CaptureQueriesContext(connection) as releasing:
        assert stock_release(allocations=allocations) == 3
    assert inserts(releasing) == 1


# The history page


@pytest.fixture
def shop(client):
    made = inventory_shop(listings=2)
    client.force_login(made["owner"])
    return made


def test_the_page_lists_the_changes_newest_first(client, shop):
    first, second = shop["offers"]
    client.post(
        reverse("seller:stock-set", kwargs={"offer": first.pk, "warehouse": shop["reno"].pk}),
        {"on_hand": "8"},
    )
    stock_reserve(offer_quantities={second.pk: 1}, reference="M-77")
    other = inventory_shop(listings=1, name="Other Co")
    stock_reserve(offer_quantities={other["offers"][0].pk: 1}, reference="M-OTHER")

    response = client.get(URL)

    assert response.status_code == 200
    rows = [
        (c.stock.offer.sku, c.cause, c.delta_on_hand, c.delta_reserved, c.reference)
        for c in response.context["changes"]
    ]
    assert rows == [(second.sku, Cause.RESERVATION, 0, 1, "M-77"), (first.sku, Cause.MANUAL, -2, 0, "")]
    assert "M-OTHER" not in response.text
    assert shop["owner"].email in response.text and "Set by hand" in response.text


def test_the_history_filters_by_listing_sku_and_cause(client, shop):
    first, second = shop["offers"]
    stock_reserve(offer_quantities={first.pk: 1}, reference="M-1")
    stock_reserve(offer_quantities={second.pk: 1}, reference="M-2")
    client.post(
        reverse("seller:stock-set", kwargs={"offer": second.pk, "warehouse": shop["reno"].pk}),
        {"on_hand": "20"},
    )

    def references(query):
        response = client.get(URL, query)
        assert response.status_code == 200 and response.context["filter_errors"] == []
        return [(c.cause, c.reference) for c in response.context["changes"]]

    assert references({"offer": first.pk}) == [(Cause.RESERVATION, "M-1")]
    assert references({"q": second.sku}) == [(Cause.MANUAL, ""), (Cause.RESERVATION, "M-2")]
    assert references({"cause": "manual"}) == [(Cause.MANUAL, "")]
    assert references({"q": "m-1"}) == [(Cause.RESERVATION, "M-1")]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"cause": "stolen"}, "Choose one of the causes in the list."),
        ({"offer": "abc"}, "That listing could not be found."),
        ({"offer": "-4"}, "That listing could not be found."),
        ({"q": "x\x00"}, "The search cannot contain control characters."),
    ],
)
def test_bad_filters_are_said_and_ignored(client, shop, query, message):
    stock_reserve(offer_quantities={shop["offers"][0].pk: 1})
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response.context["filter_errors"] == [message]
    assert len(response.context["changes"]) == 1


def test_another_sellers_listing_is_not_a_filter(client, shop):
    other = inventory_shop(listings=1, name="Other Co")
    stock_reserve(offer_quantities={other["offers"][0].pk: 1}, reference="M-OTHER")
    response = client.get(URL, {"offer": other["offers"][0].pk})
    assert response.context["filter_errors"] == ["That listing could not be found."]
    assert list(response.context["changes"]) == []


@pytest.mark.parametrize("changes", [3, 30])
def test_the_page_makes_the_same_queries_for_3_and_30_changes(
    client, shop, changes, django_assert_num_queries
):
    offer = shop["offers"][0]
    Stock.objects.filter(offer=offer).update(on_hand=1000)
    for n in range(changes):
        stock_reserve(offer_quantities={offer.pk: 1}, reference=f"M-{n}")
    client.get(URL)
    # session, user, membership, count, the page of changes with listing, warehouse and actor
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert len(response.context["changes"]) == changes


def test_the_history_pages_by_50(client, shop):
    offer = shop["offers"][0]
    Stock.objects.filter(offer=offer).update(on_hand=1000)
    for n in range(55):
        stock_reserve(offer_quantities={offer.pk: 1}, reference=f"M-{n}")
    assert len(client.get(URL).context["changes"]) == 50
    assert [c.reference for c in client.get(URL, {"page": 2}).context["changes"]] == [
        f"M-{n}" for n in range(4, -1, -1)
    ]
