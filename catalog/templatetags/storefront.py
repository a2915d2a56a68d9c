"""Display helpers for storefront templates."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

LOW_STOCK = 5


@register.filter
def half_stars(rating) -> int:
    """Return a 0-5 rating rounded to half stars, counted in halves (0-10)."""
    try:
        value = Decimal(rating or 0)
    except (InvalidOperation, TypeError, ValueError):
        return 0
    halves = int((value * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(0, min(10, halves))


@register.filter
def stock_state(available) -> str:
    """Say how many units can be bought the way a shopper reads it."""
    available = int(available or 0)
    if available <= 0:
        return "Currently unavailable"
    if available <= LOW_STOCK:
        return f"Only {available} left in stock"
    return "In stock"


@register.filter
def stock_level(available) -> str:
    """A CSS modifier for ``stock_state``: ``in``, ``low`` or ``out``."""
    available = int(available or 0)
    if available <= 0:
        return "out"
    return "low" if available <= LOW_STOCK else "in"
