"""Read-only storefront pages read from a PostgreSQL replica when one is configured.

``DATABASE_REPLICA_URL`` adds the ``replica`` database alias and installs
``ReplicaRouter``. The router sends a read to the replica only when all of
these hold, and to the primary (``default``) otherwise:

* the code runs inside ``reading_from_replica()`` (a context manager, or a
  decorator on a view: the storefront's catalog pages use it);
* the model belongs to one of ``DATABASE_REPLICA_APPS`` (the catalog, sellers,
  reviews and fulfillment: what a product page shows); sessions, users, carts
  and orders are always read from the primary, so a shopper who just signed in
  or added to the cart never sees the replica's older copy;
* no transaction is open on the primary (``transaction.atomic``): what runs in
  one reads what it writes;
* nothing has been written yet in this unit of work (a request, or a Celery
  task): once a request writes, it stays on the primary (read your writes).

Writes always go to the primary. A request starts a fresh unit of work
(``request_started``), and so does a task run by a worker (``task_prerun``); a
task run eagerly is part of its caller's.
"""

from __future__ import annotations

import dataclasses
from contextvars import ContextVar, Token
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_ALIAS = "replica"


@dataclasses.dataclass
class UnitOfWork:
    depth: int = 0  # nesting of reading_from_replica()
    wrote: bool = False


_unit: ContextVar[UnitOfWork | None] = ContextVar("replica_unit_of_work", default=None)


def _current() -> UnitOfWork:
    unit = _unit.get()
    if unit is None:
        unit = UnitOfWork()
        _unit.set(unit)
    return unit


# Context tokens of the worker tasks running in this process, restored when each ends.
_task_tokens: dict[str, Token] = {}


def unit_of_work_begin(**kwargs) -> None:
    """``request_started``: nothing written yet, no replica block open."""
    _unit.set(UnitOfWork())


def task_unit_of_work_begin(task_id=None, task=None, **kwargs) -> None:
    """``task_prerun``: a worker's task starts afresh; an eager one is part of its caller's work."""
    if not task.request.is_eager:
        _task_tokens[task_id] = _unit.set(UnitOfWork())


def task_unit_of_work_end(task_id=None, **kwargs) -> None:
    """``task_postrun``: restore the unit of work the task started in."""
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _unit.reset(token)


def replica_configured() -> bool:
    return REPLICA_ALIAS in connections.settings


class ReplicaReads:
    """Reads inside the block (or the decorated function) may use the replica.

    As a decorator on a view, the response is rendered inside the block too:
    a ``TemplateResponse`` would otherwise run its template's queries after
    the view has returned.
    """

    def __enter__(self):
        _current().depth += 1
        return self

    def __exit__(self, *exc_info):
        unit = _current()
        unit.depth = max(unit.depth - 1, 0)
        return False

    def __call__(self, function):
        @wraps(function)
        def inner(*args, **kwargs):
            with self:
                response = function(*args, **kwargs)
                if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                    response.render()
                return response

        return inner


def reading_from_replica() -> ReplicaReads:
    """Let the reads of a block or a view go to the replica (see the module docstring)."""
    return ReplicaReads()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        unit = _unit.get()
        if (
            unit is None
            or unit.depth == 0
            or unit.wrote
            or model._meta.app_label not in settings.DATABASE_REPLICA_APPS
            or not replica_configured()
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA_ALIAS

    def db_for_write(self, model, **hints):
        _current().wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        aliases = {DEFAULT_DB_ALIAS, REPLICA_ALIAS}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA_ALIAS:
            return False  # a replica follows the primary's schema; it is never migrated itself
        return None
