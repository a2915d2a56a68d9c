"""The shopper's order pages: the list, one order with its timeline, cancelling."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from fulfillment.promises import late_shipment_ids
from fulfillment.return_policy import part_returnable_until
from marketplace.core.errors import ApplicationError
from marketplace.core.page_sections import page_sections
from orders.lifecycle import order_cancel, order_cancellable
from orders.models import Order
from orders.selectors_orders import order_get, order_list, seller_order_timeline


def _order_or_404(request, number: str) -> Order:
    try:
        return order_get(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order.") from None


class OrderListView(LoginRequiredMixin, ListView):
    template_name = "orders/order_list.html"
    context_object_name = "orders"
    paginate_by = 20

    def get_queryset(self):
        return order_list(user=self.request.user)


class OrderDetailView(LoginRequiredMixin, TemplateView):
    template_name = "orders/order_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = _order_or_404(self.request, kwargs["number"])
        seller_orders = list(order.seller_orders.all())
        context["order"] = order
        now = timezone.now()
        context["parts"] = [
            (
                seller_order,
                seller_order_timeline(order=order, seller_order=seller_order),
                part_returnable_until(seller_order=seller_order, now=now),
            )
            for seller_order in seller_orders
        ]
        context["cancellable"] = order_cancellable(order, seller_orders)
        # The same rule as the seller scorecard's, from the prefetched parcels (no query).
        context["late_shipment_ids"] = late_shipment_ids(seller_orders=seller_orders)
        context["awaiting_payment"] = order.status == Order.Status.PENDING_PAYMENT
        # Feedback and review links, and whatever else higher apps add (marketplace/core/page_sections.py).
        context["sections"] = page_sections("order", request=self.request, order=order)
        return context


class OrderCancelView(LoginRequiredMixin, View):
    def post(self, request, number):
        order = _order_or_404(request, number)
        reason = request.POST.get("reason", "").strip()[:300] or "Cancelled by the shopper."
        try:
            order_cancel(order=order, actor=request.user, reason=reason)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Order {order.number} is cancelled.")
        return redirect(order.get_absolute_url())


# Buyer-seller messages: the conversation with the seller of one part of the order.
from django.shortcuts import render  # noqa: E402
from django.urls import reverse  # noqa: E402

from orders.messages.selectors import (  # noqa: E402
    conversation_of,
    message_list,
    seller_order_get_for_buyer,
    thread_rows,
)
from orders.messages.services import (  # noqa: E402
    BODY_LIMIT,
    conversation_mark_read,
    message_post_by_buyer,
)
from orders.models import SellerOrder  # noqa: E402


class OrderMessagesView(LoginRequiredMixin, TemplateView):
    """GET: the conversation with the seller of one part; POST: write to the seller.

    Only the order's buyer gets in (anybody else: 404). htmx gets the thread
    and the form back; a plain form a redirect, or the page with the error (400).
    """

    template_name = "orders/messages/order_messages.html"
    panel_template = "orders/messages/_buyer_panel.html"

    def seller_order(self):
        try:
            return seller_order_get_for_buyer(
                user=self.request.user, order_number=self.kwargs["number"], number=self.kwargs["part"]
            )
        except SellerOrder.DoesNotExist:
            raise Http404("No such order.") from None

    def panel_context(self, seller_order, *, body: str = "", error: str = "", note: str = "") -> dict:
        order = seller_order.order
        return {
            "order": order,
            "seller_order": seller_order,
            "thread": thread_rows(
                messages=message_list(seller_order=seller_order),
                viewer="buyer",
                seller_name=seller_order.seller.name,
                buyer_name="You",
            ),
            "can_write": order.paid_at is not None,
            "body": body,
            "error": error,
            "note": note,
            "body_limit": BODY_LIMIT,
            "post_url": reverse(
                "orders:order-messages", kwargs={"number": order.number, "part": seller_order.number}
            ),
        }

    def get(self, request, *args, **kwargs):
        seller_order = self.seller_order()
        conversation = conversation_of(seller_order)
        if conversation is not None and conversation.buyer_unread:
            conversation_mark_read(conversation=conversation, reader="buyer")
        return self.render_to_response(self.panel_context(seller_order))

    def post(self, request, *args, **kwargs):
        seller_order = self.seller_order()
        body = request.POST.get("body", "")
        try:
            message = message_post_by_buyer(seller_order=seller_order, user=request.user, body=body)
        except ApplicationError as error:
            context = self.panel_context(seller_order, body=body[: BODY_LIMIT + 100], error=error.message)
            template = self.panel_template if request.htmx else self.template_name
            return render(request, template, context, status=400)
        note = f"Sent to {seller_order.seller.name}. You will get an e-mail when they answer."
        if request.htmx:
            return render(request, self.panel_template, self.panel_context(seller_order, note=note))
        messages.success(request, note)
        url = reverse("orders:order-messages", kwargs={"number": kwargs["number"], "part": kwargs["part"]})
        return redirect(f"{url}#message-{message.pk}")
