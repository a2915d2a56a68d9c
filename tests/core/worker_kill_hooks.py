"""The worst moment to die, on purpose: a pool process of the worker-kill test's first worker
SIGKILLs itself right after an outbox dispatch commits, before that transaction's on-commit
callbacks (the e-mail's kick) run. Only the first process to get there dies (a marker file).

Before ADR 0060 this lost the e-mail for good: the handler was marked done and the
e-mail task was never enqueued.
"""

import os
import signal

from django.db import transaction

from marketplace.core import events


def install(*, marker: str, after: int) -> None:
    """Make this process's ``after``-th dispatch die right after its commit (once per marker)."""
    original = events.outbox_dispatch
    dispatches = {"count": 0}

    def die_once() -> None:
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        os.kill(os.getpid(), signal.SIGKILL)

    def outbox_dispatch(*, event_id, now=None):
        dispatches["count"] += 1
        if dispatches["count"] != after:
            return original(event_id=event_id, now=now)
        # One transaction as before; this callback is the first to run once it commits.
        with transaction.atomic():
            transaction.on_commit(die_once)
            return original(event_id=event_id, now=now)

    events.outbox_dispatch = outbox_dispatch
