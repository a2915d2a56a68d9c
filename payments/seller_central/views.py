"""Seller Central's money pages: the overview, payouts, and the payout account.

Every read goes through a selector of ``payments.selectors`` that takes the
member's seller; another seller's payout is a 404.
"""

from __future__ import annotations

from decimal import Decimal

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import ListView, TemplateView

from marketplace.core.errors import ApplicationError
from payments.ledger import hold_days
from payments.models import Payout
from payments.payout_accounts import payout_account_can_connect_sandbox, payout_account_connect_sandbox
from payments.payouts import payout_minimum
from payments.selectors import (
    commission_rates_for_seller,
    ledger_availability_get,
    payout_account_get_for_seller,
    payout_entry_list,
    payout_get_for_seller,
    payout_list,
    payout_next_get,
)
from payments.seller_central.periods import period_presets
from payments.stripe_connect import (
    stripe_connect_available,
    stripe_connect_onboarding_start,
    stripe_connect_return,
)
from sellers.access import Section, role_allows
from sellers.central import SellerCentralMixin

RECENT_PAYOUTS = 5


def rate_percent(rate: Decimal) -> str:
    """0.1500 -> "15%", 0.0850 -> "8.5%"."""
    return f"{(rate * 100).normalize():f}%"


class MoneyMixin(SellerCentralMixin):
    section = Section.MONEY


class MoneyOverviewView(MoneyMixin, TemplateView):
    """Balance, what is payable now and when the rest becomes payable, payouts, rates, the account."""

    template_name = "payments/seller/money.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        account = payout_account_get_for_seller(seller=self.seller)
        rates = commission_rates_for_seller(seller=self.seller)
        context.update(
            availability=ledger_availability_get(seller=self.seller, now=now),
            account=account,
            next_payout=payout_next_get(seller=self.seller, account=account, now=now),
            recent_payouts=list(payout_list(seller=self.seller)[:RECENT_PAYOUTS]),
            seller_rate=rate_percent(rates.seller_rate) if rates.seller_rate is not None else "",
            default_rate=rate_percent(rates.default_rate),
            selling_in=[(category, rate_percent(rate)) for category, rate in rates.selling_in],
            category_rates=[(category, rate_percent(rate)) for category, rate in rates.category_rates],
            hold_days=hold_days(),
            payout_minimum=payout_minimum(),
            presets=period_presets(today=now.date()),
            can_manage_account=role_allows(self.member.role, Section.SETTINGS),
        )
        return context


class PayoutListView(MoneyMixin, ListView):
    template_name = "payments/seller/payout_list.html"
    context_object_name = "payouts"
    paginate_by = 25

    def get_queryset(self):
        return payout_list(seller=self.seller)


class PayoutDetailView(MoneyMixin, TemplateView):
    template_name = "payments/seller/payout_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            payout = payout_get_for_seller(seller=self.seller, pk=self.kwargs["pk"])
        except Payout.DoesNotExist:
            raise Http404("No such payout.") from None
        context.update(payout=payout, entries=list(payout_entry_list(payout=payout)))
        return context


class PayoutAccountView(SellerCentralMixin, TemplateView):
    """The payout account; the owner connects a sandbox one, or its Stripe account, here.

    Section SETTINGS: only the owner decides where the money goes (finance
    sees the account's status on the money page).
    """

    section = Section.SETTINGS
    template_name = "payments/seller/payout_account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            account=payout_account_get_for_seller(seller=self.seller),
            sandbox=payout_account_can_connect_sandbox(),
            stripe_connect=stripe_connect_available(),
            marketplace_name=settings.MARKETPLACE_NAME,
        )
        return context

    @method_decorator(reauthentication_required)  # where the money goes: the password again (ADR 0088)
    def post(self, request, *args, **kwargs):
        try:
            if stripe_connect_available():
                return HttpResponseRedirect(self.onboarding_url())
            account = payout_account_connect_sandbox(seller=self.seller, actor=request.user)
        except ApplicationError as error:
            context = self.get_context_data()
            context["error"] = error.message
            return self.render_to_response(context, status=400)
        messages.success(request, f"Sandbox payout account {account.account_id} connected.")
        return redirect("seller:payout-account")

    def onboarding_url(self) -> str:
        """Stripe's onboarding for this seller's account (created the first time)."""
        return stripe_connect_onboarding_start(
            seller=self.seller,
            actor=self.request.user,
            refresh_url=self.request.build_absolute_uri(reverse("seller:payout-account-stripe-refresh")),
            return_url=self.request.build_absolute_uri(reverse("seller:payout-account-stripe-return")),
        )


class StripeConnectRefreshView(PayoutAccountView):
    """Stripe sends the owner here when an onboarding link has expired: make a new one and go back."""

    def get(self, request, *args, **kwargs):
        try:
            return HttpResponseRedirect(self.onboarding_url())
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("seller:payout-account")

    def post(self, request, *args, **kwargs):
        raise Http404("Nothing to post here.")


class StripeConnectReturnView(PayoutAccountView):
    """The owner is back from Stripe's onboarding: say what Stripe says about payouts."""

    def get(self, request, *args, **kwargs):
        try:
            account, remote = stripe_connect_return(seller=self.seller, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("seller:payout-account")
        if account.payouts_enabled:
            messages.success(request, "Your Stripe account is connected: payouts are on.")
        elif remote.details_submitted:
            messages.info(request, "Stripe is checking the details you gave; payouts start once it has.")
        else:
            messages.warning(
                request,
                "Stripe still needs some details before payouts can start: "
                "press “Continue at Stripe” to finish.",
            )
        return redirect("seller:payout-account")

    def post(self, request, *args, **kwargs):
        raise Http404("Nothing to post here.")
