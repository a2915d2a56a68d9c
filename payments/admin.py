"""Payments in the admin: read-only records (refunds are made by services, not by editing rows)."""

from django.contrib import admin

from payments.admin_refunds import PaymentRefundAdminMixin
from payments.models import Payment, Refund, WebhookEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    fields = [
        "provider_refund_id",
        "amount",
        "status",
        "failure_reason",
        "reason",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(PaymentRefundAdminMixin, ReadOnlyAdmin):
    list_display = ["provider_payment_id", "order", "amount", "currency", "status", "provider", "created_at"]
    list_filter = ["status", "provider", "currency", "created_at"]
    list_select_related = ["order"]
    search_fields = ["provider_payment_id", "order__number", "idempotency_key"]
    date_hierarchy = "created_at"
    inlines = [RefundInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["provider_refund_id", "payment", "amount", "status", "reason", "created_by", "created_at"]
    list_filter = ["status", "created_at", "payment__provider"]
    list_select_related = ["payment", "created_by"]
    search_fields = ["provider_refund_id", "payment__provider_payment_id", "payment__order__number"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "provider", "received_at", "processed_at"]
    list_filter = ["provider", "type", ("processed_at", admin.EmptyFieldListFilter), "received_at"]
    search_fields = ["event_id"]


# Each part of the payments admin lives in its own module, registered on import.
from payments import (  # noqa: E402
    admin_fraud,  # noqa: F401  (fraud review queue, reconciliation flags)
    admin_ledger,  # noqa: F401  (seller ledger, statements, payouts)
)
