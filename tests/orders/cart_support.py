"""Helpers shared by the cart tests (test_cart.py, test_cart_merge.py)."""

from decimal import Decimal

from django.urls import reverse

from orders.models import CartLine
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def offer_in_stock(*, price="24.99", on_hand=10, **kwargs):
    offer = OfferFactory(price_amount=Decimal(price), **kwargs)
    StockFactory(offer=offer, on_hand=on_hand)
    return offer


def add(client, offer_id, quantity, *, follow=True, **extra):
    return client.post(
        reverse("orders:cart-add"), {"offer": offer_id, "quantity": quantity}, follow=follow, **extra
    )


def cart_lines(cart):
    """The cart's lines as (offer id, quantity, saved for later), in the order added."""
    return list(
        CartLine.objects.filter(cart=cart)
        .order_by("id")
        .values_list("offer_id", "quantity", "saved_for_later")
    )
