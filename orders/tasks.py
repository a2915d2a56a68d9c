"""Celery tasks of the orders app: thin wrappers around services."""

from celery import shared_task
from django.utils import timezone

from orders.expiry import order_expire_unpaid
from orders.sales import sales_counts_refresh


@shared_task(acks_late=True)
def order_expire_unpaid_task() -> int:
    """Release the stock of unpaid orders past their reservation (celery beat, every minute)."""
    return order_expire_unpaid(now=timezone.now())


@shared_task(acks_late=True)
def sales_counts_refresh_task() -> int:
    """Recompute the sales counts the decay has moved since yesterday (celery beat, daily)."""
    return sales_counts_refresh(today=timezone.localdate())
