"""Celery tasks of ``payments``: thin wrappers around services, safe to run twice."""

from celery import shared_task

from payments.providers.sandbox import SIGNATURE_HEADER, sign
from payments.services import webhook_receive


@shared_task(bind=True, acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=8)
def sandbox_webhook_deliver_task(self, payload: str) -> None:
    """Deliver a sandbox event to our webhook intake, signed at delivery time.

    Like Stripe, every delivery attempt carries a fresh timestamp; the event
    id inside the payload makes a repeated delivery a no-op.
    """
    body = payload.encode()
    webhook_receive(provider_name="sandbox", payload=body, headers={SIGNATURE_HEADER: sign(body)})
