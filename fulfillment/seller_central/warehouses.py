"""The seller's warehouses: list, add and edit (Seller Central, inventory section)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from fulfillment.inventory.selectors import warehouse_get_for_seller, warehouse_list
from fulfillment.inventory.services import warehouse_create, warehouse_update
from fulfillment.models import Warehouse
from fulfillment.seller_central.forms import WarehouseForm
from marketplace.core.errors import ApplicationError
from sellers.access import Section
from sellers.central import SellerCentralMixin


class WarehouseListView(SellerCentralMixin, TemplateView):
    section = Section.INVENTORY
    template_name = "fulfillment/seller/warehouse_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["warehouses"] = list(warehouse_list(seller=self.seller))
        return context


class WarehouseFormView(SellerCentralMixin, TemplateView):
    """Add (no ``pk``) or edit a warehouse; a refusal re-renders the form with status 400."""

    section = Section.INVENTORY
    template_name = "fulfillment/seller/warehouse_form.html"
    warehouse: Warehouse | None = None

    def load(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        try:
            return warehouse_get_for_seller(seller=self.seller, pk=pk)
        except Warehouse.DoesNotExist:
            raise Http404("No such warehouse.") from None

    def get(self, request, *args, **kwargs):
        self.warehouse = self.load()
        initial = WarehouseForm.initial_for(self.warehouse) if self.warehouse else None
        return self.render_to_response(self.get_context_data(form=WarehouseForm(initial=initial)))

    def post(self, request, *args, **kwargs):
        self.warehouse = self.load()
        form = WarehouseForm(request.POST)
        if form.is_valid():
            try:
                if self.warehouse is None:
                    saved = warehouse_create(seller=self.seller, data=form.data_object())
                    messages.success(request, f"Added {saved.name}.")
                else:
                    saved = warehouse_update(
                        seller=self.seller, warehouse=self.warehouse, data=form.data_object()
                    )
                    messages.success(request, f"Saved {saved.name}.")
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return redirect("seller:warehouse-list")
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["warehouse"] = self.warehouse
        return context
