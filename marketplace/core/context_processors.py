"""Template context shared by every storefront page."""

from django.conf import settings


def storefront(request):
    """Add the site name and the top-level category navigation."""
    from catalog.selectors import category_navigation

    return {
        "MARKETPLACE_NAME": settings.MARKETPLACE_NAME,
        "nav_categories": category_navigation(),
    }
