from celery import shared_task

from marketplace.accounts.services import email_send


@shared_task(acks_late=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=8)
def send_email_task(payload: dict) -> None:
    """Send one rendered e-mail; ``payload`` is what ``email_send`` takes."""
    email_send(**payload)
