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
