"""Celery tasks of reviews: thin wrappers around its services."""

from celery import shared_task

from reviews.requests import review_requests_send


@shared_task(acks_late=True)
def review_requests_send_task(limit: int = 200) -> int:
    return review_requests_send(limit=limit)
