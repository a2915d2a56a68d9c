"""/api/v1/orders/: the shopper's orders, one order with its parcels, cancelling."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from fulfillment.carriers.base import ScanEvent
from fulfillment.models import Shipment, Stock
from fulfillment.shipments import ParcelSpec, shipment_create, shipment_record_scans
from orders.lifecycle import order_mark_paid
from orders.models import Order
from tests.api.conftest import assert_problem, post_json, signed_in_client, verified_user
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.fulfillment.shipping_data import PARCEL_KWARGS
from tests.orders.order_data import order_build
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"


@pytest.fixture
def shop():
    seller = SellerFactory(name="Parcel Co")
    warehouse = WarehouseFactory(seller=seller, city="Reno", region="NV")
    offer = OfferFactory(seller=seller, price_amount=Decimal("10.00"), product__title="Lamp")
    StockFactory(offer=offer, warehouse=warehouse, on_hand=1000)
    return {"seller": seller, "warehouse": warehouse, "offer": offer}


def an_order(user, shop, quantity=1) -> Order:
    return order_build(user=user, parts=[[(shop["offer"], quantity)]])


def shipped(order, shop) -> Shipment:
    order_mark_paid(order=order, payment_reference=f"pi_{order.number}", amount=order.total_amount)
    seller_order = order.seller_orders.get()
    (line,) = seller_order.lines.all()
    shipment = shipment_create(
        seller_order=seller_order,
        warehouse=shop["warehouse"],
        quantities={line.pk: line.quantity},
        parcel=ParcelSpec(**PARCEL_KWARGS),
        service="ground",
    )
    scan = ScanEvent(
        event_id="ev-1",
        tracking_number=shipment.tracking_number,
        code="picked_up",
        status=Shipment.Status.IN_TRANSIT,
        description="Picked up by the carrier",
        location="Reno, NV",
        occurred_at=datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
    )
    return shipment_record_scans(shipment=shipment, scans=[scan], source="poll")


def test_the_list_is_the_shopper_s_own_orders_newest_first_in_cursor_pages(shopper_api, shopper, shop):
    mine = [an_order(shopper, shop) for _ in range(3)]
    an_order(verified_user(), shop)

    first = shopper_api.get(ORDERS, {"page_size": 2}).json()
    second = shopper_api.get(first["next"]).json()

    numbers = [row["number"] for row in first["results"] + second["results"]]
    assert numbers == [order.number for order in reversed(mine)]
    assert first["results"][0] == {
        "number": mine[2].number,
        "status": "pending_payment",
        "status_label": "Awaiting payment",
        "placed_at": first["results"][0]["placed_at"],
        "currency": "USD",
        "total": "15.00",
        "seller_order_count": 1,
    }


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_queries_for_3_and_30_orders(django_assert_num_queries, shop, count):
    user = verified_user()
    for _ in range(count):
        an_order(user, shop)
    client = signed_in_client(user)
    with django_assert_num_queries(4):  # session token (2), the user, the page
        response = client.get(ORDERS, {"page_size": 100})
    assert len(response.json()["results"]) == count


def test_the_detail_shows_parts_lines_amounts_and_the_parcel_s_tracking(shopper_api, shopper, shop):
    order = an_order(shopper, shop, quantity=2)
    shipment = shipped(order, shop)

    body = shopper_api.get(f"{ORDERS}{order.number}/").json()

    assert (body["status"], body["total"], body["subtotal"], body["tax"]) == (
        "paid",
        "26.00",
        "20.00",
        "2.00",
    )
    assert body["cancellable"] is False
    [part] = body["parts"]
    assert part["seller"]["name"] == "Parcel Co" and part["status"] == "shipped"
    [line] = part["lines"]
    assert (line["title"], line["quantity"], line["unit_price"], line["total"]) == (
        "Lamp",
        2,
        "10.00",
        "20.00",
    )
    [parcel] = part["shipments"]
    assert parcel["tracking_number"] == shipment.tracking_number
    assert parcel["status"] == "in_transit"
    assert parcel["tracking"] == [
        {
            "code": "picked_up",
            "status": "in_transit",
            "description": "Picked up by the carrier",
            "location": "Reno, NV",
            "occurred_at": "2026-12-02T15:00:00Z",
        }
    ]
    assert part["returns"] == [] and part["claims"] == []


def test_cancelling_an_unshipped_order_releases_its_stock(shopper_api, shopper, shop):
    order = an_order(shopper, shop, quantity=3)
    assert Stock.objects.get(offer=shop["offer"]).reserved == 3

    response = post_json(shopper_api, f"{ORDERS}{order.number}/cancel/", {"reason": "Wrong size."})

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "Wrong size.")
    assert Stock.objects.get(offer=shop["offer"]).reserved == 0


def test_cancelling_without_a_reason_uses_the_storefront_s(shopper_api, shopper, shop):
    order = an_order(shopper, shop)
    assert post_json(shopper_api, f"{ORDERS}{order.number}/cancel/", {}).json()["cancel_reason"] == (
        "Cancelled by the shopper."
    )


def test_a_shipped_order_cannot_be_cancelled(shopper_api, shopper, shop):
    order = an_order(shopper, shop)
    shipped(order, shop)
    body = assert_problem(post_json(shopper_api, f"{ORDERS}{order.number}/cancel/", {}), 400)
    assert body["detail"] == f"Order {order.number} has shipped items and cannot be cancelled."
    order.refresh_from_db()
    assert order.status == "paid"


@pytest.mark.parametrize(
    ("payload", "field"), [({"reason": 5}, "reason"), ({"status": "cancelled"}, "status")]
)
def test_a_bad_cancel_body_is_400_and_cancels_nothing(shopper_api, shopper, shop, payload, field):
    order = an_order(shopper, shop)
    body = assert_problem(post_json(shopper_api, f"{ORDERS}{order.number}/cancel/", payload), 400)
    assert field in body["errors"]
    order.refresh_from_db()
    assert order.status == "pending_payment"


def test_another_shopper_s_order_is_a_404(shopper_api, shop):
    theirs = an_order(verified_user(), shop)
    assert_problem(shopper_api.get(f"{ORDERS}{theirs.number}/"), 404)
    assert_problem(post_json(shopper_api, f"{ORDERS}{theirs.number}/cancel/", {}), 404)
    assert_problem(shopper_api.get(f"{ORDERS}not-a-number%00/"), 404)
    theirs.refresh_from_db()
    assert theirs.status == "pending_payment"


def test_anonymous_callers_get_401(api, shop):
    order = an_order(verified_user(), shop)
    assert_problem(api.get(ORDERS), 401)
    assert_problem(api.get(f"{ORDERS}{order.number}/"), 401)
    assert_problem(post_json(api, f"{ORDERS}{order.number}/cancel/", {}), 401)
