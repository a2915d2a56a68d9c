"""Seller scorecards in the staff admin: read-only figures, the suspension queue, defects.

Imported at the end of ``fulfillment/admin.py``. Staff see each seller's 30-
and 90-day figures, filter the sellers proposed for suspension and suspend
them with a reason (``sellers.services.seller_suspend``, which refreshes their
buy boxes). Nothing here edits a figure: the scorecard is recomputed from the
orders (``manage.py scorecards_recompute``).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html_join

from fulfillment.models import OrderDefect, SellerScorecard, SellerScorecardWindow
from fulfillment.scorecard import METRICS
from marketplace.core.admin_actions import action_confirmation
from marketplace.core.errors import ApplicationError
from sellers.admin import SuspendForm
from sellers.services import seller_suspend


class SuspensionProposedFilter(admin.SimpleListFilter):
    title = "proposed for suspension"
    parameter_name = "proposed"

    def lookups(self, request, model_admin):
        return [("yes", "Proposed"), ("no", "Not proposed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(suspension_proposed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(suspension_proposed_at__isnull=True)
        return queryset


class PastThresholdFilter(admin.SimpleListFilter):
    title = "past a threshold"
    parameter_name = "past"

    def lookups(self, request, model_admin):
        return [("yes", "Past a threshold"), ("no", "Within every threshold")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(breaches=[])
        if self.value() == "no":
            return queryset.filter(breaches=[])
        return queryset


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SellerScorecardWindowInline(ReadOnlyMixin, admin.TabularInline):
    model = SellerScorecardWindow
    verbose_name_plural = "figures (rates are shares: 0.0600 is 6 %)"
    fields = [
        "days",
        "orders",
        "order_defect_rate",
        "cancellation_rate",
        "late_shipment_rate",
        "valid_tracking_rate",
        "on_time_delivery_rate",
        "promise_accuracy",
        "mean_days_from_promise",
        "defective_orders",
        "cancelled_orders",
        "ship_due_orders",
        "late_shipments",
        "shipments",
        "tracked_shipments",
        "delivery_due_orders",
        "delivered_on_time",
        "delivered_orders",
        "delivered_in_window",
    ]
    readonly_fields = fields
    extra = 0


@admin.register(SellerScorecard)
class SellerScorecardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "seller",
        "seller_status",
        "buy_box_eligible",
        "past_thresholds",
        "breach_since",
        "warned_at",
        "suspension_proposed_at",
        "computed_at",
    ]
    list_filter = [
        SuspensionProposedFilter,
        PastThresholdFilter,
        "seller__buy_box_eligible",
        "seller__status",
    ]
    list_select_related = ["seller"]
    list_per_page = 100
    search_fields = ["seller__name", "seller__slug"]
    ordering = ["-suspension_proposed_at", "-breach_since", "seller__name"]
    fields = [
        "seller",
        "seller_status",
        "buy_box_eligible",
        "past_thresholds",
        "breach_since",
        "warned_at",
        "suspension_proposed_at",
        "computed_at",
    ]
    readonly_fields = fields
    inlines = [SellerScorecardWindowInline]
    actions = ["suspend"]

    @admin.display(description="seller status", ordering="seller__status")
    def seller_status(self, obj):
        return obj.seller.get_status_display()

    @admin.display(description="buy box", boolean=True, ordering="seller__buy_box_eligible")
    def buy_box_eligible(self, obj):
        return obj.seller.buy_box_eligible

    @admin.display(description="past thresholds")
    def past_thresholds(self, obj):
        if not obj.breaches:
            return "-"
        return format_html_join(", ", "{}", ((METRICS.get(name, (name,))[0],) for name in obj.breaches))

    @admin.action(description="Suspend the selected sellers…", permissions=["view"])
    def suspend(self, request, queryset):
        """Ask for a reason on an intermediate page, then suspend each scorecard's seller."""
        form = SuspendForm(request.POST if "apply" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return action_confirmation(
                self,
                request,
                template="admin/fulfillment/sellerscorecard/suspend_selected.html",
                title="Suspend sellers",
                action="suspend",
                objects=queryset.select_related("seller").order_by("seller__name"),
                form=form,
                submit_label="Suspend",
            )
        if not request.user.has_perm("sellers.change_seller"):
            self.message_user(request, "You may not change sellers.", messages.ERROR)
            return None
        done = []
        for card in queryset.select_related("seller").order_by("seller__pk"):
            try:
                seller_suspend(seller=card.seller, actor=request.user, reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                continue
            self.log_change(
                request, card.seller, f"Suspended from its scorecard: {form.cleaned_data['reason']}"
            )
            done.append(card.seller.name)
        if done:
            self.message_user(request, f"Suspended {len(done)}: {', '.join(done)}.", messages.SUCCESS)
        return None


@admin.register(OrderDefect)
class OrderDefectAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["seller_order", "seller", "kind", "source_id", "occurred_at", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["seller_order__seller"]
    list_per_page = 100
    search_fields = ["seller_order__number", "source_id", "seller_order__seller__name"]
    date_hierarchy = "occurred_at"

    @admin.display(description="seller", ordering="seller_order__seller__name")
    def seller(self, obj):
        return obj.seller_order.seller
