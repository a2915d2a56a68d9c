from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fulfillment.models import Stock
from marketplace.core.errors import ApplicationError
from orders.cart import (
    SESSION_CART_ID,
    cart_add_offer,
    cart_checkout_lines,
    cart_count_for_request,
    cart_remove_lines,
    cart_review,
    cart_save_for_later,
    parse_quantity,
)
from orders.models import Cart, CartLine
from sellers.models import Seller
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.orders.cart_support import HTMX, add, cart_lines, offer_in_stock
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    return offer_in_stock(price="24.99", on_hand=3)


def guest_cart(client):
    return Cart.objects.get(pk=client.session[SESSION_CART_ID])


def post(client, name, data, **extra):
    return client.post(reverse(f"orders:{name}"), data, **extra)


# Adding ---------------------------------------------------------------------


def test_a_guest_adds_an_offer_to_a_cart_kept_in_the_database_and_sees_it_grouped_by_seller(client, offer):
    response = add(client, offer.pk, "2")

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("orders:cart-detail"), 302)]
    cart = guest_cart(client)
    assert cart.user is None
    assert cart.session_key == client.session.session_key
    assert cart_lines(cart) == [(offer.pk, 2, False)]
    assert CartLine.objects.get().price_seen_amount == Decimal("24.99")
    content = response.content.decode()
    assert f'Sold by <a href="{offer.seller.get_absolute_url()}">{offer.seller.name}</a>' in content
    assert f"Added to your cart: {offer.product.title}." in content
    assert f"Subtotal from {offer.seller.name}: <strong>$49.98</strong>" in content
    assert "Subtotal (2 items): <strong>$49.98</strong>" in content
    assert response.context["cart_count"] == 2


def test_adding_the_same_offer_again_adds_to_the_quantity(client, offer):
    add(client, offer.pk, 1)
    add(client, offer.pk, 2)

    assert cart_lines(guest_cart(client)) == [(offer.pk, 3, False)]


def test_a_signed_in_shopper_adds_to_their_own_cart(client, offer):
    user = UserFactory()
    client.force_login(user)

    add(client, offer.pk, 1)

    assert cart_lines(Cart.objects.get(user=user)) == [(offer.pk, 1, False)]
    assert SESSION_CART_ID not in client.session


def test_lines_are_grouped_by_seller_with_subtotals(client):
    alpha, beta = SellerFactory(name="Alpha Goods"), SellerFactory(name="Beta Store")
    a1 = offer_in_stock(price="10.00", seller=alpha)
    b1 = offer_in_stock(price="5.50", seller=beta)
    a2 = offer_in_stock(price="2.25", seller=alpha)
    for offer_id, quantity in [(b1.pk, 2), (a1.pk, 1), (a2.pk, 4)]:
        add(client, offer_id, quantity, follow=False)

    response = client.get(reverse("orders:cart-detail"))

    summary = response.context["cart"]
    assert [
        (g.seller.name, [line.offer_id for line in g.lines], g.subtotal_amount) for g in summary.groups
    ] == [
        ("Alpha Goods", [a1.pk, a2.pk], Decimal("19.00")),
        ("Beta Store", [b1.pk], Decimal("11.00")),
    ]
    assert summary.subtotal_amount == Decimal("30.00")
    content = response.content.decode()
    assert "Subtotal from Alpha Goods: <strong>$19.00</strong>" in content
    assert "Subtotal from Beta Store: <strong>$11.00</strong>" in content
    assert "Subtotal (7 items): <strong>$30.00</strong>" in content


# Bad input ------------------------------------------------------------------

