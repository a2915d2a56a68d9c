from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import FormView, TemplateView

from marketplace.accounts import selectors, services
from marketplace.accounts.forms import AddressForm


class AccountOverviewView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["addresses"] = selectors.address_list(user=self.request.user)
        # A reverse relation, not an import: accounts sits below sellers.
        context["works_for_a_seller"] = self.request.user.seller_memberships.exists()
        return context


class AddressCreateView(LoginRequiredMixin, FormView):
    template_name = "accounts/address_form.html"
    form_class = AddressForm
    success_url = reverse_lazy("accounts:overview")
    extra_context = {"heading": "Add an address", "submit_label": "Save address"}

    def form_valid(self, form):
        services.address_create(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, "Address added.")
        return super().form_valid(form)


class AddressUpdateView(LoginRequiredMixin, FormView):
    template_name = "accounts/address_form.html"
    form_class = AddressForm
    success_url = reverse_lazy("accounts:overview")
    extra_context = {"heading": "Edit address", "submit_label": "Save changes"}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.address = selectors.address_get_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        # A copy: a form that fails validation must not touch the stored row.
        kwargs = super().get_form_kwargs()
        kwargs["initial"] = {name: getattr(self.address, name) for name in AddressForm._meta.fields}
        return kwargs

    def form_valid(self, form):
        services.address_update(address=self.address, **form.cleaned_data)
        messages.success(self.request, "Address updated.")
        return super().form_valid(form)


class AddressDeleteView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/address_confirm_delete.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.address = selectors.address_get_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["address"] = self.address
        return context

    def post(self, request, *args, **kwargs):
        services.address_delete(address=self.address)
        messages.success(request, "Address deleted.")
        return redirect("accounts:overview")
