from itertools import groupby

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from marketplace.core.errors import ApplicationError
from orders.cart import cart_add_offer, cart_lines, cart_remove_offer


class CartDetailView(TemplateView):
    template_name = "orders/cart_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = cart_lines(self.request.session)
        context["groups"] = [
            (seller, list(seller_lines))
            for seller, seller_lines in groupby(lines, key=lambda line: line.offer.seller)
        ]
        context["subtotal_amount"] = sum((line.subtotal_amount for line in lines), start=0)
        context["lines"] = lines
        return context


def _back(request, fallback="orders:cart-detail"):
    target = request.POST.get("next") or request.headers.get("referer")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


class CartAddView(View):
    def post(self, request):
        try:
            line = cart_add_offer(
                session=request.session,
                offer_id=request.POST.get("offer"),
                quantity=request.POST.get("quantity", "1"),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return _back(request)
        messages.success(request, f"Added to your cart: {line.offer.product.title}.")
        return redirect("orders:cart-detail")


class CartRemoveView(View):
    def post(self, request):
        cart_remove_offer(session=request.session, offer_id=request.POST.get("offer"))
        messages.info(request, "Removed from your cart.")
        return redirect("orders:cart-detail")
