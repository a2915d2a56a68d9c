"""The shopper's order pages: list, detail, cancel."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views import View
from django.views.generic import TemplateView


class OrderListView(LoginRequiredMixin, TemplateView):
    template_name = "orders/order_list.html"


class OrderDetailView(LoginRequiredMixin, View):
    def get(self, request, number):
        raise Http404


class OrderCancelView(LoginRequiredMixin, View):
    def post(self, request, number):
        raise Http404
