"""Applying to sell: any signed-in user, outside Seller Central (docs/decisions/0071-seller-applications.md).

The page shows the form, or the application waiting for review, or the
reason of a rejection above the form filled with what was sent (to correct
and send again).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import TemplateView

from marketplace.core.errors import ApplicationError
from sellers.central import view_as_guard
from sellers.forms import AddressForm, ProfileFormSet, SellerApplicationForm
from sellers.models import Seller, SellerAddress, SellerApplication
from sellers.selectors import seller_address_map, seller_application_latest_for_user
from sellers.services import seller_application_submit


def _initial_from(application: SellerApplication | None) -> dict:
    """What a rejected application said, to correct and send again."""
    if application is None or application.seller.status != Seller.Status.REJECTED:
        return {}
    seller = application.seller
    addresses = seller_address_map(seller=seller)
    return {
        "initial": {
            "name": seller.name,
            "legal_name": seller.legal_name,
            "contact_name": seller.contact_name,
            "contact_phone": seller.contact_phone,
            "support_email": seller.support_email,
            "what_they_sell": application.what_they_sell,
            "categories": application.categories,
            "return_same": SellerAddress.Kind.RETURN not in addresses,
        },
        "business": AddressForm.initial_from(addresses.get(SellerAddress.Kind.BUSINESS)),
        "returns": AddressForm.initial_from(addresses.get(SellerAddress.Kind.RETURN)),
    }


class SellerApplyView(LoginRequiredMixin, TemplateView):
    """Apply to sell. Open to every signed-in user, so it names no Seller Central section."""

    section = None
    template_name = "sellers/apply.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if (refusal := view_as_guard(request)) is not None:
                return refusal
            self.application = seller_application_latest_for_user(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    @property
    def waiting(self) -> bool:
        return self.application is not None and self.application.seller.status == Seller.Status.APPLIED

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "forms" not in context and not self.waiting:
            context["forms"] = ProfileFormSet(SellerApplicationForm, **_initial_from(self.application))
        context["application"] = self.application
        context["waiting"] = self.waiting
        return context

    def post(self, request, *args, **kwargs):
        if self.waiting:
            messages.info(request, "Your application is waiting for review: we e-mail you the decision.")
            return redirect("seller:apply")
        forms = ProfileFormSet(SellerApplicationForm, request.POST)
        if forms.is_valid():
            data = forms.main.cleaned_data
            try:
                seller = seller_application_submit(
                    applicant=request.user,
                    name=data["name"],
                    legal_name=data["legal_name"],
                    profile=forms.main.profile_input(),
                    business_address=forms.business.to_input(),
                    return_address=forms.return_input(),
                    what_they_sell=data["what_they_sell"],
                    categories=data["categories"],
                )
            except ApplicationError as error:
                forms.add_error(error.message)
            else:
                messages.success(request, f"Thank you: your application for {seller.name} is with our team.")
                return redirect("seller:apply")
        return self.render_to_response(self.get_context_data(forms=forms), status=400)
