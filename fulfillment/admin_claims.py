"""Claims in the admin: staff read the order's story and grant (the marketplace refunds) or deny."""

from django import forms
from django.contrib import admin, messages

from fulfillment.claims import claim_deny, claim_grant
from fulfillment.models import Claim
from marketplace.core.admin_actions import action_confirmation
from marketplace.core.errors import ApplicationError


class DecisionForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=500,
        required=False,
        help_text="Sent to the shopper. Required to deny.",
    )


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    """Claims, decided by staff with the actions; the rest is read-only."""

    list_display = [
        "number",
        "seller_order",
        "reason",
        "status",
        "refund_amount",
        "refund_error",
        "opened_at",
    ]
    list_filter = ["status", "reason"]
    list_select_related = ["seller_order"]
    list_per_page = 100
    search_fields = ["=number", "=seller_order__number", "=seller_order__order__number", "user__email"]
    show_facets = admin.ShowFacets.NEVER
    actions = ["grant", "deny"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Claim._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, *, action: str, title: str, submit: str, decide):
        form = DecisionForm(request.POST if "apply" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return action_confirmation(
                self,
                request,
                template="admin/fulfillment/claim/decide_selected.html",
                title=title,
                action=action,
                objects=queryset.select_related("seller_order").order_by("pk"),
                form=form,
                submit_label=submit,
            )
        done = 0
        for claim in queryset.order_by("pk"):
            try:
                decide(claim=claim, actor=request.user, note=form.cleaned_data["note"])
            except ApplicationError as error:
                self.message_user(request, f"{claim}: {error.message}", messages.ERROR)
                continue
            done += 1
        if done:
            self.message_user(request, f"{title}: {done} claim(s).", messages.SUCCESS)
        return None

    @admin.action(description="Grant: refund the shopper, charged to the seller…", permissions=["change"])
    def grant(self, request, queryset):
        return self._decide(
            request, queryset, action="grant", title="Grant claims", submit="Grant", decide=claim_grant
        )

    @admin.action(description="Deny, with the reason for the shopper…", permissions=["change"])
    def deny(self, request, queryset):
        return self._decide(
            request, queryset, action="deny", title="Deny claims", submit="Deny", decide=claim_deny
        )
