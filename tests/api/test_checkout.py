"""/api/v1/checkout/quote/ and POST /api/v1/orders/: quoting and placing, with Idempotency-Key."""

import uuid
from decimal import Decimal

import pytest
import time_machine

from fulfillment.models import Stock
from orders.api.idempotency import KeyReused
from orders.api.views.orders import QuoteChanged
from orders.models import ApiIdempotencyKey, CartLine, Order
from tests.accounts.factories import AddressFactory
from tests.api.checkout_shop import (
    TUESDAY_10AM,
    home_in_san_francisco,
    put_in_cart,
    seller_in_new_york,
    stocked,
)
from tests.api.conftest import assert_problem, post_json, signed_in_client, verified_user
from tests.concurrency import run_together
from tests.orders.default_tables import load_default_shipping, load_default_tax_rates

pytestmark = pytest.mark.django_db

QUOTE = "/api/v1/checkout/quote/"
ORDERS = "/api/v1/orders/"


@pytest.fixture(autouse=True)
def _tables_and_clock():
    load_default_shipping()
    load_default_tax_rates()
    with time_machine.travel(TUESDAY_10AM, tick=False):
        yield


@pytest.fixture
def shop(shopper):
    bolt, warehouse = seller_in_new_york("Bolt Electronics")
    speaker = stocked(bolt, warehouse, "Smart Speaker", "249.00")
    put_in_cart(shopper, speaker, 1)
    return {"bolt": bolt, "speaker": speaker, "home": home_in_san_francisco(shopper)}


def key_header(key):
    return {"HTTP_IDEMPOTENCY_KEY": key}


def quote(client, shop, **shipping):
    response = post_json(client, QUOTE, {"address": shop["home"].pk, "shipping": shipping})
    assert response.status_code == 200, response.content
    return response.json()


def place_body(shop, quoted):
    return {"address": shop["home"].pk, "shipping": quoted["shipping_choices"], "quote": quoted["quote"]}


def test_a_quote_shows_each_seller_s_options_with_promises_and_the_amounts(shopper_api, shop):
    quoted = quote(shopper_api, shop)

    [part] = quoted["sellers"]
    assert part["seller"]["name"] == "Bolt Electronics"
    assert [(o["code"], o["amount"]) for o in part["options"]] == [
        ("standard", "5.49"),
        ("expedited", "13.99"),
    ]
    standard = part["options"][0]
    assert (standard["promised_from"], standard["promised_to"]) == ("2026-12-08", "2026-12-10")
    assert standard["promise"] == "Arrives Tue, Dec 8 - Thu, Dec 10"
    assert part["chosen"] == "standard" and part["problem"] == ""
    [line] = part["lines"]
    assert (
        line["offer"],
        line["quantity"],
        line["unit_price"],
        line["tax_rate"],
        line["tax"],
        line["total"],
    ) == (
        shop["speaker"].pk,
        1,
        "249.00",
        "0.0725",
        "18.05",
        "249.00",
    )
    assert (quoted["subtotal"], quoted["shipping"], quoted["tax"], quoted["total"]) == (
        "249.00",
        "5.49",
        "18.05",
        "272.54",
    )
    assert quoted["can_place"] is True
    assert quoted["shipping_choices"] == {str(shop["bolt"].pk): "standard"}
    assert not Order.objects.exists()


def test_a_quote_takes_a_shipping_pick_per_seller(shopper_api, shop):
    quoted = quote(shopper_api, shop, **{str(shop["bolt"].pk): "expedited"})
    assert quoted["shipping"] == "13.99" and quoted["total"] == "281.04"


def test_placing_the_quoted_order_reserves_stock_and_empties_those_cart_lines(shopper_api, shopper, shop):
    quoted = quote(shopper_api, shop)

    response = post_json(shopper_api, ORDERS, place_body(shop, quoted), **key_header("first-try"))

    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get(user=shopper)
    assert body["number"] == order.number and body["status"] == "pending_payment"
    assert (body["total"], order.total_amount) == ("272.54", Decimal("272.54"))
    assert body["shipping_address"]["city"] == "San Francisco"
    assert [p["shipping_method"] for p in body["parts"]] == ["standard"]
    assert body["cancellable"] is True
    assert not CartLine.objects.filter(cart__user=shopper).exists()
    assert Stock.objects.get(offer=shop["speaker"]).reserved == 1


def test_a_replay_with_the_same_key_and_body_answers_the_same_order_once(shopper_api, shopper, shop):
    body = place_body(shop, quote(shopper_api, shop))
    first = post_json(shopper_api, ORDERS, body, **key_header("k-1"))

    again = post_json(shopper_api, ORDERS, body, **key_header("k-1"))

    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(user=shopper).count() == 1
    assert Stock.objects.get(offer=shop["speaker"]).reserved == 1


def test_the_same_key_with_another_body_is_a_422_and_changes_nothing(shopper_api, shopper, shop):
    body = place_body(shop, quote(shopper_api, shop))
    post_json(shopper_api, ORDERS, body, **key_header("k-2"))
    other = AddressFactory(user=shopper, region="CA", postal_code="94105", country="US")

    response = post_json(shopper_api, ORDERS, body | {"address": other.pk}, **key_header("k-2"))

    assert_problem(response, 422, detail=KeyReused.default_detail)
    assert Order.objects.filter(user=shopper).count() == 1


