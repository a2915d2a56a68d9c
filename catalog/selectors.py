"""Reads of the catalog: querysets with related rows already fetched."""

from django.core.cache import cache

from catalog.models import Category

NAVIGATION_CACHE_KEY = "catalog:navigation:v1"


def category_navigation() -> list[Category]:
    """Return the active top-level categories for the header, cached briefly."""
    categories = cache.get(NAVIGATION_CACHE_KEY)
    if categories is None:
        categories = list(
            Category.objects.filter(parent__isnull=True, is_active=True)
            .only("id", "name", "slug", "position")
            .order_by("position", "name")
        )
        cache.set(NAVIGATION_CACHE_KEY, categories, 300)
    return categories
