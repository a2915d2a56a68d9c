from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from orders.cart import SESSION_CART_ID, cart_add_offer, cart_merge, cart_save_for_later
from orders.models import Cart, CartLine
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.orders.cart_support import add, cart_lines, offer_in_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    user = UserFactory(email="shopper@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(client):
    response = client.post(
        reverse("account_login"), {"login": "shopper@example.com", "password": DEFAULT_PASSWORD}, follow=True
    )
    assert response.context["user"].email == "shopper@example.com"
    return response


def user_cart(user):
    return Cart.objects.get(user=user)


def test_signing_in_moves_the_guest_cart_to_a_shopper_without_a_cart(client, shopper):
    offer = offer_in_stock()
    add(client, offer.pk, 2)
    guest_cart_id = client.session[SESSION_CART_ID]
    guest_session_key = client.session.session_key

    response = sign_in(client)

    assert client.session.session_key != guest_session_key  # Django rotated the key
    assert cart_lines(user_cart(shopper)) == [(offer.pk, 2, False)]
    assert not Cart.objects.filter(pk=guest_cart_id).exists()
    assert SESSION_CART_ID not in client.session
    assert response.context["cart_count"] == 2
    assert "The items you added before signing in are in your cart." in response.content.decode()


def test_signing_in_adds_the_guest_cart_to_the_shopper_cart(client, shopper):
    both, guest_only, shopper_only = offer_in_stock(on_hand=50), offer_in_stock(), offer_in_stock()
    cart = Cart.objects.create(user=shopper)
    cart_add_offer(cart=cart, offer_id=both.pk, quantity=3)
    cart_add_offer(cart=cart, offer_id=shopper_only.pk, quantity=1)
    add(client, both.pk, 4)
    add(client, guest_only.pk, 1)

    sign_in(client)

    assert cart_lines(cart) == [(both.pk, 7, False), (shopper_only.pk, 1, False), (guest_only.pk, 1, False)]
    assert Cart.objects.count() == 1
    assert client.get(reverse("orders:cart-detail")).context["cart_count"] == 9


def test_merged_quantities_are_capped_by_the_line_limit_and_the_stock(client, shopper):
    plenty, scarce = offer_in_stock(on_hand=100), offer_in_stock(on_hand=3)
    cart = Cart.objects.create(user=shopper)
    cart_add_offer(cart=cart, offer_id=plenty.pk, quantity=20)
    cart_add_offer(cart=cart, offer_id=scarce.pk, quantity=2)
    add(client, plenty.pk, 15)
    add(client, scarce.pk, 2)

    sign_in(client)

    assert cart_lines(cart) == [(plenty.pk, 30, False), (scarce.pk, 3, False)]


def test_saved_for_later_lines_stay_saved(client, shopper):
    saved_by_guest, saved_by_both = offer_in_stock(), offer_in_stock()
    cart = Cart.objects.create(user=shopper)
    cart_add_offer(cart=cart, offer_id=saved_by_both.pk, quantity=1)
    cart_save_for_later(cart=cart, offer_id=saved_by_both.pk)
    for offer in (saved_by_guest, saved_by_both):
        add(client, offer.pk, 2)
        client.post(reverse("orders:cart-save-for-later"), {"offer": offer.pk})

    sign_in(client)

    assert cart_lines(cart) == [(saved_by_both.pk, 3, True), (saved_by_guest.pk, 2, True)]


def test_a_line_in_either_cart_stays_in_the_cart(client, shopper):
    in_guest_cart, in_shopper_cart = offer_in_stock(), offer_in_stock()
    cart = Cart.objects.create(user=shopper)
    for offer in (in_guest_cart, in_shopper_cart):
        cart_add_offer(cart=cart, offer_id=offer.pk, quantity=1)
    cart_save_for_later(cart=cart, offer_id=in_guest_cart.pk)
    add(client, in_guest_cart.pk, 2)
    add(client, in_shopper_cart.pk, 4)
    client.post(reverse("orders:cart-save-for-later"), {"offer": in_shopper_cart.pk})

    sign_in(client)

    # The cart quantity wins; the saved one is not added on top of it.
    assert cart_lines(cart) == [(in_guest_cart.pk, 2, False), (in_shopper_cart.pk, 1, False)]


def test_signing_in_without_a_guest_cart_changes_nothing(client, shopper):
    offer = offer_in_stock()
    cart = Cart.objects.create(user=shopper)
    cart_add_offer(cart=cart, offer_id=offer.pk, quantity=2)

    response = sign_in(client)

    assert cart_lines(cart) == [(offer.pk, 2, False)]
    assert response.context["cart_count"] == 2
    assert "before signing in" not in response.content.decode()


def test_an_emptied_guest_cart_is_deleted_and_not_announced(client, shopper):
    offer = offer_in_stock()
    add(client, offer.pk, 1)
    client.post(reverse("orders:cart-remove"), {"offer": offer.pk})

    response = sign_in(client)

    assert Cart.objects.count() == 0
    assert "before signing in" not in response.content.decode()


def test_signing_out_leaves_the_cart_with_the_shopper(client, shopper):
    offer = offer_in_stock()
    add(client, offer.pk, 1)
    sign_in(client)

    client.post(reverse("account_logout"))

    assert client.get(reverse("orders:cart-detail")).context["cart_count"] == 0
    assert cart_lines(user_cart(shopper)) == [(offer.pk, 1, False)]


def test_merge_keeps_the_cart_limits(settings):
    settings.CART_MAX_LINES = 3
    settings.CART_MAX_UNITS = 10
    shopper_offers = [offer_in_stock() for _ in range(2)]
    guest_offers = [offer_in_stock() for _ in range(2)]
    target = Cart.objects.create(user=UserFactory())
    source = Cart.objects.create(session_key="guest-session")
    cart_add_offer(cart=target, offer_id=shopper_offers[0].pk, quantity=4)
    cart_add_offer(cart=target, offer_id=shopper_offers[1].pk, quantity=4)
    cart_add_offer(cart=source, offer_id=guest_offers[0].pk, quantity=3)
    cart_add_offer(cart=source, offer_id=guest_offers[1].pk, quantity=1)

    assert cart_merge(source=source, target=target) == target

    # Past 10 units the guest's line is saved for later; past 3 lines the rest is dropped.
    assert cart_lines(target) == [
        (shopper_offers[0].pk, 4, False),
        (shopper_offers[1].pk, 4, False),
        (guest_offers[0].pk, 3, True),
    ]
    assert not Cart.objects.filter(pk=source.pk).exists()


def test_merge_keeps_the_price_the_guest_saw_so_changes_are_still_said(client, shopper):
    offer = offer_in_stock(price="24.99")
    add(client, offer.pk, 1)
    type(offer).objects.filter(pk=offer.pk).update(price_amount=Decimal("22.50"))

    sign_in(client)
    response = client.get(reverse("orders:cart-detail"))

    assert response.context["cart"].changes == [
        f"The price of {offer.product.title} went from $24.99 to $22.50."
    ]
    assert CartLine.objects.get().price_seen_amount == Decimal("22.50")
