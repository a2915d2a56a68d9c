"""Shipping a seller order: stock, states, refusals, voiding, and tracking from the sandbox carrier."""

import io
import json

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from fulfillment.carriers.sandbox import (
    sandbox_clock_advance,
    sandbox_parcel_replan,
    sandbox_webhook_sign,
    sandbox_webhooks_due,
)
from fulfillment.models import Shipment, Stock, TrackingEvent
from fulfillment.shipments import (
    ParcelSpec,
    carrier_webhook_receive,
    shipment_create,
    shipment_void,
    shipments_track_open,
)
from marketplace.core.errors import ApplicationError
from orders.lifecycle import order_cancel
from orders.models import Order, SellerOrder, StockAllocation
from tests.concurrency import run_together
from tests.fulfillment.factories import WarehouseFactory
from tests.fulfillment.shipping_data import PARCEL_KWARGS, paid_order
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db
PARCEL = ParcelSpec(**PARCEL_KWARGS)
SS = SellerOrder.Status


def ship(seller_order, warehouse, quantities, **kwargs):
    return shipment_create(
        seller_order=seller_order,
        warehouse=warehouse,
        quantities=quantities,
        parcel=kwargs.pop("parcel", PARCEL),
        service=kwargs.pop("service", "ground"),
        **kwargs,
    )


def lines_of(seller_order):
    return list(seller_order.lines.order_by("pk"))


def test_shipping_every_unit_takes_it_out_of_stock_and_ships_the_seller_order():
    order, seller_order, warehouse, stocks = paid_order(quantities=(2, 1))
    first, second = lines_of(seller_order)

    shipment = ship(seller_order, warehouse, {first.pk: 2, second.pk: 1})

    assert [(s.on_hand, s.reserved) for s in Stock.objects.order_by("pk")] == [(8, 0), (9, 0)]
    seller_order.refresh_from_db()
    assert seller_order.status == SS.SHIPPED and seller_order.shipped_at is not None
    assert shipment.status == Shipment.Status.LABEL_CREATED
    assert sorted(shipment.lines.values_list("quantity", flat=True)) == [1, 2]
    assert set(StockAllocation.objects.values_list("status", flat=True)) == {StockAllocation.Status.SHIPPED}
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(shipment.label.pdf))).pages)
    assert shipment.tracking_number in text


def test_a_partial_shipment_leaves_the_rest_waiting_and_the_order_not_cancellable():
    order, seller_order, warehouse, stocks = paid_order(quantities=(3,))
    (line,) = lines_of(seller_order)

    ship(seller_order, warehouse, {line.pk: 2})

    seller_order.refresh_from_db()
    assert seller_order.status == SS.PARTIALLY_SHIPPED
    stock = Stock.objects.get()
    assert (stock.on_hand, stock.reserved) == (8, 1)
    allocations = sorted(StockAllocation.objects.values_list("status", "quantity"))
    assert allocations == [("committed", 1), ("shipped", 2)]
    with pytest.raises(ApplicationError, match="has shipped items"):
        order_cancel(order=order, actor=None, reason="changed my mind")

    ship(seller_order, warehouse, {line.pk: 1})
    seller_order.refresh_from_db()
    assert seller_order.status == SS.SHIPPED
    assert sorted(StockAllocation.objects.values_list("status", "quantity")) == [("shipped", 3)]


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (3, "Only 2 of"),
        (0, "at least one unit"),
        (-1, "not a number of units"),
        ("2", "not a number of units"),
    ],
)
def test_bad_quantities_are_refused_and_change_nothing(quantity, message):
    order, seller_order, warehouse, stocks = paid_order(quantities=(2,))
    (line,) = lines_of(seller_order)

    with pytest.raises(ApplicationError, match=message):
        ship(seller_order, warehouse, {line.pk: quantity})

    assert (Stock.objects.get().on_hand, Stock.objects.get().reserved) == (10, 2)
    assert not Shipment.objects.exists()
    seller_order.refresh_from_db()
    assert seller_order.status == SS.READY_TO_SHIP


