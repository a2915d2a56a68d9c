"""Finding the cart of an API request: a signed-in shopper's, or a guest's by its cart token.

A guest's cart is the storefront's ``Cart`` row without a user; for an app its
``session_key`` is a random token (``api_`` and 36 URL-safe characters, never a
Django session key, which has no underscore) that the app keeps and sends back in
``X-Cart-Token``. A signed-in request that also sends a guest's token has that cart
merged into the shopper's by the storefront's ``cart_merge_guest_cart``, as signing
in on the web does.
"""

from __future__ import annotations

import re
import secrets

from django.db import transaction
from rest_framework.exceptions import NotFound

from marketplace.core import inputs
from marketplace.core.errors import ApplicationError
from orders.cart import cart_merge_guest_cart
from orders.models import Cart, CartLine

CART_TOKEN_HEADER = "X-Cart-Token"  # noqa: S105 (a header name)
TOKEN_PREFIX = "api_"  # noqa: S105 (not a secret)
_TOKEN = re.compile(r"^api_[A-Za-z0-9_-]{36}$")
UNKNOWN_TOKEN = "This cart token is not known: the cart was merged at sign-in, or has expired."  # noqa: S105
NOT_IN_CART = "That item is not in your cart."


def cart_token_presented(request) -> str:
    return request.headers.get(CART_TOKEN_HEADER, "").strip()


def _guest_cart(token: str) -> Cart | None:
    if not _TOKEN.match(token):
        return None
    return Cart.objects.filter(session_key=token, user__isnull=True).first()


@transaction.atomic
def guest_cart_create() -> Cart:
    """Create an empty guest cart keyed by a new cart token (its ``session_key``)."""
    return Cart.objects.create(session_key=TOKEN_PREFIX + secrets.token_urlsafe(27))


def api_cart_get(request, *, create: bool = False) -> Cart | None:
    """Return the request's cart (None when it has none and ``create`` is False).

    Signed in, a guest cart named by ``X-Cart-Token`` is merged into the
    shopper's first (an unknown token is ignored: it was merged before). A guest
    presenting an unknown token gets a 404 rather than a new, empty cart.
    """
    token = cart_token_presented(request)
    user = request.user
    if user.is_authenticated:
        guest = _guest_cart(token) if token else None
        if guest is not None:
            cart_merge_guest_cart(user=user, guest_cart_id=guest.pk)
        if create:
            return Cart.objects.get_or_create(user=user)[0]
        return Cart.objects.filter(user=user).first()
    if token:
        cart = _guest_cart(token)
        if cart is None:
            raise NotFound(UNKNOWN_TOKEN)
        return cart
    return guest_cart_create() if create else None


def cart_line_offer_id(*, cart: Cart | None, raw) -> int:
    """The offer id of a line of ``cart`` named in a URL; 404 when the cart has no such line."""
    try:
        offer_id = inputs.parse_id(raw, message=NOT_IN_CART)
    except ApplicationError:
        raise NotFound(NOT_IN_CART) from None
    if cart is None or not CartLine.objects.filter(cart=cart, offer_id=offer_id).exists():
        raise NotFound(NOT_IN_CART)
    return offer_id
