"""Returns in the admin: staff read every return and its refund; sellers' return policies are edited here."""

from django.contrib import admin, messages

from fulfillment.models import ReturnLine, ReturnPolicy, ReturnRequest
from fulfillment.returns import return_receive
from marketplace.core.errors import ApplicationError


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = ["line", "quantity", "restocked_quantity"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    """Returns, read-only: the shopper and the seller move them on; a failed refund shows here."""

    list_display = [
        "number",
        "seller_order",
        "status",
        "reason",
        "refund_amount",
        "refund_error",
        "requested_at",
    ]
    list_filter = ["status", "reason", "auto_approved"]
    list_select_related = ["seller_order"]
    list_per_page = 100
    search_fields = ["=number", "=seller_order__number", "=seller_order__order__number", "user__email"]
    show_facets = admin.ShowFacets.NEVER
    inlines = [ReturnLineInline]
    actions = ["mark_received"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ReturnRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Mark received (no restock) and refund the shopper", permissions=["change"])
    def mark_received(self, request, queryset):
        done = 0
        for rma in queryset.order_by("pk"):
            try:
                return_receive(return_request=rma, actor=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{rma}: {error.message}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, f"Received {done} return(s); the refunds follow.", messages.SUCCESS)


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(admin.ModelAdmin):
    list_display = ["seller", "window_days", "shipping_refund", "review_every_return", "updated_at"]
    list_select_related = ["seller"]
    autocomplete_fields = ["seller"]
    search_fields = ["seller__name"]