def test_keys_are_per_shopper(shopper_api, shop):
    """Another shopper's key of the same text is theirs: it neither replays nor refuses mine."""
    stranger = verified_user()
    ApiIdempotencyKey.objects.create(
        user=stranger,
        scope="order-place",
        key="shared",
        request_hash="0" * 64,
        status_code=201,
        response_body={},
    )
    response = post_json(
        shopper_api, ORDERS, place_body(shop, quote(shopper_api, shop)), **key_header("shared")
    )
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert signed_in_client(stranger).get(ORDERS).json()["results"] == []


def test_a_failed_placement_leaves_the_key_unused(shopper_api, shopper, shop):
    quoted = quote(shopper_api, shop)
    Stock.objects.filter(offer=shop["speaker"]).update(on_hand=0)
    assert_problem(post_json(shopper_api, ORDERS, place_body(shop, quoted), **key_header("k-3")), 400)
    assert not ApiIdempotencyKey.objects.exists()

    Stock.objects.filter(offer=shop["speaker"]).update(on_hand=5)
    response = post_json(shopper_api, ORDERS, place_body(shop, quote(shopper_api, shop)), **key_header("k-3"))
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("key", [None, "", "é" * 3, "x" * 256])
def test_placing_needs_a_valid_idempotency_key(shopper_api, shop, key):
    headers = {} if key is None else key_header(key)
    body = assert_problem(
        post_json(shopper_api, ORDERS, place_body(shop, quote(shopper_api, shop)), **headers), 400
    )
    assert "Idempotency-Key" in body["errors"]
    assert not Order.objects.exists()


def test_a_price_change_since_the_quote_is_a_409_and_nothing_is_placed(shopper_api, shop):
    quoted = quote(shopper_api, shop)
    shop["speaker"].price_amount = Decimal("199.00")
    shop["speaker"].save(update_fields=["price_amount"])

    response = post_json(shopper_api, ORDERS, place_body(shop, quoted), **key_header("k-4"))

    assert_problem(response, 409, detail=QuoteChanged.default_detail)
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 1


def test_placing_needs_a_shipping_method_for_every_seller(shopper_api, shop):
    quoted = quote(shopper_api, shop)
    body = assert_problem(
        post_json(shopper_api, ORDERS, place_body(shop, quoted) | {"shipping": {}}, **key_header("k-5")), 400
    )
    assert body["type"] == "/api/v1/problems/business-rule"
    assert "Choose a delivery option" in body["detail"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"status": "paid"}, "status"),
        ({"price": "1.00"}, "price"),
        ({"total": "0.01"}, "total"),
        ({"user": 1}, "user"),
    ],
)
def test_unknown_fields_are_refused_and_nothing_is_placed(shopper_api, shop, extra, field):
    body = place_body(shop, quote(shopper_api, shop)) | extra
    problem = assert_problem(post_json(shopper_api, ORDERS, body, **key_header("k-6")), 400)
    assert problem["errors"] == {field: ["This field is not accepted."]}
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"address": "1"}, "address"),
        ({"address": 1, "shipping": {"abc": "standard"}}, "shipping"),
        ({"address": 1, "shipping": {"1": 5}}, "shipping"),
        ({"address": 1, "shipping": ["standard"]}, "shipping"),
    ],
)
def test_wrong_types_in_a_quote_are_400_with_field_errors(shopper_api, shop, body, field):
    assert field in assert_problem(post_json(shopper_api, QUOTE, body), 400)["errors"]


def test_malformed_json_is_a_400_problem(shopper_api, shop):
    response = shopper_api.post(ORDERS, "{", content_type="application/json", **key_header("k-7"))
    assert_problem(response, 400, type="/api/v1/problems/malformed-request")


def test_another_shopper_s_address_is_a_404(shopper_api, shop):
    theirs = AddressFactory(country="US", region="CA", postal_code="94103")
    assert_problem(post_json(shopper_api, QUOTE, {"address": theirs.pk}), 404)
    body = {"address": theirs.pk, "shipping": {str(shop["bolt"].pk): "standard"}, "quote": "x"}
    assert_problem(post_json(shopper_api, ORDERS, body, **key_header("k-8")), 404)
    assert not Order.objects.exists()


def test_an_empty_cart_cannot_be_quoted(shopper_api, shopper, shop):
    CartLine.objects.filter(cart__user=shopper).delete()
    body = assert_problem(post_json(shopper_api, QUOTE, {"address": shop["home"].pk}), 400)
    assert body["type"] == "/api/v1/problems/business-rule"


def test_anonymous_callers_get_401(api, shop):
    assert_problem(post_json(api, QUOTE, {"address": shop["home"].pk}), 401)
    assert_problem(post_json(api, ORDERS, {}, **key_header(str(uuid.uuid4()))), 401)


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_with_one_key_place_one_order(shopper, shop):
    clients = [signed_in_client(shopper) for _ in range(2)]
    body = place_body(shop, quote(clients[0], shop))

    outcomes = run_together(2, lambda i: post_json(clients[i], ORDERS, body, **key_header("race")))

    assert [error for _i, _response, error in outcomes] == [None, None]
    responses = [response for _i, response, _error in outcomes]
    assert [response.status_code for response in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(response.get("Idempotent-Replayed", "") for response in responses) == ["", "true"]
    assert Order.objects.filter(user=shopper).count() == 1
    assert Stock.objects.get(offer=shop["speaker"]).reserved == 1


def test_field_errors_are_lists_of_strings_named_by_path(shopper_api, shop):
    body = assert_problem(post_json(shopper_api, QUOTE, {"address": 1, "shipping": {"7": 5}}), 400)
    assert body["errors"] == {"shipping": ["7: Not a valid string."]}