def test_a_warehouse_holding_none_of_the_units_or_of_another_seller_is_refused():
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,), second_warehouse=True)
    (line,) = lines_of(seller_order)
    empty = warehouse.seller.warehouses.exclude(pk=warehouse.pk).get()

    with pytest.raises(ApplicationError, match="Austin DC holds no units"):
        ship(seller_order, empty, {line.pk: 1})
    with pytest.raises(ApplicationError, match="not one of this seller's warehouses"):
        ship(seller_order, WarehouseFactory(seller=SellerFactory()), {line.pk: 1})
    assert not Shipment.objects.exists()


def test_an_unpaid_or_cancelled_order_does_not_ship():
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    (line,) = lines_of(seller_order)
    order_cancel(order=order, actor=None, reason="no")

    with pytest.raises(ApplicationError, match="only paid orders ship"):
        ship(seller_order, warehouse, {line.pk: 1})


def test_a_line_of_another_order_is_refused():
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    other_order, other_part, _, _ = paid_order(quantities=(1,))

    with pytest.raises(ApplicationError, match="not part of this order"):
        ship(seller_order, warehouse, {lines_of(other_part)[0].pk: 1})


def test_voiding_a_label_before_pick_up_puts_the_units_back():
    order, seller_order, warehouse, stocks = paid_order(quantities=(2,))
    (line,) = lines_of(seller_order)
    shipment = ship(seller_order, warehouse, {line.pk: 2})

    shipment_void(shipment=shipment)

    stock = Stock.objects.get()
    assert (stock.on_hand, stock.reserved) == (10, 2)
    assert list(StockAllocation.objects.values_list("status", "quantity")) == [("committed", 2)]
    seller_order.refresh_from_db()
    assert (seller_order.status, seller_order.shipped_at) == (SS.READY_TO_SHIP, None)
    with pytest.raises(ApplicationError, match="only a label not yet picked up"):
        shipment_void(shipment=shipment)
    ship(seller_order, warehouse, {line.pk: 2})  # it can ship again


def test_a_label_cannot_be_voided_once_the_parcel_was_scanned():
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    shipment = ship(seller_order, warehouse, {lines_of(seller_order)[0].pk: 1})
    sandbox_clock_advance(seconds=2 * 86400)
    shipments_track_open()

    with pytest.raises(ApplicationError):
        shipment_void(shipment=Shipment.objects.get(pk=shipment.pk))
    assert Stock.objects.get().on_hand == 9


@pytest.mark.django_db(transaction=True)
def test_two_shipments_racing_for_the_same_units_ship_them_once():
    order, seller_order, warehouse, stocks = paid_order(quantities=(2,))
    (line,) = lines_of(seller_order)

    outcomes = run_together(
        2, lambda i: ship(SellerOrder.objects.get(pk=seller_order.pk), warehouse, {line.pk: 2})
    )

    assert sorted(type(error).__name__ for _, _, error in outcomes) == ["ApplicationError", "NoneType"]
    assert Shipment.objects.count() == 1
    stock = Stock.objects.get()
    assert (stock.on_hand, stock.reserved) == (8, 0)


def test_the_sandbox_carrier_drives_an_order_from_paid_to_delivered_without_sleeping(
    django_capture_on_commit_callbacks,
):
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(seller_order, warehouse, {lines_of(seller_order)[0].pk: 1})
    sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario="on_time")

    for _hour in range(12 * 24 // 3):  # the shopper's view: the parcel moves on every three hours
        sandbox_clock_advance(seconds=3 * 3600)
        with django_capture_on_commit_callbacks(execute=True):
            shipments_track_open()

    shipment.refresh_from_db()
    seller_order.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED
    assert shipment.delivered_at is not None and shipment.picked_up_at < shipment.delivered_at
    assert (seller_order.status, seller_order.delivered_at) == (SS.DELIVERED, shipment.delivered_at)
    assert order.status == Order.Status.COMPLETED
    assert shipment.delivered_at.date() == seller_order.promised_to
    subjects = [message.subject for message in mail.outbox]
    assert [subject for subject in subjects if "parcel" in subject] == [
        "Your Marketplace parcel from Parcel Co has shipped",
        "Your Marketplace parcel from Parcel Co is out for delivery",
        "Your Marketplace parcel from Parcel Co was delivered",
    ]
    assert shipment.tracking_number in mail.outbox[-1].body


def test_scans_pushed_twice_or_out_of_order_leave_the_same_state():
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    shipment = ship(seller_order, warehouse, {lines_of(seller_order)[0].pk: 1})
    sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario="on_time")
    sandbox_clock_advance(seconds=12 * 86400)
    ((body, headers),) = sandbox_webhooks_due()
    payload = json.loads(body)
    reordered = dict(payload, data=dict(payload["data"], events=list(reversed(payload["data"]["events"]))))
    reordered_body = json.dumps(reordered).encode()

    carrier_webhook_receive(
        carrier="sandbox", body=reordered_body, headers=sandbox_webhook_sign(body=reordered_body)
    )
    carrier_webhook_receive(carrier="sandbox", body=body, headers=sandbox_webhook_sign(body=body))

    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED
    assert TrackingEvent.objects.count() == len(payload["data"]["events"])


