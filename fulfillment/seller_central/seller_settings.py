"""The seller's shipping settings and return policy (Seller Central, settings section: owners only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from fulfillment.inventory.selectors import warehouse_list
from fulfillment.inventory.services import return_policy_set, shipping_settings_set
from fulfillment.models import ReturnPolicy, SellerShippingSettings
from fulfillment.return_policy import return_terms
from fulfillment.seller_central.forms import ReturnPolicyForm, ShippingSettingsForm
from marketplace.core.errors import ApplicationError
from sellers.access import Section
from sellers.central import SellerCentralMixin


class SettingsFormView(SellerCentralMixin, TemplateView):
    """GET shows the form with what is saved; a refused POST re-renders it with status 400."""

    section = Section.SETTINGS
    form_class = None

    def initial(self) -> dict:
        raise NotImplementedError

    def save(self, form) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form_class(initial=self.initial())))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                said = self.save(form)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, said)
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ShippingSettingsView(SettingsFormView):
    template_name = "fulfillment/seller/shipping_settings.html"
    form_class = ShippingSettingsForm

    def initial(self):
        saved = SellerShippingSettings.objects.filter(seller=self.seller).first()
        return {"handling_days": saved.handling_days if saved else 2}

    def save(self, form):
        saved = shipping_settings_set(seller=self.seller, handling_days=form.cleaned_data["handling_days"])
        days = saved.handling_days
        return f"Saved: new listings are handled in {days} business day{'s' if days != 1 else ''}."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["warehouses"] = list(warehouse_list(seller=self.seller))
        context["saved"] = SellerShippingSettings.objects.filter(seller=self.seller).exists()
        return context


class ReturnPolicyView(SettingsFormView):
    template_name = "fulfillment/seller/return_policy.html"
    form_class = ReturnPolicyForm

    def initial(self):
        terms = return_terms(seller=self.seller)
        return {
            "window_days": terms.window_days,
            "shipping_refund": terms.shipping_refund,
            "review_every_return": terms.review_every_return,
        }

    def save(self, form):
        policy = return_policy_set(seller=self.seller, **form.cleaned_data)
        if policy.window_days == 0:
            return "Saved: you take no returns."
        return f"Saved: returns are accepted within {policy.window_days} days of delivery."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["saved"] = ReturnPolicy.objects.filter(seller=self.seller).exists()
        context["default_window_days"] = settings.RETURN_WINDOW_DAYS
        return context
