"""Fraud review queue and reconciliation flags in the admin.

Held orders are reviewed from the fraud assessments list (filtered to "Held
for review" from the admin index link): each row shows the score and the
reasons; the actions approve (release to the sellers) or reject (cancel,
refund, release stock) through ``payments.fraud``. Assessments are never
edited by hand.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from marketplace.core.admin_actions import action_confirmation
from marketplace.core.errors import ApplicationError
from payments.fraud import fraud_approve, fraud_reject
from payments.models import FraudAssessment, ReconciliationFlag
from payments.reconciliation import reconciliation_flag_resolve


class RejectForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="Recorded on the order and shown in the cancellation e-mail.",
    )


class DecisionFilter(admin.SimpleListFilter):
    """Decision, with the review queue ("held") as the default view."""

    title = "decision"
    parameter_name = "decision"

    def lookups(self, request, model_admin):
        return [*FraudAssessment.Decision.choices, ("all", "All")]

    def choices(self, changelist):
        value = self.value() or FraudAssessment.Decision.HELD
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or FraudAssessment.Decision.HELD
        if value == "all":
            return queryset
        return queryset.filter(decision=value)


@admin.register(FraudAssessment)
class FraudAssessmentAdmin(admin.ModelAdmin):
    list_display = [
        "order_number",
        "shopper",
        "order_total",
        "score",
        "reason_list",
        "decision",
        "created_at",
    ]
    list_filter = [DecisionFilter, "created_at"]
    list_select_related = ["order", "order__user"]
    search_fields = ["order__number", "order__user__email", "card_fingerprint", "ip_address"]
    ordering = ["created_at", "pk"]
    actions = ["approve", "reject"]
    readonly_fields = [
        "order",
        "score",
        "reason_list",
        "decision",
        "ip_address",
        "card_fingerprint",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    fields = readonly_fields
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="order", ordering="order__number")
    def order_number(self, obj):
        return obj.order.number

    @admin.display(description="shopper", ordering="order__user__email")
    def shopper(self, obj):
        return obj.order.user.email

    @admin.display(description="total", ordering="order__total_amount")
    def order_total(self, obj):
        return f"{obj.order.total_amount} {obj.order.currency}"

    @admin.display(description="reasons")
    def reason_list(self, obj):
        if not obj.reasons:
            return "-"
        return format_html(
            "<ul class='fraud-reasons'>{}</ul>",
            format_html_join(
                "", "<li>+{} {}</li>", ((item.get("points"), item.get("reason")) for item in obj.reasons)
            ),
        )

    def _apply(self, request, queryset, decide, verb: str) -> None:
        done = []
        for assessment in queryset.select_related("order").order_by("pk"):
            try:
                decide(assessment.order)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                continue
            self.log_change(request, assessment, verb)
            done.append(assessment.order.number)
        if done:
            self.message_user(request, f"{verb} {len(done)}: {', '.join(done)}.", messages.SUCCESS)

    @admin.action(description="Approve: release selected orders to the sellers", permissions=["change"])
    def approve(self, request, queryset):
        self._apply(
            request, queryset, lambda order: fraud_approve(order=order, actor=request.user), "Approved"
        )

    @admin.action(description="Reject: cancel and refund selected orders…", permissions=["change"])
    def reject(self, request, queryset):
        """Ask for a reason on an intermediate page, then reject each held order."""
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda order: fraud_reject(order=order, actor=request.user, reason=reason),
                "Rejected",
            )
            return None
        return action_confirmation(
            self,
            request,
            template="admin/payments/fraud_reject.html",
            title="Reject held orders",
            action="reject",
            objects=queryset.select_related("order").order_by("pk"),
            form=form,
            submit_label="Reject and refund",
        )


@admin.register(ReconciliationFlag)
class ReconciliationFlagAdmin(admin.ModelAdmin):
    list_display = ["kind", "provider_payment_id", "order", "detail_summary", "created_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "kind", "created_at"]
    list_select_related = ["order"]
    search_fields = ["provider_payment_id", "order__number"]
    readonly_fields = ["kind", "provider_payment_id", "order", "details", "created_at", "resolved_at"]
    actions = ["resolve"]
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="details")
    def detail_summary(self, obj):
        return ", ".join(f"{key}: {value}" for key, value in sorted(obj.details.items())) or "-"

    @admin.action(description="Mark selected flags resolved", permissions=["change"])
    def resolve(self, request, queryset):
        count = reconciliation_flag_resolve(flags=list(queryset))
        self.message_user(request, f"Resolved {count} flag(s).", messages.SUCCESS)
