"""Celery tasks of the outbound e-mail: the on-commit kick, the sweep, the pruning."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from marketplace.accounts import services


@shared_task(acks_late=True)
def outbound_email_send_task(email_id: int) -> bool:
    """Send one stored e-mail (``email_enqueue``'s on-commit kick); a no-op if it was sent.

    A failure is recorded on the row and retried by the sweep, so the task
    itself never retries and never raises for a mail server's error.
    """
    return services.outbound_email_send(email_id=email_id)


@shared_task(acks_late=True)
def outbound_email_sweep_task(older_than_seconds: float | None = None) -> int:
    """Send the e-mails no kick sent: their process died after the commit, or sending failed."""
    older_than = (
        services.OUTBOUND_EMAIL_SWEEP_AFTER
        if older_than_seconds is None
        else timedelta(seconds=older_than_seconds)
    )
    return services.outbound_email_send_pending(now=timezone.now(), older_than=older_than)


@shared_task(acks_late=True)
def outbound_email_prune_task() -> int:
    """Delete the e-mails sent longer ago than ``OUTBOUND_EMAIL_KEEP_DAYS``."""
    return services.outbound_email_prune(now=timezone.now())


@shared_task(acks_late=True)
def send_email_task(payload: dict) -> None:
    """Deprecated: store and send one rendered e-mail; call ``services.email_enqueue`` instead.

    Kept so that messages queued before the outbound e-mail table existed are
    still delivered after a deploy.
    """
    services.email_enqueue(payload)
