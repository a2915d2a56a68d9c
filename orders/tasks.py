"""Celery tasks of the orders app: thin wrappers around services."""

from celery import shared_task
from django.utils import timezone

from orders.expiry import order_expire_unpaid


@shared_task(acks_late=True)
def order_expire_unpaid_task() -> int:
    """Release the stock of unpaid orders past their reservation (celery beat, every minute)."""
    return order_expire_unpaid(now=timezone.now())
