"""Domain events: how a lower app tells higher apps that something happened.

``emit`` runs every handler subscribed to the event name, synchronously and in
the caller's transaction, so the reaction commits or rolls back with the
change. Apps subscribe in ``AppConfig.ready()``. The order issue adds the
outbox (events stored with the change and dispatched to Celery after commit)
behind the same ``emit``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

Handler = Callable[..., None]

_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    """Call ``handler(**payload)`` whenever ``name`` is emitted (once per handler)."""
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def emit(name: str, **payload) -> None:
    """Run the handlers of ``name`` with ``payload`` as keyword arguments."""
    for handler in list(_handlers.get(name, ())):
        handler(**payload)