def test_a_late_scan_of_an_earlier_event_does_not_move_the_status_back():
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    shipment = ship(seller_order, warehouse, {lines_of(seller_order)[0].pk: 1})
    sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario="on_time")
    sandbox_clock_advance(seconds=12 * 86400)
    ((body, headers),) = sandbox_webhooks_due()
    payload = json.loads(body)
    events = payload["data"]["events"]
    last_only = json.dumps(dict(payload, data=dict(payload["data"], events=events[-1:]))).encode()
    first_only = json.dumps(dict(payload, data=dict(payload["data"], events=events[:1]))).encode()

    carrier_webhook_receive(carrier="sandbox", body=last_only, headers=sandbox_webhook_sign(body=last_only))
    carrier_webhook_receive(carrier="sandbox", body=first_only, headers=sandbox_webhook_sign(body=first_only))

    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED


def test_the_webhook_endpoint_refuses_a_bad_signature_or_an_unknown_parcel(client):
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    shipment = ship(seller_order, warehouse, {lines_of(seller_order)[0].pk: 1})
    sandbox_clock_advance(seconds=12 * 86400)
    ((body, headers),) = sandbox_webhooks_due()
    url = reverse("fulfillment:carrier-webhook", kwargs={"carrier": "sandbox"})
    bad = dict(headers)
    bad["Sandbox-Signature"] = bad["Sandbox-Signature"][:-4] + "0000"

    refused = client.post(url, body, content_type="application/json", headers=bad)
    unknown_body = body.replace(shipment.tracking_number.encode(), b"SB000000000000000000")
    unknown = client.post(
        url, unknown_body, content_type="application/json", headers=sandbox_webhook_sign(body=unknown_body)
    )
    no_carrier = client.post(
        reverse("fulfillment:carrier-webhook", kwargs={"carrier": "ups"}),
        body,
        content_type="application/json",
        headers=headers,
    )

    assert (refused.status_code, unknown.status_code, no_carrier.status_code) == (400, 400, 400)
    assert "No parcel" in unknown.json()["error"]
    assert not TrackingEvent.objects.exists()
    accepted = client.post(url, body, content_type="application/json", headers=headers)
    assert accepted.status_code == 200 and accepted.json()["recorded"] == TrackingEvent.objects.count() > 0


def test_a_late_parcel_is_delivered_after_the_promise():
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    shipment = ship(seller_order, warehouse, {lines_of(seller_order)[0].pk: 1})
    sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario="late")

    sandbox_clock_advance(seconds=20 * 86400)
    shipments_track_open()

    shipment.refresh_from_db()
    seller_order.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED
    assert shipment.delivered_at.date() > seller_order.promised_to


def test_the_shopper_sees_the_parcel_and_its_scans_on_the_order_page(client):
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    shipment = ship(seller_order, warehouse, {lines_of(seller_order)[0].pk: 1})
    sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario="on_time")
    sandbox_clock_advance(seconds=12 * 86400)
    shipments_track_open()
    client.force_login(order.user)

    page = client.get(order.get_absolute_url()).content.decode()

    assert shipment.tracking_number in page
    assert "Delivered" in page
    assert "later than promised" not in page
    assert "Picked up" in page


def test_the_order_page_says_when_a_parcel_arrived_late(client):
    order, seller_order, warehouse, stocks = paid_order(quantities=(1,))
    shipment = ship(seller_order, warehouse, {lines_of(seller_order)[0].pk: 1})
    sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario="late")
    sandbox_clock_advance(seconds=20 * 86400)
    shipments_track_open()
    client.force_login(order.user)

    assert "later than promised" in client.get(order.get_absolute_url()).content.decode()
