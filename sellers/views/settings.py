"""Seller Central settings (owners): the business profile, and links to the other settings pages."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.generic import TemplateView

from marketplace.core.errors import ApplicationError
from sellers.access import Section
from sellers.central import SellerCentralMixin
from sellers.forms import AddressForm, ProfileFormSet, SellerProfileForm
from sellers.models import SellerAddress
from sellers.selectors import seller_address_map
from sellers.services import seller_profile_update

# Settings pages other apps own; each is linked once its URL exists.
OTHER_SETTINGS = (
    ("Shipping settings and handling time", "seller:shipping-settings"),
    ("Return policy", "seller:return-policy"),
    ("Payout account", "seller:payout-account"),
)


def other_settings_links() -> list[dict]:
    links = []
    for label, url_name in OTHER_SETTINGS:
        try:
            links.append({"label": label, "url": reverse(url_name)})
        except NoReverseMatch:
            continue
    return links


class SellerSettingsView(SellerCentralMixin, TemplateView):
    section = Section.SETTINGS
    template_name = "sellers/central/settings.html"

    def _forms(self, data=None) -> ProfileFormSet:
        seller = self.seller
        addresses = seller_address_map(seller=seller)
        return ProfileFormSet(
            SellerProfileForm,
            data,
            initial={
                "description": seller.description,
                "contact_name": seller.contact_name,
                "contact_phone": seller.contact_phone,
                "support_email": seller.support_email,
                "return_same": SellerAddress.Kind.RETURN not in addresses,
            },
            business=AddressForm.initial_from(addresses.get(SellerAddress.Kind.BUSINESS))
            or {"country": seller.country},
            returns=AddressForm.initial_from(addresses.get(SellerAddress.Kind.RETURN)),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("forms", self._forms())
        context["other_settings"] = other_settings_links()
        return context

    def post(self, request, *args, **kwargs):
        forms = self._forms(request.POST)
        if forms.is_valid():
            try:
                seller_profile_update(
                    seller=self.seller,
                    actor=request.user,
                    profile=forms.main.profile_input(),
                    business_address=forms.business.to_input(),
                    return_address=forms.return_input(),
                )
            except ApplicationError as error:
                forms.add_error(error.message)
            else:
                messages.success(request, "Your business profile is saved.")
                return redirect(reverse("seller:settings"))
        return self.render_to_response(self.get_context_data(forms=forms), status=400)
