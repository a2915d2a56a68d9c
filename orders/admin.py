"""Orders in the staff admin: read-mostly; status changes only through the lifecycle services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join

from marketplace.core.admin_actions import action_confirmation
from marketplace.core.errors import ApplicationError
from orders import admin_tax  # noqa: F401  (registers the tax rates)
from orders.lifecycle import order_cancel
from orders.models import Cart, CartLine, Order, OrderEvent, OrderLine, SellerOrder


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SellerOrderInline(ReadOnlyInline):
    model = SellerOrder
    fields = ["number", "seller", "status", "shipping_method_name", "total_amount", "promised_to"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seller")


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["title", "sku", "condition", "unit_price_amount", "quantity", "tax_amount", "total_amount"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fk_name = "order"
    fields = ["created_at", "seller_order", "kind", "from_status", "to_status", "actor", "message", "data"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seller_order", "actor")


class SellerOrderEventInline(OrderEventInline):
    fk_name = "seller_order"


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=300,
        help_text="Shown to the shopper on the order page and in the cancellation e-mail.",
    )


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "status", "total_amount", "currency", "parts", "placed_at", "paid_at"]
    list_filter = ["status"]
    list_select_related = ["user"]
    list_per_page = 100
    search_fields = ["=number", "user__email", "ship_full_name"]
    date_hierarchy = "placed_at"
    show_facets = admin.ShowFacets.NEVER
    fieldsets = [
        (None, {"fields": ["number", "user", "status", "idempotency_key", "cancel_reason"]}),
        ("Lines", {"fields": ["lines"]}),
        (
            "Amounts",
            {"fields": ["currency", "subtotal_amount", "shipping_amount", "tax_amount", "total_amount"]},
        ),
        (
            "Ship to",
            {
                "fields": [
                    "ship_full_name",
                    "ship_line1",
                    "ship_line2",
                    "ship_city",
                    "ship_region",
                    "ship_postal_code",
                    "ship_country",
                    "ship_phone",
                ]
            },
        ),
        ("Dates", {"fields": ["placed_at", "reserved_until", "paid_at", "cancelled_at"]}),
    ]
    inlines = [SellerOrderInline, OrderEventInline]
    actions = ["cancel"]

    def get_queryset(self, request):
        # A correlated subquery, not a JOIN + GROUP BY, so the changelist's counts stay cheap.
        parts = (
            SellerOrder.objects.filter(order=OuterRef("pk"))
            .values("order")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(part_count=Coalesce(Subquery(parts, output_field=IntegerField()), Value(0)))
        )

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Order._meta.fields] + ["lines"]

    @admin.display(description="lines")
    def lines(self, obj):
        """Every line of the order, across its seller orders (lines hang off seller orders)."""
        lines = OrderLine.objects.filter(seller_order__order=obj).select_related("seller_order__seller")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    line.seller_order.seller.name,
                    line.title,
                    line.sku,
                    line.unit_price_amount,
                    line.quantity,
                    line.total_amount,
                )
                for line in lines
            ),
        )
        return format_html(
            "<table><thead><tr><th>Seller</th><th>Title</th><th>SKU</th><th>Unit price</th>"
            "<th>Qty</th><th>Total</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="sellers", ordering="part_count")
    def parts(self, obj):
        return obj.part_count

    @admin.action(description="Cancel selected orders…", permissions=["change"])
    def cancel(self, request, queryset):
        """Ask for a reason on an intermediate page, then cancel each order through ``order_cancel``."""
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = []
            for order in queryset.order_by("pk"):
                try:
                    order_cancel(order=order, actor=request.user, reason=reason)
                except ApplicationError as error:
                    self.message_user(request, error.message, messages.ERROR)
                    continue
                self.log_change(request, order, f"Cancelled: {reason}")
                done.append(order.number)
            if done:
                self.message_user(request, f"Cancelled {len(done)}: {', '.join(done)}.", messages.SUCCESS)
            return None
        return action_confirmation(
            self,
            request,
            template="admin/orders/order/cancel_selected.html",
            title="Cancel orders",
            action="cancel",
            objects=queryset.order_by("pk"),
            form=form,
            submit_label="Cancel orders",
        )


@admin.register(SellerOrder)
class SellerOrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "seller",
        "status",
        "total_amount",
        "shipping_method_name",
        "promised_to",
        "created_at",
    ]
    list_filter = ["status", "shipping_method"]
    list_select_related = ["seller"]
    list_per_page = 100
    search_fields = ["=number", "=order__number", "seller__name"]
    show_facets = admin.ShowFacets.NEVER
    inlines = [OrderLineInline, SellerOrderEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in SellerOrder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CartLineInline(ReadOnlyInline):
    model = CartLine
    fields = ["offer", "quantity", "saved_for_later", "price_seen_amount", "added_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("offer__product")


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "session_key", "created_at", "updated_at"]
    list_select_related = ["user"]
    list_per_page = 100
    search_fields = ["user__email"]
    show_facets = admin.ShowFacets.NEVER
    inlines = [CartLineInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Cart._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
