"""Staff view Seller Central as a seller: start (with a reason) and stop. ADR 0079.

Open only to active staff holding ``sellers.view_seller`` (anyone else gets a
404, anonymous visitors go to sign-in). Starting records a
``SellerCentralAccess`` and keeps its id in the session; from then every
Seller Central page shows that seller, read-only (``sellers.central``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from marketplace.core.errors import ApplicationError
from sellers.access import VIEW_AS_SESSION_KEY, staff_may_view_as
from sellers.models import Seller, SellerCentralAccess
from sellers.services import seller_central_access_start, seller_central_access_stop
from sellers.services.view_as import REASON_MAX, REASON_MIN


class StaffViewAsMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not staff_may_view_as(request.user):
            raise Http404("No such page.")
        return super().dispatch(request, *args, **kwargs)


class SellerViewAsView(StaffViewAsMixin, TemplateView):
    """GET: the form asking why; POST: open the audited, read-only view and go to the dashboard."""

    template_name = "sellers/central/view_as.html"

    def target(self) -> Seller:
        seller = Seller.objects.filter(pk=self.kwargs["pk"]).first()
        if seller is None:
            raise Http404("No such seller.")
        return seller

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("target", self.target())
        context.update(
            reason_min=REASON_MIN,
            reason_max=REASON_MAX,
            admin_url=reverse("admin:sellers_seller_change", args=[self.kwargs["pk"]]),
        )
        return context

    def post(self, request, *args, **kwargs):
        seller = self.target()
        reason = request.POST.get("reason", "")
        try:
            access = seller_central_access_start(
                staff=request.user, seller=seller, reason=reason, remote_ip=request.META.get("REMOTE_ADDR")
            )
        except ApplicationError as error:
            context = self.get_context_data(target=seller, error=error.message, reason=reason)
            return self.render_to_response(context, status=400)
        request.session[VIEW_AS_SESSION_KEY] = access.pk
        messages.info(request, f"You are viewing Seller Central as {seller.name}, read-only.")
        return redirect("seller:dashboard")


class SellerViewAsStopView(StaffViewAsMixin, View):
    """End the staff member's view-as (its audit row gets ``ended_at``) and go back to the admin."""

    def post(self, request, *args, **kwargs):
        access_id = request.session.pop(VIEW_AS_SESSION_KEY, None)
        if not isinstance(access_id, int):
            messages.info(request, "You were not viewing Seller Central as a seller.")
            return redirect("admin:sellers_seller_changelist")
        seller_central_access_stop(access_id=access_id, staff=request.user)
        access = SellerCentralAccess.objects.filter(pk=access_id, staff=request.user).select_related("seller")
        access = access.first()
        if access is None:
            return redirect("admin:sellers_seller_changelist")
        messages.success(request, f"You stopped viewing Seller Central as {access.seller.name}.")
        return redirect("admin:sellers_seller_change", access.seller_id)
