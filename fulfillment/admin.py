"""Warehouses and stock in the staff admin.

Stock is also written by checkout (reservations), so the admin never writes
``reserved``: staff set ``on_hand``, the row is locked while the form is
validated, and only ``on_hand`` is saved. A value below what is reserved is a
form error, never an IntegrityError.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.html import format_html

from catalog.admin import AutocompleteListFilter, OfferAdmin, admin_link
from catalog.models import Offer
from catalog.services import product_refresh_buy_box
from fulfillment.models import (
    Holiday,
    Shipment,
    ShipmentLine,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    Stock,
    TrackingEvent,
    Warehouse,
)
from fulfillment.shipments import shipment_track
from marketplace.core.errors import ApplicationError

STOCK_UPDATE_FIELDS = ["on_hand", "updated_at"]


class StockForm(forms.ModelForm):
    """Validate a stock row against the reservations held on it right now."""

    on_hand = forms.IntegerField(min_value=0)

    class Meta:
        model = Stock
        fields = ["offer", "warehouse", "on_hand"]

    def clean(self):
        cleaned = super().clean()
        on_hand = cleaned.get("on_hand")
        if self.instance.pk and on_hand is not None:
            # The admin runs in a transaction: the lock holds until the save,
            # so a checkout cannot reserve more in between.
            reserved = (
                Stock.objects.select_for_update().values_list("reserved", flat=True).get(pk=self.instance.pk)
            )
            self.instance.reserved = reserved
            if on_hand < reserved:
                self.add_error(
                    "on_hand",
                    f"{reserved} units are reserved for unpaid orders; on hand cannot be less than that.",
                )
        return cleaned


def save_stock(stock: Stock) -> None:
    """Save an admin-edited stock row without overwriting its reservations."""
    if stock.pk:
        stock.save(update_fields=STOCK_UPDATE_FIELDS)
    else:
        stock.save()


class StockInline(admin.TabularInline):
    model = Stock
    form = StockForm
    fields = ["warehouse", "on_hand", "reserved", "available"]
    readonly_fields = ["reserved", "available"]
    autocomplete_fields = ["warehouse"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("warehouse")

    @admin.display(description="available")
    def available(self, obj):
        return obj.available if obj.pk else "-"


# The offer admin lives with the catalog; fulfilment adds the stock inline.
admin.site.unregister(Offer)


@admin.register(Offer)
class OfferWithStockAdmin(OfferAdmin):
    inlines = [*OfferAdmin.inlines, StockInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Stock:
            return super().save_formset(request, form, formset, change)
        for stock in formset.save(commit=False):
            save_stock(stock)
        for stock in formset.deleted_objects:
            stock.delete()
        return None


class OperatorFilter(admin.SimpleListFilter):
    title = "operated by"
    parameter_name = "operator"

    def lookups(self, request, model_admin):
        return [("marketplace", "Marketplace"), ("sellers", "Sellers")]

    def queryset(self, request, queryset):
        if self.value() == "marketplace":
            return queryset.filter(seller__isnull=True)
        if self.value() == "sellers":
            return queryset.filter(seller__isnull=False)
        return queryset


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "operator", "city", "country", "location", "stock_units", "is_active"]
    list_filter = ["country", OperatorFilter, ("seller", AutocompleteListFilter), "is_active"]
    list_select_related = ["seller"]
    list_per_page = 100
    search_fields = ["name", "code", "city", "seller__name"]
    prepopulated_fields = {"code": ["name"]}
    autocomplete_fields = ["seller"]
    readonly_fields = ["stock_units"]

    @property
    def media(self):
        return super().media + AutocompleteListFilter.media_for(Warehouse, "seller", self.admin_site)

    def get_queryset(self, request):
        units = Warehouse.objects.filter(pk=OuterRef("pk")).annotate(n=Sum("stocks__on_hand")).values("n")
        return (
            super()
            .get_queryset(request)
            .annotate(units_on_hand=Coalesce(Subquery(units, output_field=IntegerField()), Value(0)))
        )

    @admin.display(description="operator", ordering="seller__name")
    def operator(self, obj):
        return obj.seller.name if obj.seller_id else "Marketplace"

    @admin.display(description="location")
    def location(self, obj):
        return format_html(
            '<a href="https://www.openstreetmap.org/?mlat={}&amp;mlon={}#map=12/{}/{}" '
            'rel="noopener noreferrer" target="_blank">{}, {}</a>',
            obj.latitude,
            obj.longitude,
            obj.latitude,
            obj.longitude,
            obj.latitude,
            obj.longitude,
        )

    @admin.display(description="units on hand", ordering="units_on_hand")
    def stock_units(self, obj):
        return getattr(obj, "units_on_hand", 0)


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    form = StockForm
    list_display = ["offer_sku", "product", "warehouse", "on_hand", "reserved", "available", "updated_at"]
    list_filter = [("warehouse", AutocompleteListFilter)]
    list_select_related = ["offer__product", "warehouse"]
    list_per_page = 100
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["offer__sku"]
    search_help_text = "SKU (contains)."
    autocomplete_fields = ["offer", "warehouse"]
    readonly_fields = ["reserved", "available", "updated_at"]

    @property
    def media(self):
        return super().media + AutocompleteListFilter.media_for(Stock, "warehouse", self.admin_site)

    def get_fields(self, request, obj=None):
        return ["offer", "warehouse", "on_hand", "reserved", "available", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # Moving a stock row to another offer or warehouse would carry its
            # reservations along; enter a new row instead.
            return ["offer", "warehouse", *self.readonly_fields]
        return self.readonly_fields

    @admin.display(description="SKU", ordering="offer__sku")
    def offer_sku(self, obj):
        return obj.offer.sku

    @admin.display(description="product", ordering="offer__product__title")
    def product(self, obj):
        return admin_link(obj.offer.product)

    @admin.display(description="available")
    def available(self, obj):
        return obj.available if obj.pk else "-"

    def save_model(self, request, obj, form, change):
        save_stock(obj)
        product_refresh_buy_box(product_ids=[obj.offer.product_id])

    def delete_model(self, request, obj):
        product_id = obj.offer.product_id
        super().delete_model(request, obj)
        product_refresh_buy_box(product_ids=[product_id])

    def delete_queryset(self, request, queryset):
        product_ids = set(queryset.values_list("offer__product_id", flat=True))
        super().delete_queryset(request, queryset)
        product_refresh_buy_box(product_ids=product_ids)


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    fields = [
        "method",
        "base_amount",
        "per_kg_amount",
        "currency",
        "max_weight_grams",
        "transit_days_min",
        "transit_days_max",
        "is_active",
    ]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("method")


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "country_list", "region_list", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    inlines = [ShippingRateInline]

    @admin.display(description="countries")
    def country_list(self, obj):
        return ", ".join(obj.countries)

    @admin.display(description="regions")
    def region_list(self, obj):
        return ", ".join(obj.regions) or "all"


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(ShippingRate)
class ShippingRateAdmin(admin.ModelAdmin):
    list_display = [
        "zone",
        "method",
        "base_amount",
        "per_kg_amount",
        "currency",
        "max_weight_grams",
        "transit_days_min",
        "transit_days_max",
        "is_active",
    ]
    list_filter = ["zone", "method", "is_active"]
    list_select_related = ["zone", "method"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "country", "name"]
    list_filter = ["country"]
    search_fields = ["name"]
    date_hierarchy = "date"


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0
    fields = ["line", "stock", "quantity"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("line", "stock__warehouse", "stock__offer")


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    fields = ["occurred_at", "code", "status", "description", "location", "source", "received_at"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-occurred_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    """Parcels, read-only: they change through the seller's shipping page and the carrier's scans."""

    list_display = [
        "tracking_number",
        "carrier",
        "service_name",
        "seller_order",
        "direction",
        "status",
        "created_at",
    ]
    list_filter = ["status", "direction", "carrier"]
    list_select_related = ["seller_order"]
    list_per_page = 100
    search_fields = ["=tracking_number", "=seller_order__number", "=seller_order__order__number"]
    show_facets = admin.ShowFacets.NEVER
    inlines = [ShipmentLineInline, TrackingEventInline]
    actions = ["refresh_tracking"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Shipment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Refresh tracking from the carrier", permissions=["change"])
    def refresh_tracking(self, request, queryset):
        done = 0
        for shipment in queryset.select_related("seller_order").order_by("pk"):
            try:
                shipment_track(shipment=shipment)
            except ApplicationError as error:
                self.message_user(request, f"{shipment}: {error.message}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, f"Refreshed {done} parcel(s).", messages.SUCCESS)


import fulfillment.admin_claims  # noqa: E402,F401  (claims, decided by staff)
import fulfillment.admin_returns  # noqa: E402,F401  (returns and return policies)
import fulfillment.admin_scorecard  # noqa: E402,F401  (the seller scorecard)
