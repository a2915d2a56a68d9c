"""The checkout page: address, a shipping method per seller, amounts, place order.

GET shows the page for the chosen (or default) address and methods, with an
idempotency key issued for it. POST re-reads the cart and re-computes every
amount; posted prices or totals are ignored. Changing the address or a method
without JavaScript is a POST with ``action=update`` that redirects back to
the page showing the new amounts; a place-order POST whose picks differ from
the ones the page showed does the same instead of placing, so the shopper
always sees what will be charged.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View

from marketplace.accounts.selectors import address_list
from marketplace.accounts.services import address_create
from marketplace.core.errors import ApplicationError
from orders.cart import cart_checkout_lines, cart_for_request, cart_remove_lines
from orders.checkout import (
    checkout_build,
    checkout_signature,
    checkout_signature_picks,
    order_get_by_idempotency_key,
)
from orders.forms import CheckoutForm, new_address_form, shipping_choices_from
from orders.placement import PlacementLine, order_place

EMPTY_CART = "Your cart is empty: add something before checking out."
PICKS_CHANGED = "Check the delivery options and amounts for your new choices, then place your order."
AMOUNTS_CHANGED = (
    "A price changed since this page was shown: your order has not been placed. "
    "Check the new amounts below, then place your order."
)
NOT_PLACED = "Your order has not been placed yet: see below."


def order_next_url(order) -> str:
    """Where a placed order goes next: its payment page, or the order page."""
    try:
        return reverse("payments:pay", args=[order.number])
    except NoReverseMatch:
        return order.get_absolute_url()


def _checkout_url(*, address_id, choices: dict[int, str]) -> str:
    query = {"address": address_id} if address_id else {}
    query |= {f"ship-{seller_id}": code for seller_id, code in sorted(choices.items())}
    url = reverse("orders:checkout")
    return f"{url}?{urlencode(query)}" if query else url


class CheckoutView(LoginRequiredMixin, View):
    template_name = "orders/checkout.html"

    def _lines(self):
        cart = cart_for_request(self.request)
        return cart, (cart_checkout_lines(cart=cart) if cart is not None else [])

    def _render(
        self, *, lines, addresses, address, choices, key, form=None, new_form=None, require_choice=False
    ):
        checkout = checkout_build(
            lines=lines, address=address, choices=choices, now=timezone.now(), require_choice=require_choice
        )
        context = {
            "checkout": checkout,
            "addresses": addresses,
            "form": form,
            "new_address_form": new_form or new_address_form(),
            "idempotency_key": key,
            "shown": checkout_signature(
                address_id=address.pk if address else None,
                choices=checkout.shipping_choices,
                checkout=checkout,
            ),
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        _cart, lines = self._lines()
        if not lines:
            messages.info(request, EMPTY_CART)
            return redirect("orders:cart-detail")
        addresses = list(address_list(user=request.user))
        wanted = request.GET.get("address", "")
        address = next((a for a in addresses if str(a.pk) == wanted), addresses[0] if addresses else None)
        return self._render(
            lines=lines,
            addresses=addresses,
            address=address,
            choices=shipping_choices_from(request.GET),
            key=uuid.uuid4(),
        )

    def post(self, request):
        addresses = list(address_list(user=request.user))
        form = CheckoutForm(request.POST, addresses=addresses)
        form.is_valid()
        key = form.cleaned_data.get("idempotency_key")
        if key is not None:
            # A repeated POST (double click, retry) of an order already placed.
            placed = order_get_by_idempotency_key(user=request.user, key=key)
            if placed is not None:
                return redirect(order_next_url(placed))
        cart, lines = self._lines()
        if not lines:
            messages.info(request, EMPTY_CART)
            return redirect("orders:cart-detail")

        action = request.POST.get("action", "place")
        choices = shipping_choices_from(request.POST)
        if action == "add-address":
            return self._add_address(lines=lines, addresses=addresses, choices=choices, key=key)
        if form.errors:
            return self._render(
                lines=lines, addresses=addresses, address=form.chosen_address, choices=choices,
                key=key or uuid.uuid4(), form=form,
            )  # fmt: skip
        address = form.chosen_address
        if action == "update":
            return redirect(_checkout_url(address_id=address.pk, choices=choices))
        return self._place(
            cart=cart, lines=lines, addresses=addresses, address=address, choices=choices, form=form, key=key
        )

    def _add_address(self, *, lines, addresses, choices, key):
        new_form = new_address_form(self.request.POST)
        if not new_form.is_valid():
            address = addresses[0] if addresses else None
            return self._render(
                lines=lines, addresses=addresses, address=address, choices=choices,
                key=key or uuid.uuid4(), new_form=new_form,
            )  # fmt: skip
        address = address_create(user=self.request.user, **new_form.cleaned_data)
        messages.success(self.request, "Address added: it is now your delivery address.")
        return redirect(_checkout_url(address_id=address.pk, choices=choices))

    def _place(self, *, cart, lines, addresses, address, choices, form, key):
        checkout = checkout_build(
            lines=lines, address=address, choices=choices, now=timezone.now(), require_choice=True
        )
        arguments = {
            "lines": lines,
            "addresses": addresses,
            "address": address,
            "choices": choices,
            "key": key,
        }
        if not checkout.can_place:
            messages.error(self.request, NOT_PLACED)
            return self._render(**arguments, form=form, require_choice=True)
        shown = checkout_signature(
            address_id=address.pk, choices=checkout.shipping_choices, checkout=checkout
        )
        posted = form.cleaned_data.get("shown") or ""
        if posted != shown:
            if checkout_signature_picks(posted) == checkout_signature_picks(shown):
                messages.warning(self.request, AMOUNTS_CHANGED)
                return self._render(**arguments, form=form, require_choice=True)
            messages.info(self.request, PICKS_CHANGED)
            return redirect(_checkout_url(address_id=address.pk, choices=checkout.shipping_choices))
        try:
            order = order_place(
                user=self.request.user,
                idempotency_key=key,
                address=address,
                lines=[PlacementLine(offer_id=line.offer_id, quantity=line.quantity) for line in lines],
                shipping_choices=checkout.shipping_choices,
            )
        except ApplicationError as error:
            messages.error(self.request, f"Your order has not been placed: {error.message}")
            return self._render(**arguments, form=form)
        cart_remove_lines(cart=cart, offer_ids=[line.offer_id for line in lines])
        return redirect(order_next_url(order))
