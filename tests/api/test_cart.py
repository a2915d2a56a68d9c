"""/api/v1/cart/: guests by cart token, shoppers by session token, the merge, bad input."""

from decimal import Decimal

import pytest

from orders.api.carts import CART_TOKEN_HEADER, UNKNOWN_TOKEN
from orders.models import Cart, CartLine
from tests.api.conftest import assert_problem, patch_json, post_json, signed_in_client, verified_user
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
LINES = "/api/v1/cart/lines/"


def offer_in_stock(price="24.99", on_hand=10, **kwargs):
    offer = OfferFactory(price_amount=Decimal(price), **kwargs)
    StockFactory(offer=offer, on_hand=on_hand)
    return offer


def token_headers(token):
    return {f"HTTP_{CART_TOKEN_HEADER.upper().replace('-', '_')}": token}


def test_a_guest_gets_a_cart_token_on_the_first_add_and_sees_the_cart_with_it(api):
    offer = offer_in_stock(price="24.99", product__title="Blue mug", seller__name="Acme")

    response = post_json(api, LINES, {"offer": offer.pk, "quantity": 2})

    assert response.status_code == 201, response.content
    body = response.json()
    token = body["cart_token"]
    assert token.startswith("api_") and len(token) == 40
    assert response[CART_TOKEN_HEADER] == token
    assert Cart.objects.get(session_key=token).user is None
    again = api.get(CART, **token_headers(token)).json()
    assert again == body
    assert body["count"] == 2 and body["subtotal"] == "49.98" and body["currency"] == "USD"
    [line] = body["lines"]
    assert line == {
        "offer": offer.pk,
        "product": {"id": offer.product.pk, "slug": offer.product.slug, "title": "Blue mug"},
        "seller": {"id": offer.seller.pk, "slug": offer.seller.slug, "name": "Acme"},
        "quantity": 2,
        "unit_price": "24.99",
        "line_total": "49.98",
        "currency": "USD",
        "is_available": True,
        "max_quantity": 10,
        "saved_for_later": False,
    }
    assert body["sellers"] == [{"seller": line["seller"], "subtotal": "49.98"}]


def test_without_a_token_a_guest_has_an_empty_cart_and_no_cart_is_made(api):
    body = api.get(CART).json()
    assert body["lines"] == [] and body["count"] == 0 and body["cart_token"] is None
    assert not Cart.objects.exists()


def test_an_unknown_cart_token_is_a_404_problem(api):
    assert_problem(api.get(CART, **token_headers("api_" + "x" * 36)), 404, detail=UNKNOWN_TOKEN)
    assert_problem(api.get(CART, **token_headers("not-a-token\x00")), 404)


def test_a_storefront_session_key_is_not_a_cart_token(api):
    offer = offer_in_stock()
    cart = Cart.objects.create(session_key="a" * 32)
    CartLine.objects.create(cart=cart, offer=offer, quantity=1, price_seen_amount=offer.price_amount)
    assert_problem(api.get(CART, **token_headers("a" * 32)), 404)


def test_changing_the_quantity_and_removing_a_line(api):
    first, second = offer_in_stock(price="10.00"), offer_in_stock(price="3.50")
    token = post_json(api, LINES, {"offer": first.pk}).json()["cart_token"]
    post_json(api, LINES, {"offer": second.pk, "quantity": 1}, **token_headers(token))

    changed = patch_json(api, f"{LINES}{first.pk}/", {"quantity": 4}, **token_headers(token))
    assert changed.status_code == 200, changed.content
    assert changed.json()["subtotal"] == "43.50"

    removed = api.delete(f"{LINES}{second.pk}/", **token_headers(token))
    assert removed.status_code == 200
    assert [line["offer"] for line in removed.json()["lines"]] == [first.pk]
    assert removed.json()["count"] == 4


def test_a_line_of_another_cart_is_a_404(api, shopper_api, shopper):
    offer = offer_in_stock()
    other = Cart.objects.create(user=verified_user())
    CartLine.objects.create(cart=other, offer=offer, quantity=1, price_seen_amount=offer.price_amount)
    post_json(shopper_api, LINES, {"offer": offer_in_stock().pk})

    assert_problem(patch_json(shopper_api, f"{LINES}{offer.pk}/", {"quantity": 2}), 404)
    assert_problem(shopper_api.delete(f"{LINES}{offer.pk}/"), 404)
    assert CartLine.objects.get(cart=other).quantity == 1


def test_the_storefront_limits_are_business_rule_problems(api):
    offer = offer_in_stock(on_hand=3)
    body = assert_problem(post_json(api, LINES, {"offer": offer.pk, "quantity": 5}), 400)
    assert body["type"] == "/api/v1/problems/business-rule"
    assert body["detail"] == "Only 3 left from this seller."


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"offer": "12"}, "offer"),
        ({"offer": True}, "offer"),
        ({"offer": 1.5}, "offer"),
        ({"offer": 1, "quantity": 0}, "quantity"),
        ({"offer": 1, "quantity": "١"}, "quantity"),
        ({"offer": 10**30}, "offer"),
        ({}, "offer"),
        ({"offer": 1, "price": "0.01"}, "price"),
        ({"offer": 1, "seller": 2}, "seller"),
    ],
)
def test_wrong_types_and_unknown_fields_are_400_with_field_errors(api, payload, field):
    body = assert_problem(post_json(api, LINES, payload), 400)
    assert field in body["errors"]
    assert not Cart.objects.exists()


def test_malformed_json_is_a_400_problem(api):
    response = api.post(LINES, "{not json", content_type="application/json")
    assert_problem(response, 400, type="/api/v1/problems/malformed-request")


def test_a_guest_cart_merges_when_the_shopper_sends_both_tokens(api, shopper_api, shopper):
    offer, mine = offer_in_stock(), offer_in_stock()
    post_json(shopper_api, LINES, {"offer": mine.pk, "quantity": 1})
    token = post_json(api, LINES, {"offer": offer.pk, "quantity": 2}).json()["cart_token"]

    response = shopper_api.get(CART, **token_headers(token))

    body = response.json()
    assert body["cart_token"] is None and CART_TOKEN_HEADER not in response
    assert sorted((line["offer"], line["quantity"]) for line in body["lines"]) == [
        (offer.pk, 2),
        (mine.pk, 1),
    ]
    assert not Cart.objects.filter(session_key=token).exists()
    # The token is spent: signed in it is ignored, as a guest it is unknown.
    assert shopper_api.get(CART, **token_headers(token)).json()["count"] == 3
    assert_problem(api.get(CART, **token_headers(token)), 404)


def test_an_invalid_session_token_is_401_not_a_guest_cart(api):
    api.credentials(HTTP_X_SESSION_TOKEN="expired")
    assert_problem(api.get(CART), 401)


@pytest.mark.parametrize("lines", [3, 30])
def test_reading_the_cart_takes_the_same_queries_for_3_and_30_lines(
    django_assert_num_queries, shopper, lines
):
    cart = Cart.objects.create(user=shopper)
    for _ in range(lines):
        offer = offer_in_stock()
        CartLine.objects.create(cart=cart, offer=offer, quantity=1, price_seen_amount=offer.price_amount)
    client = signed_in_client(shopper)
    # session token lookup (2), the user, the cart, its lines
    with django_assert_num_queries(5):
        response = client.get(CART)
    assert response.json()["count"] == lines
