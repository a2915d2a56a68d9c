"""Staff edit the search synonyms; every save or delete drops the cached table."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from catalog.models import SearchSynonym
from catalog.search.synonyms import synonyms_changed, terms_of


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ("terms", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("terms",)

    def save_model(self, request, obj, form, change):
        obj.terms = ", ".join(" ".join(term) for term in terms_of(obj.terms)) or obj.terms.strip()
        super().save_model(request, obj, form, change)
        transaction.on_commit(synonyms_changed)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(synonyms_changed)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(synonyms_changed)
