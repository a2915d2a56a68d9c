"""The seller's Orders pages: /seller/orders/ (list), one order, acknowledge, cancel.

Every read goes through ``orders.seller_central.selectors`` with the member's
seller; another seller's order number is a 404. Refusals of the services come
back as a message (the cancel form re-renders with HTTP 400), never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import ListView, TemplateView

from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_text
from marketplace.core.redirects import safe_next_url
from orders.lifecycle import SellerCancelReason, seller_order_cancel
from orders.models import SellerOrder
from orders.seller_central.selectors import (
    DEFAULT_SORT,
    DEFAULT_STATUS,
    DUE_CHOICES,
    SORTS,
    STATUS_GROUPS,
    buyer_short_name,
    seller_order_audit,
    seller_order_get_for_seller,
    seller_order_list,
)
from orders.seller_central.services import seller_order_acknowledge
from sellers.access import Section
from sellers.central import SellerCentralMixin

SS = SellerOrder.Status
# Until the parcel is delivered the seller sees the whole address (labels need it), then only the town.
FULL_ADDRESS_STATUSES = (SS.READY_TO_SHIP, SS.PARTIALLY_SHIPPED, SS.SHIPPED)
SEARCH_LIMIT = 64


class SellerOrdersMixin(SellerCentralMixin):
    section = Section.ORDERS

    def seller_order(self, number: str) -> SellerOrder:
        try:
            return seller_order_get_for_seller(seller=self.seller, number=number)
        except SellerOrder.DoesNotExist:
            raise Http404("No such order.") from None


class SellerOrderListView(SellerOrdersMixin, ListView):
    template_name = "orders/seller/order_list.html"
    context_object_name = "seller_orders"
    paginate_by = 25

    def filters(self) -> dict:
        if not hasattr(self, "_filters"):
            get = self.request.GET
            status = get.get("status", DEFAULT_STATUS)
            due = get.get("due", "")
            sort = get.get("sort", DEFAULT_SORT)
            try:
                query = parse_text(get.get("q", ""), name="search", limit=SEARCH_LIMIT)
                search_error = ""
            except ApplicationError as error:
                query, search_error = "", error.message
            self._filters = {
                "status": status if status in STATUS_GROUPS else DEFAULT_STATUS,
                "due": due if due in DUE_CHOICES else "",
                "sort": sort if sort in SORTS else DEFAULT_SORT,
                "query": query,
                "search_error": search_error,
            }
        return self._filters

    def get_queryset(self):
        chosen = self.filters()
        return seller_order_list(
            seller=self.seller,
            status=chosen["status"],
            due=chosen["due"],
            query=chosen["query"],
            sort=chosen["sort"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for seller_order in context["seller_orders"]:
            seller_order.buyer_short = buyer_short_name(seller_order.order.ship_full_name)
        context.update(
            filters=self.filters(),
            status_groups=[(key, label) for key, (label, _) in STATUS_GROUPS.items()],
            due_choices=list(DUE_CHOICES.items()),
            sorts=[(key, label) for key, (label, _) in SORTS.items()],
            next_url=self.request.get_full_path(),
        )
        return context


class SellerOrderDetailView(SellerOrdersMixin, TemplateView):
    template_name = "orders/seller/order_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        seller_order = kwargs.get("seller_order") or self.seller_order(self.kwargs["number"])
        context.update(
            seller_order=seller_order,
            order=seller_order.order,
            lines=list(seller_order.lines.all()),
            audit=seller_order_audit(seller_order=seller_order),
            full_address=seller_order.status in FULL_ADDRESS_STATUSES,
            can_cancel=seller_order.status == SS.READY_TO_SHIP,
            can_ship=seller_order.status in (SS.READY_TO_SHIP, SS.PARTIALLY_SHIPPED),
            reasons=SellerCancelReason.choices,
            posted=kwargs.get("posted", {}),
            cancel_error=kwargs.get("cancel_error", ""),
            next_url=self.request.path,
        )
        return context


def _next_url(request, default: str) -> str:
    return safe_next_url(request, request.POST.get("next"), prefix="/seller/") or default


class SellerOrderAcknowledgeView(SellerOrdersMixin, View):
    """POST: acknowledge; htmx gets the acknowledgement cell back, a plain form a redirect."""

    def post(self, request, number):
        seller_order = self.seller_order(number)
        status = 200
        try:
            changed = seller_order_acknowledge(seller_order=seller_order, actor=request.user)
        except ApplicationError as error:
            note, level, status = error.message, messages.ERROR, 400
        else:
            note = (
                f"Order {seller_order.number} acknowledged."
                if changed
                else f"Order {seller_order.number} was already acknowledged; nothing changed."
            )
            level = messages.SUCCESS if changed else messages.INFO
        if request.htmx:
            return render(
                request,
                "orders/seller/_acknowledge.html",
                {"seller_order": seller_order, "ack_note": note, "next_url": ""},
                status=status,
            )
        messages.add_message(request, level, note)
        return redirect(_next_url(request, reverse("seller:order-detail", kwargs={"number": number})))


class SellerOrderCancelView(SellerOrderDetailView):
    """POST: cancel the seller's part with a reason; a refusal re-renders the order page (400)."""

    http_method_names = ["post"]

    def post(self, request, number):
        seller_order = self.seller_order(number)
        posted = {"reason": request.POST.get("reason", "")[:40], "note": request.POST.get("note", "")[:300]}
        try:
            reason = parse_text(request.POST.get("reason", ""), name="reason", limit=40)
            note = parse_text(request.POST.get("note", ""), name="note", limit=300)
            seller_order_cancel(seller_order=seller_order, actor=request.user, reason=reason, note=note)
        except ApplicationError as error:
            context = self.get_context_data(
                seller_order=self.seller_order(number), posted=posted, cancel_error=error.message
            )
            return self.render_to_response(context, status=400)
        messages.success(
            request, f"Order {seller_order.number} cancelled; the buyer is refunded and told by e-mail."
        )
        return redirect(reverse("seller:order-detail", kwargs={"number": number}))