BAD_QUANTITIES = [
    ("0", "The quantity must be at least 1."),
    ("-1", "The quantity must be at least 1."),
    ("1.5", "Enter a whole number of items."),
    ("abc", "Enter a whole number of items."),
    ("", "Enter a whole number of items."),
    ("\u0663", "Enter a whole number of items."),  # an Arabic-Indic digit three
    (str(2**31), "You can buy at most 30 of an item at a time."),
    ("31", "You can buy at most 30 of an item at a time."),
    ("4", "Only 3 left from this seller."),
    # 5,000 digits: past Python's int() limit of 4,300, once a ValueError and a 500
    ("9" * 5000, "You can buy at most 30 of an item at a time."),
    ("-" + "9" * 5000, "The quantity must be at least 1."),
    ("\u00b2", "Enter a whole number of items."),  # a superscript two passes str.isdigit
]


@pytest.mark.parametrize(("quantity", "message"), BAD_QUANTITIES)
def test_bad_quantities_on_add_are_refused_with_a_message_and_change_nothing(
    client, offer, quantity, message
):
    response = add(client, offer.pk, quantity, HTTP_REFERER=offer.product.get_absolute_url())

    assert response.redirect_chain == [(offer.product.get_absolute_url(), 302)]
    assert message in response.content.decode()
    assert CartLine.objects.count() == 0
    if message != "Only 3 left from this seller.":
        assert Cart.objects.count() == 0  # no cart is made for a quantity that cannot be right


@pytest.mark.parametrize(("quantity", "message"), BAD_QUANTITIES)
def test_bad_quantities_on_update_are_refused_with_a_message_and_change_nothing(
    client, offer, quantity, message
):
    add(client, offer.pk, 1)

    response = post(client, "cart-update", {"offer": offer.pk, "quantity": quantity}, follow=True)

    assert response.redirect_chain == [(reverse("orders:cart-detail"), 302)]
    assert message in response.content.decode()
    assert cart_lines(guest_cart(client)) == [(offer.pk, 1, False)]


@pytest.mark.parametrize("view", ["cart-add", "cart-update"])
def test_a_signed_in_shopper_typing_5000_digits_is_told_the_limit_not_shown_a_500(client, offer, view):
    client.force_login(UserFactory())
    add(client, offer.pk, 1)

    response = post(client, view, {"offer": offer.pk, "quantity": "9" * 5000}, follow=True)

    assert response.status_code == 200
    assert "You can buy at most 30 of an item at a time." in response.content.decode()
    assert [line.quantity for line in CartLine.objects.all()] == [1]


def test_a_5000_digit_offer_id_is_not_found_not_a_500(client, offer):
    response = post(client, "cart-add", {"offer": "9" * 5000, "quantity": "1"}, follow=True)

    assert response.status_code == 200
    assert "That item could not be found." in response.content.decode()


def test_parse_quantity_accepts_whole_numbers_with_spaces():
    assert parse_quantity(" 7 ") == 7
    assert parse_quantity(30) == 30
    with pytest.raises(ApplicationError, match="Enter a whole number of items."):
        parse_quantity(None)


def test_offers_that_cannot_be_bought_are_refused(client, offer):
    suspended = offer_in_stock(seller=SellerFactory(status=Seller.Status.SUSPENDED))
    applied = offer_in_stock(seller=SellerFactory(status=Seller.Status.APPLIED))
    inactive = offer_in_stock(is_active=False)
    withdrawn_product = offer_in_stock(product=ProductFactory(is_active=False))
    out_of_stock = offer_in_stock(on_hand=0)
    no_stock_rows = OfferFactory()
    deleted = offer_in_stock()
    deleted_id = deleted.pk
    Stock.objects.filter(offer=deleted).delete()
    deleted.delete()

    def message_for(offer_id):
        response = add(client, offer_id, 1)
        return [str(m) for m in response.context["messages"]]

    assert message_for(suspended.pk) == ["That seller is not selling at the moment."]
    assert message_for(applied.pk) == ["That seller is not selling at the moment."]
    assert message_for(inactive.pk) == ["That item is no longer available."]
    assert message_for(withdrawn_product.pk) == ["That item is no longer available."]
    assert message_for(out_of_stock.pk) == ["That item is out of stock."]
    assert message_for(no_stock_rows.pk) == ["That item is out of stock."]
    assert message_for(deleted_id) == ["That item is no longer available."]
    assert message_for(999999999) == ["That item is no longer available."]
    assert message_for("x") == ["That item could not be found."]
    assert message_for("") == ["That item could not be found."]
    assert message_for(str(2**70)) == ["That item could not be found."]
    assert CartLine.objects.count() == 0


