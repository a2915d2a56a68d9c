"""Reads of ``payments``: always scoped to the shopper who owns the order."""

from orders.models import Order
from payments.models import Payment


def order_get_for_payment(*, user, number: str) -> Order:
    """Return ``user``'s order ``number``; raise ``Order.DoesNotExist`` for anyone else's."""
    return Order.objects.get(number=number, user=user)


def payment_get_for_user(*, user, provider_payment_id: str, number: str | None = None) -> Payment:
    """Return a payment of one of ``user``'s orders (``Payment.DoesNotExist`` otherwise)."""
    payments = Payment.objects.select_related("order").filter(
        provider_payment_id=provider_payment_id, order__user=user
    )
    if number is not None:
        payments = payments.filter(order__number=number)
    return payments.get()
