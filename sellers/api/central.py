"""Seller Central's integrator keys page (``/seller/api-keys/``): owners only, with their second
factor (a key can read money). A new key is shown once, on the page that answers its creation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from marketplace.core.errors import ApplicationError
from sellers.access import Section
from sellers.api.forms import ApiKeyCreateForm
from sellers.api_keys import (
    SellerApiKey,
    seller_api_key_create,
    seller_api_key_get_for_seller,
    seller_api_key_list,
    seller_api_key_revoke,
)
from sellers.central import SellerCentralMixin


class ApiKeysMixin(SellerCentralMixin):
    section = Section.SETTINGS


class ApiKeyListView(ApiKeysMixin, TemplateView):
    """The seller's keys, and the form that makes one (POST answers the new key, once)."""

    template_name = "sellers/central/api_keys.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApiKeyCreateForm(role=self.member.role))
        context["api_keys"] = seller_api_key_list(seller=self.seller)
        return context

    def post(self, request, *args, **kwargs):
        form = ApiKeyCreateForm(request.POST, role=self.member.role)
        if form.is_valid():
            try:
                api_key, key = seller_api_key_create(
                    seller=self.seller,
                    member=self.member,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                response = self.render_to_response(self.get_context_data(created=api_key, created_key=key))
                # The plain key is in this page only: no cache may keep it.
                response["Cache-Control"] = "no-store"
                return response
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiKeyRevokeView(ApiKeysMixin, TemplateView):
    """GET asks to confirm; POST revokes the key for good."""

    template_name = "sellers/central/api_key_revoke.html"

    def get_api_key(self) -> SellerApiKey:
        api_key = seller_api_key_get_for_seller(seller=self.seller, prefix=self.kwargs["prefix"])
        if api_key is None:
            raise Http404("No such key.")
        return api_key

    def get_context_data(self, **kwargs):
        return super().get_context_data(api_key=self.get_api_key(), **kwargs)

    def post(self, request, *args, **kwargs):
        api_key = seller_api_key_revoke(api_key=self.get_api_key(), actor=request.user)
        messages.success(request, f"The key “{api_key.name}” ({api_key.prefix}…) is revoked.")
        return redirect(reverse("seller:api-key-list"))
