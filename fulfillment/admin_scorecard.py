"""Seller scorecards in the staff admin: read-only figures, the suspension queue, defects.

Imported at the end of ``fulfillment/admin.py``. Staff see each seller's 30-
and 90-day figures, filter the sellers proposed for suspension and suspend
them with a reason (``sellers.services.seller_suspend``, which refreshes their
buy boxes), or reinstate them. Nothing here edits a figure: the scorecard is
recomputed from the orders (``manage.py scorecards_recompute``).

The Seller changelist shows "sellers by health" through the hook
``sellers.admin.seller_admin_extend`` (a health column and filter, the 90-day
defect rate), and the admin index counts the sellers past a threshold and
proposed for suspension (``sellers.admin.admin_attention_register``):
``sellers`` never imports this app.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from fulfillment.models import OrderDefect, SellerScorecard, SellerScorecardWindow
from fulfillment.scorecard import METRICS
from marketplace.core.admin_actions import action_confirmation
from marketplace.core.errors import ApplicationError
from sellers.admin import (
    AdminAttention,
    SellerAdminExtension,
    SuspendForm,
    admin_attention_register,
    seller_admin_extend,
)
from sellers.models import Seller
from sellers.services import seller_reinstate, seller_suspend


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
    actions = ["suspend", "reinstate"]

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

    @admin.action(description="Reinstate the selected suspended sellers", permissions=["view"])
    def reinstate(self, request, queryset):
        if not request.user.has_perm("sellers.change_seller"):
            self.message_user(request, "You may not change sellers.", messages.ERROR)
            return
        done = []
        for card in queryset.select_related("seller").order_by("seller__pk"):
            try:
                seller_reinstate(seller=card.seller, actor=request.user)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                continue
            self.log_change(request, card.seller, "Reinstated from its scorecard.")
            done.append(card.seller.name)
        if done:
            self.message_user(request, f"Reinstated {len(done)}: {', '.join(done)}.", messages.SUCCESS)


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


# Sellers by health, on the Seller changelist (sellers.admin.seller_admin_extend).
class Health:
    NONE, OK, PAST, PROPOSED = 0, 1, 2, 3
    LABELS = {
        NONE: "No scorecard yet",
        OK: "Within every threshold",
        PAST: "Past a threshold",
        PROPOSED: "Proposed for suspension",
    }
    PARAMETERS = {"none": NONE, "ok": OK, "past": PAST, "proposed": PROPOSED}


def _health_rank():
    return Case(
        When(scorecard__isnull=True, then=Value(Health.NONE)),
        # Proposed for suspension while still approved (a suspended seller is only past a threshold).
        When(
            scorecard__suspension_proposed_at__isnull=False,
            status=Seller.Status.APPROVED,
            then=Value(Health.PROPOSED),
        ),
        When(scorecard__breaches=[], then=Value(Health.OK)),
        default=Value(Health.PAST),
        output_field=IntegerField(),
    )


def seller_health_queryset(queryset):
    """Each seller's health rank, scorecard and 90-day defect rate, in the changelist's one query."""
    defect_rate = SellerScorecardWindow.objects.filter(scorecard__seller=OuterRef("pk"), days=90).values(
        "order_defect_rate"
    )[:1]
    return queryset.select_related("scorecard").annotate(
        health_rank=_health_rank(), defect_rate_90=Subquery(defect_rate)
    )


class SellerHealthFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [
            ("proposed", Health.LABELS[Health.PROPOSED]),
            ("past", "Past a threshold (proposed or not)"),
            ("ok", Health.LABELS[Health.OK]),
            ("none", Health.LABELS[Health.NONE]),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "past":
            return queryset.filter(health_rank__gte=Health.PAST)
        if value in Health.PARAMETERS:
            return queryset.filter(health_rank=Health.PARAMETERS[value])
        return queryset


@admin.display(description="health", ordering="-health_rank")
def seller_health(obj):
    label = Health.LABELS[obj.health_rank]
    if obj.health_rank < Health.PAST:
        return label
    names = ", ".join(METRICS.get(name, (name,))[0] for name in obj.scorecard.breaches)
    url = reverse("admin:fulfillment_sellerscorecard_change", args=[obj.scorecard.pk])
    return format_html('<a href="{}">{}</a>: {}', url, label, names or "-")


@admin.display(description="defect rate (90 days)", ordering="defect_rate_90")
def seller_defect_rate(obj):
    return "-" if obj.defect_rate_90 is None else f"{obj.defect_rate_90 * 100:.2f} %"


seller_admin_extend(
    SellerAdminExtension(
        key="scorecard",
        columns=(seller_health, seller_defect_rate),
        filters=(SellerHealthFilter,),
        queryset=seller_health_queryset,
    )
)


def _seller_changelist(health: str) -> str:
    return reverse("admin:sellers_seller_changelist") + "?" + urlencode({"health": health})


admin_attention_register(
    AdminAttention(
        key="past-threshold",
        label="Sellers past a scorecard threshold",
        url=lambda: _seller_changelist("past"),
        count=lambda: SellerScorecard.objects.exclude(breaches=[]).count(),
        permission="sellers.view_seller",
        order=20,
    )
)
admin_attention_register(
    AdminAttention(
        key="proposed-suspension",
        label="Sellers proposed for suspension",
        url=lambda: _seller_changelist("proposed"),
        count=lambda: SellerScorecard.objects.filter(
            Q(suspension_proposed_at__isnull=False), seller__status=Seller.Status.APPROVED
        ).count(),
        permission="sellers.view_seller",
        order=30,
    )
)
