"""A shopper's journey through the API, as docs/api.md's quick start tells it: a guest cart,
sign in and merge, an address, a quote, the order, the sandbox payment, following the order."""

import uuid

import pytest
import time_machine

from orders.models import Order
from tests.api.checkout_shop import TUESDAY_10AM, seller_in_new_york, stocked
from tests.api.conftest import post_json, signed_in_client
from tests.orders.default_tables import load_default_shipping, load_default_tax_rates
from tests.payments.ledger_data import dispatch

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture(autouse=True)
def _tables_and_clock():
    load_default_shipping()
    load_default_tax_rates()
    with time_machine.travel(TUESDAY_10AM, tick=False):
        yield


def test_guest_cart_sign_in_quote_place_pay_and_follow(api, shopper):
    seller, warehouse = seller_in_new_york("Bolt Electronics")
    cable = stocked(seller, warehouse, "USB-C cable", "10.00")

    # A guest fills a cart and keeps its token.
    token = post_json(api, f"{BASE}/cart/lines/", {"offer": cable.pk, "quantity": 2}).json()["cart_token"]
    # Signed in, the first call with both tokens merges the guest cart.
    app = signed_in_client(shopper)
    cart = app.get(f"{BASE}/cart/", HTTP_X_CART_TOKEN=token).json()
    assert (cart["count"], cart["subtotal"]) == (2, "20.00")

    address = post_json(
        app,
        f"{BASE}/addresses/",
        {
            "full_name": "Ada Buyer",
            "line1": "1 Market St",
            "city": "San Francisco",
            "region": "CA",
            "postal_code": "94103",
            "country": "US",
        },
    ).json()
    quote = post_json(app, f"{BASE}/checkout/quote/", {"address": address["id"]}).json()
    assert (quote["subtotal"], quote["shipping"], quote["tax"], quote["total"]) == (
        "20.00",
        "5.49",
        "1.45",
        "26.94",
    )

    placed = post_json(
        app,
        f"{BASE}/orders/",
        {"address": address["id"], "shipping": quote["shipping_choices"], "quote": quote["quote"]},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert placed.status_code == 201, placed.content
    number = placed.json()["number"]
    assert app.get(f"{BASE}/cart/").json()["count"] == 0

    card = {"name": "Ada Buyer", "number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"}
    paid = post_json(
        app, f"{BASE}/orders/{number}/payments/", {"card": card}, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    ).json()
    assert (paid["payment"]["status"], paid["order_status"]) == ("succeeded", "paid")

    listed = app.get(f"{BASE}/orders/").json()["results"]
    assert [(row["number"], row["status"], row["total"]) for row in listed] == [(number, "paid", "26.94")]
    detail = app.get(f"{BASE}/orders/{number}/").json()
    assert (detail["status"], detail["cancellable"], detail["parts"][0]["status"]) == (
        "paid",
        True,
        "ready_to_ship",
    )

    cancelled = post_json(app, f"{BASE}/orders/{number}/cancel/", {"reason": "Wrong size."}).json()
    assert cancelled["status"] == "cancelled"
    dispatch()  # the outbox (Celery in production): order.cancelled refunds the payment
    payments = app.get(f"{BASE}/orders/{number}/payments/").json()["results"]
    assert [(r["amount"], r["status"]) for r in payments[0]["refunds"]] == [("26.94", "succeeded")]
    assert Order.objects.get(number=number).status == Order.Status.CANCELLED
