"""Domain events: how a lower app tells higher apps that something happened.

Two kinds of subscriber:

* ``subscribe(name, handler)``: ``handler(**payload)`` runs synchronously, in
  the emitter's transaction, so its writes commit or roll back with the change.
* ``subscribe_async(name, "dotted.path.to.handler")``: the event is written to
  the outbox (``OutboxEvent``) in the emitter's transaction and dispatched by
  Celery after commit (``marketplace.core.tasks.outbox_dispatch_task``); a
  periodic sweep dispatches rows that were not. Delivery is at least once, so
  async handlers must be idempotent. Each handler runs in its own savepoint
  and is recorded in ``handlers_done`` with it, so a retry after one handler
  failed does not run the others again.

A handler's effect must commit with its "done" mark, whatever moment the
process dies at (ADR 0060): a database write in the dispatch's transaction
(a ledger posting by unique key; an e-mail through
``marketplace.accounts.services.email_enqueue``, a row that is sent after
commit and swept if it was not), or an idempotent call made inside the handler
(the Elasticsearch bulk upsert). Never ``task.delay_on_commit()`` in a
handler: a process killed between the commit and the enqueue loses the task
while the handler is already marked done.

Apps subscribe in ``AppConfig.ready()``. Async payloads must be JSON: pass ids,
not objects (Decimal, dates and UUIDs are stored as strings).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Handler = Callable[..., None]

_handlers: dict[str, list[Handler]] = defaultdict(list)
_async_handlers: dict[str, list[str]] = defaultdict(list)

# An event that still fails after this many dispatch attempts is left for a person (admin).
OUTBOX_MAX_ATTEMPTS = 10


def subscribe(name: str, handler: Handler) -> None:
    """Call ``handler(**payload)`` whenever ``name`` is emitted (once per handler)."""
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def subscribe_async(name: str, handler_path: str) -> None:
    """Call the handler at ``handler_path`` through the outbox after commit."""
    if handler_path not in _async_handlers[name]:
        _async_handlers[name].append(handler_path)


def async_handlers(name: str) -> list[str]:
    return list(_async_handlers.get(name, ()))


def emit(name: str, *, durable: bool = False, **payload) -> None:
    """Run the synchronous handlers of ``name``; store it in the outbox for the async ones.

    ``durable=True`` stores the event even when no async handler is registered
    (yet), so that the record exists.
    """
    for handler in list(_handlers.get(name, ())):
        handler(**payload)
    if durable or _async_handlers.get(name):
        emit_async(name, **payload)


def emit_async(name: str, **payload):
    """Write an outbox row in the current transaction; dispatch it after commit."""
    from marketplace.core.models import OutboxEvent
    from marketplace.core.tasks import outbox_dispatch_task

    stored = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    event = OutboxEvent.objects.create(name=name, payload=stored)
    outbox_dispatch_task.delay_on_commit(event.pk)
    return event


def outbox_dispatch(*, event_id: int, now: datetime | None = None) -> bool:
    """Run the pending async handlers of one outbox event; return True when it is done.

    The row is locked with SKIP LOCKED, so a concurrent dispatch of the same
    event returns at once (False) instead of running the handlers twice.
    """
    from marketplace.core.models import OutboxEvent

    with transaction.atomic():
        event = (
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, dispatched_at__isnull=True)
            .first()
        )
        if event is None:
            return not OutboxEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).exists()
        errors = []
        for path in async_handlers(event.name):
            if path in event.handlers_done:
                continue
            try:
                with transaction.atomic():
                    import_string(path)(**event.payload)
            except Exception as error:  # noqa: BLE001 - any handler failure is recorded and retried
                logger.warning("Outbox event %s: handler %s failed", event.pk, path, exc_info=True)
                errors.append(f"{path}: {error!r}\n{traceback.format_exc(limit=5)}")
            else:
                event.handlers_done.append(path)
        event.attempts += 1
        event.last_error = "\n".join(errors)
        if not errors:
            event.dispatched_at = now or timezone.now()
        event.save(update_fields=["attempts", "last_error", "handlers_done", "dispatched_at"])
        return not errors


def outbox_pending_ids(*, now: datetime, older_than: timedelta = timedelta(minutes=1), limit: int = 500):
    """Ids of undispatched events older than ``older_than`` that may still be retried."""
    from marketplace.core.models import OutboxEvent

    return list(
        OutboxEvent.objects.filter(
            dispatched_at__isnull=True, created_at__lt=now - older_than, attempts__lt=OUTBOX_MAX_ATTEMPTS
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
