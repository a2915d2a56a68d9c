from django import template

from marketplace.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency="USD"):
    """Format a Decimal amount: ``{{ offer.price_amount|money:offer.currency }}``."""
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency or "USD")
