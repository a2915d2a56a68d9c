"""Seller Central's shell pages: the dashboard and the seller picker.

The other Seller Central pages live in the apps that own their data
(sellers/central.py explains why); the public seller page lists offers, so it
is ``catalog.views.SellerDetailView`` under ``/sellers/``.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_id
from marketplace.core.redirects import safe_next_url
from sellers.access import Section, membership_choose, membership_list
from sellers.central import SellerCentralMixin, dashboard_cards, onboarding_checklist, view_as_guard


class DashboardView(SellerCentralMixin, TemplateView):
    section = Section.DASHBOARD
    template_name = "sellers/central/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        checklist = onboarding_checklist(seller=self.seller) if self.member.role == "owner" else []
        done = sum(1 for step in checklist if step["done"])
        context.update(
            checklist=checklist,
            checklist_done=done,
            checklist_complete=bool(checklist) and done == len(checklist),
            checklist_percent=round(100 * done / len(checklist)) if checklist else 100,
            cards=dashboard_cards(seller=self.seller, role=self.member.role),
        )
        return context


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return safe_next_url(request, target, prefix="/seller/") or reverse("seller:dashboard")


class ChooseSellerView(LoginRequiredMixin, TemplateView):
    """A member of several sellers picks the one to work for in this session."""

    template_name = "sellers/central/choose.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if (refusal := view_as_guard(request)) is not None:
            return refusal
        self.memberships = membership_list(user=request.user)
        if not self.memberships:
            raise Http404("You do not work for a seller.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = self.memberships
        context["next"] = _safe_next(self.request)
        return context

    def post(self, request, *args, **kwargs):
        try:
            seller_id = parse_id(request.POST.get("seller"), message="Choose a seller.")
        except ApplicationError:
            seller_id = None
        if seller_id is None or membership_choose(request, seller_id=seller_id) is None:
            context = self.get_context_data()
            context["error"] = "Choose one of the sellers you work for."
            return self.render_to_response(context, status=400)
        return redirect(_safe_next(request))
