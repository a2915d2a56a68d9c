from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from marketplace.accounts import mfa, selectors, services
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


class MFARequiredView(LoginRequiredMixin, TemplateView):
    """Why this account needs a second factor, and the ways to add one; keeps ``next`` for "Continue"."""

    template_name = "account/mfa_required.html"

    def get(self, request, *args, **kwargs):
        next_url = mfa.safe_next(request, request.GET.get("next"))
        if mfa.user_has_second_factor(request.user):
            return HttpResponseRedirect(next_url or reverse("mfa_index"))
        if next_url:
            request.session[mfa.NEXT_SESSION_KEY] = next_url
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next_url"] = self.request.session.get(mfa.NEXT_SESSION_KEY)
        return context


class MFAContinueView(LoginRequiredMixin, View):
    """Back to the page that asked for a second factor, once there is one (else to the set-up page)."""

    def post(self, request, *args, **kwargs):
        if not mfa.user_has_second_factor(request.user):
            return redirect("accounts:mfa-required")
        next_url = mfa.safe_next(request, request.session.pop(mfa.NEXT_SESSION_KEY, None))
        return HttpResponseRedirect(next_url or reverse("accounts:overview"))


def too_many_requests(request, exception=None):
    """The 429 page of allauth's rate limits (``handler429``): what to wait for, and the e-mail ways in."""
    return render(request, "account/too_many_requests.html", status=HTTPStatus.TOO_MANY_REQUESTS)
