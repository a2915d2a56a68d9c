"""Tax rates in the staff admin; edits forget the cached rates of the country."""

from django.contrib import admin

from orders.models import TaxRate
from orders.tax import tax_rates_changed


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ["country", "region", "tax_class", "rate", "name"]
    list_filter = ["tax_class", "country"]
    search_fields = ["country", "region", "name"]
    ordering = ["country", "region", "tax_class"]
    show_facets = admin.ShowFacets.NEVER

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tax_rates_changed(country=obj.country)
        if change and "country" in form.changed_data:
            tax_rates_changed(country=form.initial.get("country", ""))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        tax_rates_changed(country=obj.country)

    def delete_queryset(self, request, queryset):
        countries = set(queryset.values_list("country", flat=True))
        super().delete_queryset(request, queryset)
        for country in countries:
            tax_rates_changed(country=country)
