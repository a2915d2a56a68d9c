"""Celery tasks of the outbox: dispatch one event after commit, sweep the stragglers."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from marketplace.core import events

# Longest wait before a retry of a failed dispatch: below the broker's visibility timeout
# (CELERY_BROKER_TRANSPORT_OPTIONS), or Redis would hand the waiting message to a second worker.
OUTBOX_RETRY_MAX_COUNTDOWN = 600


@shared_task(bind=True, acks_late=True, max_retries=8)
def outbox_dispatch_task(self, event_id: int) -> None:
    """Dispatch one outbox event; retry with exponential backoff while a handler fails.

    Run eagerly (no broker) a failure is only recorded: the sweep retries it,
    so the request that committed the change never sees the handler's error.
    """
    done = events.outbox_dispatch(event_id=event_id)
    if not done and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(countdown=min(30 * 2**self.request.retries, OUTBOX_RETRY_MAX_COUNTDOWN))


@shared_task(acks_late=True)
def outbox_sweep_task(older_than_seconds: float = 60) -> int:
    """Dispatch events still undispatched ``older_than_seconds`` after they were written."""
    ids = events.outbox_pending_ids(now=timezone.now(), older_than=timedelta(seconds=older_than_seconds))
    for event_id in ids:
        outbox_dispatch_task.delay(event_id)
    return len(ids)
