"""Request ids in every log record, and the two log formats (text and JSON).

A request's id comes from its ``X-Request-ID`` header when that is a sane
token (``[A-Za-z0-9._-]``, at most ``REQUEST_ID_MAX_LENGTH`` characters), or
is made up (``marketplace.core.middleware.RequestIdMiddleware``). It lives in
a context variable for the length of the request; ``RequestIdFilter``, on the
console handler, copies it onto every record. A Celery task enqueued during
the request carries it in its message headers (``before_task_publish``), and
the worker puts it back into the context variable while the task runs
(``task_prerun``/``task_postrun``), so the worker's records show the same id,
next to the task's id and name.

``LOG_FORMAT=json`` (the production default) writes one JSON object a line
(python-json-logger); ``text`` (development and tests) a readable line.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar, Token

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_MAX_LENGTH = 128
# The Celery message header that carries the id from the web process to the worker.
TASK_HEADER = "request_id"
SANE_REQUEST_ID = re.compile(rf"[A-Za-z0-9._-]{{1,{REQUEST_ID_MAX_LENGTH}}}")

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
# (task id, task name) of the Celery task running in this context.
task_var: ContextVar[tuple[str, str] | None] = ContextVar("task", default=None)

# Context tokens of the tasks running in this process, restored when each ends.
_task_tokens: dict[str, tuple[Token, Token]] = {}


def request_id_is_sane(value: object) -> bool:
    return isinstance(value, str) and SANE_REQUEST_ID.fullmatch(value) is not None


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_from_header(value: str | None) -> str:
    """Return the caller's id if it is a sane token, else a new one."""
    return value if request_id_is_sane(value) else request_id_new()


def request_id_get() -> str:
    """The id of the request (or of the request that enqueued the task) running now; "" if none."""
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Put ``request_id`` (``-`` outside a request) and, in a task, ``task_id``/``task_name`` on records."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        task = task_var.get()
        if task is not None:
            record.task_id, record.task_name = task
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line: time, level, logger, message, request_id and any ``extra`` fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)


def task_headers_add(headers=None, **kwargs) -> None:
    """``before_task_publish``: carry the current request id in the task's message headers."""
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def task_context_enter(task_id=None, task=None, **kwargs) -> None:
    """``task_prerun``: take the request id from the message, or keep the caller's (eager tasks)."""
    carried = getattr(task.request, TASK_HEADER, None)
    request_id = carried if request_id_is_sane(carried) else request_id_var.get()
    _task_tokens[task_id] = (request_id_var.set(request_id), task_var.set((task_id, task.name)))


def task_context_exit(task_id=None, **kwargs) -> None:
    """``task_postrun``: restore the context the task started in."""
    tokens = _task_tokens.pop(task_id, None)
    if tokens is not None:
        request_token, task_token = tokens
        task_var.reset(task_token)
        request_id_var.reset(request_token)


def celery_logging_keep(**kwargs) -> None:
    """``setup_logging``: keep Django's ``LOGGING`` in the worker instead of Celery's own handlers."""
