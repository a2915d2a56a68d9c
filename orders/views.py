"""Cart pages. Every action is a POST that works without JavaScript (redirect to
the cart with a message) and with htmx (the updated cart fragment plus the
header count swapped out of band)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View

from marketplace.core.errors import ApplicationError
from marketplace.core.redirects import safe_next_url
from orders.cart import (
    cart_add_offer,
    cart_for_request,
    cart_move_to_cart,
    cart_remove_offer,
    cart_save_for_later,
    cart_set_quantity,
    cart_summary,
    parse_quantity,
)

CART_FRAGMENT_ID = "cart"


def render_cart(request, *, fragment: bool):
    """Review the cart and render the page, or only its fragment (with the header count)."""
    summary = cart_summary(cart=cart_for_request(request))
    request._cart_count = summary.count
    template = "orders/partials/cart_fragment.html" if fragment else "orders/cart_detail.html"
    return TemplateResponse(request, template, {"cart": summary, "cart_count": summary.count})


class CartDetailView(View):
    def get(self, request):
        return render_cart(request, fragment=bool(request.htmx))


class CartActionView(View):
    """A POST that changes the cart: subclasses say what to call and what to tell the shopper."""

    create_cart = False

    def validate(self, data) -> None:
        """Refuse bad input before a cart is made for it (raise ApplicationError)."""

    def act(self, cart, data):
        raise NotImplementedError

    def success_message(self, line) -> str:
        raise NotImplementedError

    def post(self, request):
        try:
            self.validate(request.POST)
            cart = cart_for_request(request, create=self.create_cart)
            if cart is None:
                raise ApplicationError("That item is not in your cart.")
            line = self.act(cart, request.POST)
        except ApplicationError as error:
            messages.error(request, error.message)
            return self.respond(request, ok=False)
        message = self.success_message(line)
        if message:
            messages.success(request, message)
        return self.respond(request, ok=True)

    def respond(self, request, *, ok: bool):
        if request.htmx:
            return render_cart(request, fragment=True)
        return redirect("orders:cart-detail")


class CartAddView(CartActionView):
    """Add an offer. From a product page with htmx the answer is a short confirmation
    for the form's status area; without JavaScript, the cart (or back, on an error)."""

    create_cart = True

    def validate(self, data):
        parse_quantity(data.get("quantity", "1"))

    def act(self, cart, data):
        return cart_add_offer(
            cart=cart,
            offer_id=data.get("offer"),
            quantity=data.get("quantity", "1"),
            product_id=data.get("product") if "product" in data else None,
        )

    def success_message(self, line):
        return f"Added to your cart: {line.offer.product.title}."

    def respond(self, request, *, ok):
        if request.htmx and request.htmx.target == CART_FRAGMENT_ID:
            return render_cart(request, fragment=True)
        if request.htmx:
            return TemplateResponse(request, "orders/partials/cart_added.html", {"ok": ok})
        if ok:
            return redirect("orders:cart-detail")
        return _back(request)


class CartUpdateView(CartActionView):
    def act(self, cart, data):
        return cart_set_quantity(cart=cart, offer_id=data.get("offer"), quantity=data.get("quantity"))

    def success_message(self, line):
        return f"Updated the quantity of {line.offer.product.title} to {line.quantity}."


class CartRemoveView(CartActionView):
    def act(self, cart, data):
        return cart_remove_offer(cart=cart, offer_id=data.get("offer"))

    def success_message(self, line):
        return f"Removed from your cart: {line.offer.product.title}." if line else "Removed from your cart."


class CartSaveForLaterView(CartActionView):
    def act(self, cart, data):
        return cart_save_for_later(cart=cart, offer_id=data.get("offer"))

    def success_message(self, line):
        return f"Saved for later: {line.offer.product.title}."


class CartMoveToCartView(CartActionView):
    def act(self, cart, data):
        return cart_move_to_cart(cart=cart, offer_id=data.get("offer"))

    def success_message(self, line):
        return f"Moved to your cart: {line.offer.product.title}."


def _back(request, fallback="orders:cart-detail"):
    target = request.POST.get("next") or request.headers.get("referer")
    if safe_next_url(request, target):
        # Never ``redirect(target)``: a bare word ("1") would be reversed as a URL name (a 500).
        return HttpResponseRedirect(target)
    return redirect(fallback)