def test_an_offer_of_another_product_than_the_page_posted_is_refused(client, offer):
    other = offer_in_stock()

    response = client.post(
        reverse("orders:cart-add"),
        {"offer": other.pk, "product": offer.product_id, "quantity": 1},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["That offer is not for this product."]
    assert CartLine.objects.count() == 0

    response = client.post(
        reverse("orders:cart-add"),
        {"offer": offer.pk, "product": offer.product_id, "quantity": 1},
        follow=True,
    )
    assert cart_lines(guest_cart(client)) == [(offer.pk, 1, False)]


def test_get_on_an_action_is_not_allowed(client):
    assert client.get(reverse("orders:cart-add")).status_code == 405


# Limits ---------------------------------------------------------------------


def test_the_limits_are_settings_with_the_documented_defaults():
    assert settings.CART_MAX_QUANTITY_PER_LINE == 30
    assert settings.CART_MAX_LINES == 50
    assert settings.CART_MAX_UNITS == 100


def test_the_per_line_limit_counts_what_is_already_in_the_cart(client):
    offer = offer_in_stock(on_hand=100)
    add(client, offer.pk, 20)

    response = add(client, offer.pk, 11)

    assert "You already have 20 in your cart, and you can buy at most 30 of an item at a time." in (
        response.content.decode()
    )
    assert cart_lines(guest_cart(client)) == [(offer.pk, 20, False)]
    add(client, offer.pk, 10)
    assert cart_lines(guest_cart(client)) == [(offer.pk, 30, False)]


def test_stock_counts_what_is_already_in_the_cart(client, offer):
    add(client, offer.pk, 2)

    response = add(client, offer.pk, 2)

    assert "Only 3 left from this seller, and you already have 2 in your cart." in response.content.decode()
    assert cart_lines(guest_cart(client)) == [(offer.pk, 2, False)]


def test_a_cart_holds_at_most_100_units(client):
    offers = [offer_in_stock(on_hand=50) for _ in range(4)]
    for offer in offers[:3]:
        add(client, offer.pk, 30, follow=False)

    response = add(client, offers[3].pk, 11)

    assert "Your cart can hold at most 100 items." in response.content.decode()
    assert CartLine.objects.count() == 3
    add(client, offers[3].pk, 10)
    assert CartLine.objects.count() == 4

    response = post(client, "cart-update", {"offer": offers[0].pk, "quantity": 31}, follow=True)
    assert "You can buy at most 30 of an item at a time." in response.content.decode()


def test_a_cart_holds_at_most_the_line_limit_saved_for_later_included(client, settings):
    settings.CART_MAX_LINES = 2
    first, second, third = (offer_in_stock() for _ in range(3))
    add(client, first.pk, 1)
    add(client, second.pk, 1)
    post(client, "cart-save-for-later", {"offer": first.pk})

    response = add(client, third.pk, 1)

    assert "Your cart can hold at most 2 different items." in response.content.decode()
    assert [line[0] for line in cart_lines(guest_cart(client))] == [first.pk, second.pk]


# Change, remove, save for later, move back: without JavaScript ----------------


def test_change_quantity_without_javascript_redirects_to_the_cart_with_a_message(client, offer):
    add(client, offer.pk, 1)

    response = post(client, "cart-update", {"offer": offer.pk, "quantity": "3"})

    assert response.status_code == 302
    assert response["Location"] == reverse("orders:cart-detail")
    assert cart_lines(guest_cart(client)) == [(offer.pk, 3, False)]
    page = client.get(response["Location"]).content.decode()
    assert f"Updated the quantity of {offer.product.title} to 3." in page
    assert "$74.97" in page


def test_remove_without_javascript(client, offer):
    add(client, offer.pk, 2)

    response = post(client, "cart-remove", {"offer": offer.pk}, follow=True)

    assert response.redirect_chain == [(reverse("orders:cart-detail"), 302)]
    assert f"Removed from your cart: {offer.product.title}." in response.content.decode()
    assert "Your cart is empty." in response.content.decode()
    assert response.context["cart_count"] == 0
    assert CartLine.objects.count() == 0
    # Removing it again (a double click) is harmless.
    assert post(client, "cart-remove", {"offer": offer.pk}).status_code == 302


def test_save_for_later_and_move_back_without_javascript(client, offer):
    other = offer_in_stock()
    add(client, offer.pk, 2)
    add(client, other.pk, 1)

    response = post(client, "cart-save-for-later", {"offer": offer.pk}, follow=True)

    content = response.content.decode()
    assert f"Saved for later: {offer.product.title}." in content
    assert "Saved for later (1)" in content
    assert response.context["cart_count"] == 1
    assert [line.offer_id for line in response.context["cart"].saved_lines] == [offer.pk]
    assert cart_lines(guest_cart(client)) == [(offer.pk, 2, True), (other.pk, 1, False)]

    response = post(client, "cart-move-to-cart", {"offer": offer.pk}, follow=True)

    assert f"Moved to your cart: {offer.product.title}." in response.content.decode()
    assert response.context["cart_count"] == 3
    assert cart_lines(guest_cart(client)) == [(offer.pk, 2, False), (other.pk, 1, False)]


def test_adding_an_offer_saved_for_later_brings_it_back_with_the_new_quantity(client, offer):
    add(client, offer.pk, 2)
    post(client, "cart-save-for-later", {"offer": offer.pk})

    add(client, offer.pk, 1)

    assert cart_lines(guest_cart(client)) == [(offer.pk, 1, False)]


def test_actions_on_an_offer_not_in_the_cart_say_so(client, offer):
    other = offer_in_stock()
    for name in ["cart-update", "cart-save-for-later", "cart-move-to-cart"]:
        response = post(client, name, {"offer": other.pk, "quantity": 1}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["That item is not in your cart."]
    add(client, offer.pk, 1)
    response = post(client, "cart-update", {"offer": "abc", "quantity": 1}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["That item is not in your cart."]
    assert cart_lines(guest_cart(client)) == [(offer.pk, 1, False)]


def test_an_item_that_cannot_be_bought_does_not_move_back_to_the_cart(client, offer):
    add(client, offer.pk, 1)
    post(client, "cart-save-for-later", {"offer": offer.pk}, follow=True)
    Seller.objects.filter(pk=offer.seller_id).update(status=Seller.Status.SUSPENDED)

    response = post(client, "cart-move-to-cart", {"offer": offer.pk}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["That seller is not selling at the moment."]
    assert "Currently unavailable" in response.content.decode()
    assert "Move to cart" not in response.content.decode()
    assert cart_lines(guest_cart(client)) == [(offer.pk, 1, True)]


# With htmx -------------------------------------------------------------------


def assert_is_cart_fragment(response, count):
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="cart"') or '<div id="cart" class="cart stack"' in content
    assert (
        '<span id="cart-count" class="cart-link__count" hx-swap-oob="true">'
        f'<span class="visually-hidden">, items: </span>{count}</span>'
    ) in content
    return content


def test_htmx_change_quantity_returns_the_cart_fragment_and_the_header_count(client, offer):
    add(client, offer.pk, 1)

    response = post(client, "cart-update", {"offer": offer.pk, "quantity": "3"}, **HTMX)

    content = assert_is_cart_fragment(response, 3)
    assert f'<li class="message success">Updated the quantity of {offer.product.title} to 3.</li>' in content
    assert "$74.97" in content
    # The message was shown in the fragment, so the next page does not repeat it.
    assert "Updated the quantity" not in client.get(reverse("orders:cart-detail")).content.decode()


def test_htmx_remove_save_and_move_back(client, offer):
    other = offer_in_stock(price="1.00")
    add(client, offer.pk, 2)
    add(client, other.pk, 1)

    content = assert_is_cart_fragment(post(client, "cart-save-for-later", {"offer": offer.pk}, **HTMX), 1)
    assert "Saved for later (1)" in content
    content = assert_is_cart_fragment(post(client, "cart-move-to-cart", {"offer": offer.pk}, **HTMX), 3)
    assert "Saved for later" not in content.replace(f"Moved to your cart: {offer.product.title}.", "")
    content = assert_is_cart_fragment(post(client, "cart-remove", {"offer": other.pk}, **HTMX), 2)
    assert other.product.title not in content.replace(f"Removed from your cart: {other.product.title}.", "")


def test_htmx_refusal_returns_the_fragment_with_the_reason(client, offer):
    add(client, offer.pk, 1)

    response = post(client, "cart-update", {"offer": offer.pk, "quantity": "abc"}, **HTMX)

    content = assert_is_cart_fragment(response, 1)
    assert '<li class="message error">Enter a whole number of items.</li>' in content
    assert cart_lines(guest_cart(client)) == [(offer.pk, 1, False)]


def test_htmx_add_from_a_product_page_answers_with_a_status_line_and_the_header_count(client, offer):
    response = client.post(
        reverse("orders:cart-add"), {"offer": offer.pk, "product": offer.product_id, "quantity": 2}, **HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert (
        f'<p class="message success">Added to your cart: {offer.product.title}. '
        f'<a href="{reverse("orders:cart-detail")}">Go to your cart</a></p>'
    ) in content
    assert '<span id="cart-count" class="cart-link__count" hx-swap-oob="true">' in content
    assert '<span class="visually-hidden">, items: </span>2</span>' in content

    response = client.post(reverse("orders:cart-add"), {"offer": offer.pk, "quantity": 5}, **HTMX)
    assert (
        '<p class="message error">Only 3 left from this seller, and you already have 2 in your cart.</p>'
        in response.content.decode()
    )


def test_htmx_add_targeting_the_cart_returns_the_cart_fragment(client, offer):
    response = add(client, offer.pk, 1, follow=False, HTTP_HX_TARGET="cart", **HTMX)

    assert_is_cart_fragment(response, 1)


def test_htmx_get_of_the_cart_returns_the_fragment(client, offer):
    add(client, offer.pk, 1)

    assert_is_cart_fragment(client.get(reverse("orders:cart-detail"), **HTMX), 1)


def test_the_pages_load_htmx_from_our_static_files_and_forms_work_without_it(client, offer):
    add(client, offer.pk, 1)

    content = client.get(reverse("orders:cart-detail")).content.decode()

    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in content
    assert (
        f'<form class="cart-line__quantity" method="post" action="{reverse("orders:cart-update")}"' in content
    )
    assert f'hx-post="{reverse("orders:cart-update")}"' in content
    assert '<div id="cart" class="cart stack" hx-target="this" hx-swap="outerHTML">' in content


def test_the_product_page_form_posts_the_product_for_the_tamper_check(client, offer):
    from catalog.services import product_refresh_buy_box

    product_refresh_buy_box(product_ids=[offer.product_id])

    content = client.get(offer.product.get_absolute_url()).content.decode()

    assert f'<input type="hidden" name="product" value="{offer.product_id}">' in content
    assert 'hx-target="find .add-to-cart__status"' in content


# What changed since the shopper last looked ------------------------------------


def test_a_new_price_is_said_once_and_remembered(client, offer):
    add(client, offer.pk, 1)
    offer.price_amount = Decimal("22.50")
    offer.save()

    content = client.get(reverse("orders:cart-detail")).content.decode()

    assert (
        f'<li class="message info">The price of {offer.product.title} went from $24.99 to $22.50.</li>'
        in content
    )
    assert CartLine.objects.get().price_seen_amount == Decimal("22.50")
    assert "went from" not in client.get(reverse("orders:cart-detail")).content.decode()


def test_less_stock_lowers_the_quantity_and_says_so(client):
    offer = offer_in_stock(on_hand=10)
    add(client, offer.pk, 5)
    Stock.objects.filter(offer=offer).update(on_hand=2)

    response = client.get(reverse("orders:cart-detail"))

    assert f"Only 2 left of {offer.product.title}: we changed your quantity from 5 to 2." in (
        response.content.decode()
    )
    assert cart_lines(guest_cart(client)) == [(offer.pk, 2, False)]
    assert response.context["cart_count"] == 2


def test_reserved_stock_counts_as_gone(client):
    offer = offer_in_stock(on_hand=10)
    add(client, offer.pk, 5)
    Stock.objects.filter(offer=offer).update(reserved=7)

    content = client.get(reverse("orders:cart-detail")).content.decode()

    assert f"Only 3 left of {offer.product.title}: we changed your quantity from 5 to 3." in content


@pytest.mark.parametrize(
    "make_unavailable",
    [
        lambda offer: type(offer).objects.filter(pk=offer.pk).update(is_active=False),
        lambda offer: type(offer.product).objects.filter(pk=offer.product_id).update(is_active=False),
        lambda offer: Seller.objects.filter(pk=offer.seller_id).update(status=Seller.Status.SUSPENDED),
        lambda offer: Stock.objects.filter(offer=offer).update(on_hand=0),
    ],
    ids=["offer-inactive", "product-withdrawn", "seller-suspended", "out-of-stock"],
)
def test_a_line_that_cannot_be_bought_moves_to_saved_for_later_and_says_so(client, offer, make_unavailable):
    other = offer_in_stock()
    add(client, offer.pk, 2)
    add(client, other.pk, 1)
    make_unavailable(offer)

    response = client.get(reverse("orders:cart-detail"))

    assert response.context["cart"].changes == [
        f"{offer.product.title} is no longer available: we moved it to Saved for later."
    ]
    assert cart_lines(guest_cart(client)) == [(offer.pk, 2, True), (other.pk, 1, False)]
    assert response.context["cart_count"] == 1
    assert "Currently unavailable" in response.content.decode()
    assert client.get(reverse("orders:cart-detail")).context["cart"].changes == []


def test_changes_are_also_said_after_an_htmx_action(client, offer):
    other = offer_in_stock(price="5.00")
    add(client, offer.pk, 1)
    add(client, other.pk, 1)
    type(offer).objects.filter(pk=offer.pk).update(price_amount=Decimal("30.00"))

    response = post(client, "cart-update", {"offer": other.pk, "quantity": 2}, **HTMX)

    assert f"The price of {offer.product.title} went from $24.99 to $30.00." in response.content.decode()


def test_cart_review_returns_the_changes_and_stores_the_prices_seen(client, offer):
    cart = Cart.objects.create(user=UserFactory())
    cart_add_offer(cart=cart, offer_id=offer.pk, quantity=3)
    type(offer).objects.filter(pk=offer.pk).update(price_amount=Decimal("20.00"))
    Stock.objects.filter(offer=offer).update(on_hand=1)

    assert cart_review(cart=cart) == [
        f"Only 1 left of {offer.product.title}: we changed your quantity from 3 to 1.",
        f"The price of {offer.product.title} went from $24.99 to $20.00.",
    ]
    assert cart_review(cart=cart) == []


# The header count and query counts --------------------------------------------


def test_the_header_count_is_units_not_saved_for_later(client, offer):
    other = offer_in_stock()
    add(client, offer.pk, 2)
    add(client, other.pk, 3)
    post(client, "cart-save-for-later", {"offer": other.pk})

    content = client.get(reverse("catalog:home")).content.decode()

    count = '<span class="visually-hidden">, items: </span>2</span>'
    assert f'<span id="cart-count" class="cart-link__count">{count}' in content


def test_the_count_costs_no_query_for_a_guest_without_a_cart(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()

    with django_assert_num_queries(0):
        assert cart_count_for_request(request) == 0


def test_the_count_costs_one_query_then_is_cached_until_the_cart_changes(django_assert_num_queries, offer):
    user = UserFactory()
    cart = Cart.objects.create(user=user)
    cart_add_offer(cart=cart, offer_id=offer.pk, quantity=2)

    def count():
        request = RequestFactory().get("/")
        request.user = user
        request.session = SessionStore()
        return cart_count_for_request(request)

    with django_assert_num_queries(1):
        assert count() == 2
    with django_assert_num_queries(0):
        assert count() == 2
    cart_add_offer(cart=cart, offer_id=offer.pk, quantity=1)
    with django_assert_num_queries(1):
        assert count() == 3
    cart_remove_lines(cart=cart, offer_ids=[offer.pk])
    assert count() == 0


def test_other_pages_cost_no_cart_query_once_the_count_is_cached(client, offer):
    user = UserFactory()
    client.force_login(user)
    add(client, offer.pk, 2)
    client.get(reverse("catalog:home"))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("catalog:home"))

    assert response.context["cart_count"] == 2
    assert not [q for q in captured.captured_queries if "orders_cart" in q["sql"]]


@pytest.mark.parametrize("lines", [3, 10])
def test_cart_page_query_count_does_not_grow_with_lines(client, django_assert_num_queries, lines):
    user = UserFactory()
    cart = Cart.objects.create(user=user)
    for _ in range(lines):
        cart_add_offer(cart=cart, offer_id=offer_in_stock().pk, quantity=1)
    client.force_login(user)
    client.get(reverse("orders:cart-detail"))  # warm the navigation cache

    # session, user, cart, lines (with offers, products, sellers and stock), cart count
    with django_assert_num_queries(4):
        response = client.get(reverse("orders:cart-detail"))

    assert len(response.context["cart"].lines) == lines


# The interface for checkout -----------------------------------------------------


def test_checkout_lines_are_the_active_lines_with_availability(offer):
    cart = Cart.objects.create(user=UserFactory())
    other = offer_in_stock(on_hand=7)
    cart_add_offer(cart=cart, offer_id=offer.pk, quantity=2)
    cart_add_offer(cart=cart, offer_id=other.pk, quantity=1)
    cart_save_for_later(cart=cart, offer_id=offer.pk)

    lines = cart_checkout_lines(cart=cart)

    assert [(line.offer_id, line.quantity, line.offer.available) for line in lines] == [(other.pk, 1, 7)]
    assert lines[0].offer.product.title == other.product.title
    assert lines[0].offer.seller.name == other.seller.name


def test_remove_lines_after_an_order_keeps_saved_for_later_and_other_lines(offer):
    cart = Cart.objects.create(user=UserFactory())
    bought, kept, saved = offer, offer_in_stock(), offer_in_stock()
    for item in (bought, kept, saved):
        cart_add_offer(cart=cart, offer_id=item.pk, quantity=1)
    cart_save_for_later(cart=cart, offer_id=saved.pk)

    assert cart_remove_lines(cart=cart, offer_ids=[bought.pk, saved.pk]) == 1

    assert cart_lines(cart) == [(kept.pk, 1, False), (saved.pk, 1, True)]


@pytest.mark.parametrize("next_url", ["1", "cart-detail", "home"])
def test_a_next_that_is_a_bare_word_is_a_relative_redirect_not_a_500(client, offer, next_url):
    # a refused add goes back to ``next``
    response = post(client, "cart-add", {"offer": offer.pk, "quantity": "0", "next": next_url})

    assert (response.status_code, response["Location"]) == (302, next_url)
