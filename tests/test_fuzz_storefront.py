"""Fuzz every form and GET parameter of the storefront: arbitrary text never gets a 5xx.

One test per parameter group (a page or a form and the names it reads), each
fed by hypothesis with arbitrary text: unicode, control characters (NUL), huge
numbers, unicode digits, numbers in other notations. Django's test client
re-raises a view's exception, so a 500 fails the test with its traceback.

The run is bounded and deterministic (``FUZZ``: 30 examples per group,
derandomized, no example database), so CI sees the same inputs every time.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from fulfillment.returns import return_request_create
from tests.accounts.factories import AddressFactory
from tests.catalog.factories import CategoryFactory
from tests.fulfillment.returns_data import delivered_order
from tests.fulfillment.shipping_data import paid_order
from tests.orders.cart_support import offer_in_stock
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "",
    " ",
    "\x00",
    "1\x00",
    "\x1b[31m",
    "\u00b2",  # a superscript two: str.isdigit() is true, int() refuses it
    "\u0663",  # an Arabic-Indic three: int() takes it
    "9" * 5000,  # past int()'s 4,300-digit limit
    "-" + "9" * 5000,
    "9" * 19,  # past a bigint
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "+5",
    "１２",  # full-width digits
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\ud7ff\ue000\U0010ffff",
    "a" * 10_000,
]
# Any text hypothesis makes (surrogates cannot be sent), a hostile classic, or a number.
VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60),
    st.integers().map(str),
    st.integers(min_value=0, max_value=40).map(str),
)


@pytest.fixture
def world():
    """A shop with an offer in a category, a shopper with a cart, an address and a delivered order,
    a seller member with an order to ship and a return to decide."""
    order, seller_order, _warehouse, _stocks, _payment = delivered_order(prices=("10.00",), quantities=(2,))
    shopper = order.user
    AddressFactory(user=shopper)
    line = seller_order.lines.get()
    offer = offer_in_stock(price="24.99", on_hand=5, product__category=CategoryFactory(slug="kettles"))
    to_ship_order, to_ship, ship_warehouse, _ = paid_order(quantities=(1,))
    seller_user = SellerMemberFactory(seller=to_ship.seller).user
    rma = return_request_create(
        user=shopper,
        seller_order=seller_order,
        quantities={line.pk: 1},
        reason="no_longer_needed",
        comment="",
    )
    return {
        "shopper": shopper,
        "seller_user": seller_user,
        "return_seller_user": SellerMemberFactory(seller=seller_order.seller).user,
        "order": order,
        "seller_order": seller_order,
        "line": line,
        "offer": offer,
        "to_ship": to_ship,
        "to_ship_line": to_ship.lines.get(),
        "ship_warehouse": ship_warehouse,
        "rma": rma,
        "seller_id": offer.seller_id,
        "to_ship_order": to_ship_order,
    }


def _client(world, who: str | None) -> Client:
    client = Client()
    if who:
        client.force_login(world[who])
    return client


def _send(client: Client, method: str, url: str, data: dict):
    assert "?" not in url  # the test client would drop its query for ``data``'s
    if method == "get":
        response = client.get(url, data)
    else:  # as a browser's form posts: url-encoded
        response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (method, url, data)
    return response


# (id, who, method, url of the world, the names the page or form reads)
GROUPS = [
    ("home", None, "get", lambda w: "/", ["page", "q", "sort"]),
    (
        "category",
        None,
        "get",
        lambda w: "/c/kettles/",
        ["sort", "brand", "price_min", "price_max", "rating", "page"],
    ),
    ("product", None, "get", lambda w: w["offer"].product.get_absolute_url(), ["image"]),
    ("search-text", None, "get", lambda w: "/search/", ["q", "sort", "page"]),
    (
        "search-slugs",
        None,
        "get",
        lambda w: "/search/",
        ["q=kettle", "category", "brand", "seller", "condition"],
    ),
    (
        "search-numbers",
        None,
        "get",
        lambda w: "/search/",
        ["q=kettle", "price_min", "price_max", "rating", "in_stock", "fbm", "page"],
    ),
    ("search-suggest", None, "get", lambda w: "/search/suggest/", ["q"]),
    ("cart-add-guest", None, "post", lambda w: "/cart/add/", ["offer", "quantity", "product", "next"]),
    ("cart-add-shopper", "shopper", "post", lambda w: "/cart/add/", ["offer", "quantity", "product"]),
    ("cart-update", "shopper", "post", lambda w: "/cart/update/", ["offer", "quantity"]),
    ("cart-remove", "shopper", "post", lambda w: "/cart/remove/", ["offer"]),
    ("cart-save", "shopper", "post", lambda w: "/cart/save-for-later/", ["offer"]),
    ("cart-move", "shopper", "post", lambda w: "/cart/move-to-cart/", ["offer"]),
    ("cart-page", "shopper", "get", lambda w: "/cart/", ["page", "offer"]),
    (
        "checkout-get",
        "shopper",
        "get",
        lambda w: "/checkout/",
        ["address", "ship-{seller_id}", "ship-{value}"],
    ),
    (
        "checkout-post",
        "shopper",
        "post",
        lambda w: "/checkout/",
        ["address", "shown", "idempotency_key", "action", "ship-{seller_id}", "ship-{value}"],
    ),
    (
        "checkout-new-address",
        "shopper",
        "post",
        lambda w: "/checkout/",
        ["action=add-address", "new-full_name", "new-line1", "new-city", "new-postal_code", "new-country"],
    ),
    ("orders", "shopper", "get", lambda w: "/orders/", ["page", "status"]),
    ("order-detail", "shopper", "get", lambda w: w["order"].get_absolute_url(), ["page"]),
    ("order-cancel", "shopper", "post", lambda w: f"/orders/{w['order'].number}/cancel/", ["reason"]),
    ("account", "shopper", "get", lambda w: "/account/", ["page"]),
    ("sign-in", None, "post", lambda w: "/accounts/login/", ["login", "password", "next"]),
    ("mfa-required", "shopper", "get", lambda w: "/account/two-factor/required/", ["next"]),
    (
        "address-new",
        "shopper",
        "post",
        lambda w: "/account/addresses/new/",
        ["full_name", "line1", "line2", "city", "region", "postal_code", "country", "phone", "is_default"],
    ),
    (
        "return-new",
        "shopper",
        "post",
        lambda w: f"/returns/new/{w['seller_order'].number}/",
        ["qty-{line}", "reason", "comment"],
    ),
    (
        "return-new-get",
        "shopper",
        "get",
        lambda w: f"/returns/new/{w['seller_order'].number}/",
        ["qty-{line}"],
    ),
    (
        "claim-new",
        "shopper",
        "post",
        lambda w: f"/claims/new/{w['seller_order'].number}/",
        ["reason", "description"],
    ),
    ("seller-shipping", "seller_user", "get", lambda w: "/seller/shipping/", ["page"]),
    (
        "seller-ship",
        "seller_user",
        "post",
        lambda w: f"/seller/shipping/{w['to_ship'].number}/",
        ["warehouse", "qty-{to_ship_line}", "weight_grams", "length_cm", "width_cm", "height_cm", "service"],
    ),
    ("seller-returns", "return_seller_user", "get", lambda w: "/seller/returns/", ["page", "status"]),
    (
        "feedback-leave",
        "shopper",
        "post",
        lambda w: f"/feedback/{w['seller_order'].number}/",
        ["rating", "arrived_on_time", "as_described", "good_service", "comment"],
    ),
    ("seller-reviews", "return_seller_user", "get", lambda w: "/seller/reviews/", ["stars", "reply", "page"]),
    ("seller-feedback", "return_seller_user", "get", lambda w: "/seller/feedback/", ["kind", "page"]),
    (
        "seller-return",
        "return_seller_user",
        "post",
        lambda w: f"/seller/returns/{w['rma'].number}/",
        ["action", "note", "warehouse", "restock-{line}"],
    ),
    (
        "reviews-list",
        None,
        "get",
        lambda w: f"/reviews/product/{w['line'].product.slug}/",
        ["stars", "with_photos", "sort", "page"],
    ),
    (
        "review-write-get",
        "shopper",
        "get",
        lambda w: f"/reviews/product/{w['line'].product.slug}/write/",
        ["rating"],
    ),
    (
        "review-write",
        "shopper",
        "post",
        lambda w: f"/reviews/product/{w['line'].product.slug}/write/",
        ["rating", "title", "body"],
    ),
    ("reviews-mine", "shopper", "get", lambda w: "/reviews/mine/", ["page"]),
]


def _names(world, names: list[str]) -> list[str]:
    """The parameter names with the world's ids filled in (``ship-{seller_id}``, ``qty-{line}``)."""
    ids = {
        "seller_id": world["seller_id"],
        "line": world["line"].pk,
        "to_ship_line": world["to_ship_line"].pk,
        "value": "{value}",
    }
    return [name.format(**ids) for name in names]


@pytest.mark.parametrize(
    ("who", "method", "url", "names"), [g[1:] for g in GROUPS], ids=[g[0] for g in GROUPS]
)
def test_no_parameter_value_gets_a_5xx(world, who, method, url, names):
    client = _client(world, who)
    target = url(world)
    names = _names(world, names)
    fixed = dict(name.split("=", 1) for name in names if "=" in name)
    fuzzed = [name for name in names if "=" not in name]

    @FUZZ
    @given(values=st.fixed_dictionaries(dict.fromkeys(fuzzed, VALUE)))
    def check(values):
        data = {**fixed}
        for name, value in values.items():
            data[name.replace("{value}", value) if "{value}" in name else name] = value
        _send(client, method, target, data)

    check()


@FUZZ
@given(name=VALUE, value=VALUE)
def test_an_unknown_parameter_name_gets_no_5xx_anywhere(world, name, value):
    client = _client(world, "shopper")
    for method, url in (
        ("get", "/"),
        ("get", "/search/"),
        ("get", "/c/kettles/"),
        ("get", "/checkout/"),
        ("post", "/checkout/"),
        ("post", "/cart/add/"),
    ):
        _send(client, method, url, {"q": "kettle", name: value, "idempotency_key": str(uuid.uuid4())})
