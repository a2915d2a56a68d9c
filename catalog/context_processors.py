"""Template context shared by every storefront page."""

from django.conf import settings

from catalog.selectors import category_navigation


def storefront(request):
    """Add the site name and the top-level category navigation."""
    return {
        "MARKETPLACE_NAME": settings.MARKETPLACE_NAME,
        "nav_categories": category_navigation(),
    }
