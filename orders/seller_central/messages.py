"""The seller's buyer messages in Seller Central: /seller/messages/ (list) and one conversation.

Every read goes through ``orders.messages.selectors`` with the member's
seller; another seller's order number is a 404. Opening a conversation marks
it read for the seller; posting answers what waits (the response time).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from marketplace.core.errors import ApplicationError
from orders.messages.selectors import (
    DEFAULT_SHOW,
    RESPONSE_TARGET,
    SHOW_CHOICES,
    conversation_list,
    conversation_of,
    duration_label,
    message_list,
    seller_order_get_for_seller,
    thread_rows,
)
from orders.messages.services import BODY_LIMIT, conversation_mark_read, message_post_by_seller
from orders.models import SellerOrder
from orders.seller_central.selectors import buyer_short_name
from sellers.access import Section
from sellers.central import SellerCentralMixin


class SellerMessageListView(SellerCentralMixin, ListView):
    section = Section.ORDERS
    template_name = "orders/seller/message_list.html"
    context_object_name = "conversations"
    paginate_by = 25

    def show(self) -> str:
        show = self.request.GET.get("show", DEFAULT_SHOW)
        return show if show in SHOW_CHOICES else DEFAULT_SHOW

    def get_queryset(self):
        return conversation_list(seller=self.seller, show=self.show())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for conversation in context["conversations"]:
            conversation.buyer_short = buyer_short_name(conversation.seller_order.order.ship_full_name)
            if conversation.waiting_since:
                conversation.waiting_label = duration_label(now - conversation.waiting_since)
                conversation.late = now - conversation.waiting_since > RESPONSE_TARGET
        context.update(show=self.show(), show_choices=list(SHOW_CHOICES.items()))
        return context


class SellerMessageDetailView(SellerCentralMixin, TemplateView):
    """GET: the conversation of one order; POST: answer the buyer (htmx gets the panel back)."""

    section = Section.ORDERS
    template_name = "orders/seller/message_detail.html"
    panel_template = "orders/seller/_message_panel.html"

    def seller_order(self) -> SellerOrder:
        try:
            return seller_order_get_for_seller(seller=self.seller, number=self.kwargs["number"])
        except SellerOrder.DoesNotExist:
            raise Http404("No such order.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        seller_order = kwargs["seller_order"]
        buyer = buyer_short_name(seller_order.order.ship_full_name)
        context.update(
            seller_order=seller_order,
            order=seller_order.order,
            buyer_short=buyer,
            thread=thread_rows(
                messages=message_list(seller_order=seller_order),
                viewer="seller",
                seller_name=self.seller.name,
                buyer_name=buyer,
            ),
            body=kwargs.get("body", ""),
            error=kwargs.get("error", ""),
            note=kwargs.get("note", ""),
            body_limit=BODY_LIMIT,
            post_url=reverse("seller:message-detail", kwargs={"number": seller_order.number}),
        )
        return context

    def get(self, request, *args, **kwargs):
        seller_order = self.seller_order()
        conversation = conversation_of(seller_order)
        if conversation is not None and conversation.seller_unread:
            conversation_mark_read(conversation=conversation, reader="seller")
        return self.render_to_response(self.get_context_data(seller_order=seller_order))

    def post(self, request, *args, **kwargs):
        seller_order = self.seller_order()
        body = request.POST.get("body", "")
        try:
            message = message_post_by_seller(seller_order=seller_order, member=self.member, body=body)
        except ApplicationError as error:
            context = self.get_context_data(
                seller_order=seller_order, body=body[: BODY_LIMIT + 100], error=error.message
            )
            template = self.panel_template if request.htmx else self.template_name
            return render(request, template, context, status=400)
        note = "Sent. The buyer gets an e-mail with a link to this conversation."
        if request.htmx:
            return render(
                request, self.panel_template, self.get_context_data(seller_order=seller_order, note=note)
            )
        messages.success(request, note)
        return redirect(
            f"{reverse('seller:message-detail', kwargs={'number': seller_order.number})}#message-{message.pk}"
        )
