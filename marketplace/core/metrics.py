"""Prometheus metrics: requests, database queries, Celery tasks and business events.

prometheus_client directly, not django-prometheus: that package counts queries
only through its own database engine (``django_prometheus.db.backends...``),
which would have to replace the engine that ``DATABASE_URL`` and the embedded
PostgreSQL set up. Here queries are counted by an execute wrapper added to each
connection as it opens (``connection_created``), and requests by
``marketplace.core.middleware.MetricsMiddleware`` (ADR 0084).

With ``PROMETHEUS_MULTIPROC_DIR`` set in the environment (before the first
import of prometheus_client), every process writes its values to files there
and a scrape adds them up over all gunicorn workers or Celery pool processes
(prometheus_client's multiprocess mode); without it each process counts alone,
which is right for ``manage.py runserver`` and the tests.

Business counters follow the domain events (``events.subscribe`` in
``CoreConfig.ready``): they count once the emitting transaction commits, so a
rolled-back order is not counted.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.conf import settings
from django.db import transaction

multiproc_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if multiproc_dir:
    os.makedirs(multiproc_dir, exist_ok=True)

from prometheus_client import (  # noqa: E402 (the directory must exist before the first metric)
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    make_wsgi_app,
    multiprocess,
)
from prometheus_client.exposition import ThreadingWSGIServer  # noqa: E402

from marketplace.core import events  # noqa: E402

logger = logging.getLogger(__name__)

# Seconds; from a cached page (milliseconds) to a slow report.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 200)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 60.0, 300.0, 900.0)

HTTP_REQUESTS = Counter("marketplace_http_requests", "HTTP requests answered.", ["method", "view", "status"])
HTTP_LATENCY = Histogram(
    "marketplace_http_request_duration_seconds",
    "Time from the first middleware to the response.",
    ["method", "view"],
    buckets=LATENCY_BUCKETS,
)
HTTP_QUERIES = Histogram(
    "marketplace_http_request_db_queries",
    "Database queries made while answering one request.",
    ["view"],
    buckets=QUERY_BUCKETS,
)
DB_QUERIES = Counter("marketplace_db_queries", "Database queries executed.", ["alias"])
TASKS_PUBLISHED = Counter("marketplace_celery_tasks_published", "Celery tasks sent to the broker.", ["task"])
TASKS_FINISHED = Counter(
    "marketplace_celery_tasks",
    "Celery tasks run, by final state (SUCCESS, FAILURE, RETRY...).",
    ["task", "state"],
)
TASK_DURATION = Histogram(
    "marketplace_celery_task_duration_seconds", "Run time of Celery tasks.", ["task"], buckets=TASK_BUCKETS
)
ORDERS_PLACED = Counter("marketplace_orders_placed", "Orders placed (event order.placed).")
PAYMENTS_SUCCEEDED = Counter(
    "marketplace_payments_succeeded",
    "Orders whose payment was taken: paid, or held for review (events order.paid, order.on_hold).",
)
REFUNDS = Counter("marketplace_refunds", "Refunds created (event refund.created).")
REFUNDS_FAILED = Counter("marketplace_refunds_failed", "Refunds the provider failed (event refund.failed).")
EMAILS_SENT = Counter("marketplace_emails_sent", "E-mails handed to the mail server (event email.sent).")

# Queries of the request running in this thread (a one-item list), or None outside requests.
_request_queries = threading.local()


def registry():
    """The registry a scrape reads: every process's files in multiprocess mode, else this process."""
    if not multiproc_dir:
        return REGISTRY
    collected = CollectorRegistry()
    multiprocess.MultiProcessCollector(collected)
    return collected


def exposition() -> bytes:
    return generate_latest(registry())


# Requests.


def request_queries_begin() -> None:
    _request_queries.count = 0


def request_queries_end() -> int:
    count = getattr(_request_queries, "count", 0) or 0
    _request_queries.count = None
    return count


def request_observe(*, method: str, view: str, status: int, seconds: float, queries: int) -> None:
    HTTP_REQUESTS.labels(method, view, str(status)).inc()
    HTTP_LATENCY.labels(method, view).observe(seconds)
    HTTP_QUERIES.labels(view).observe(queries)


# Database queries.


def _count_query(execute, sql, params, many, context):
    DB_QUERIES.labels(context["connection"].alias).inc()
    if getattr(_request_queries, "count", None) is not None:
        _request_queries.count += 1
    return execute(sql, params, many, context)


def connection_instrument(sender=None, connection=None, **kwargs) -> None:
    """``connection_created``: count the queries of every new database connection."""
    if _count_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_query)


# Celery.


def task_published(sender=None, **kwargs) -> None:
    """``after_task_publish``: ``sender`` is the task's name."""
    TASKS_PUBLISHED.labels(str(sender)).inc()


def task_finished(task=None, state=None, **kwargs) -> None:
    """``task_postrun``: count the task by its final state and record how long it ran."""
    name = getattr(task, "name", "unknown")
    TASKS_FINISHED.labels(name, str(state or "UNKNOWN")).inc()
    started = getattr(task.request, "metrics_started", None) if task is not None else None
    if started is not None:
        TASK_DURATION.labels(name).observe(max(time.monotonic() - started, 0.0))


def task_started(task=None, **kwargs) -> None:
    """``task_prerun``: note when the task started, on its request."""
    if task is not None:
        task.request.metrics_started = time.monotonic()


# Business events: counted when the emitting transaction commits.


def _count_on_commit(counter: Counter) -> None:
    transaction.on_commit(counter.inc)


def on_order_placed(**payload) -> None:
    _count_on_commit(ORDERS_PLACED)


def on_order_paid(*, previous: str = "", **payload) -> None:
    if previous != "on_hold":  # a held order's payment was counted when it was held
        _count_on_commit(PAYMENTS_SUCCEEDED)


def on_order_held(**payload) -> None:
    _count_on_commit(PAYMENTS_SUCCEEDED)


def on_refund_created(**payload) -> None:
    _count_on_commit(REFUNDS)


def on_refund_failed(**payload) -> None:
    _count_on_commit(REFUNDS_FAILED)


def on_email_sent(**payload) -> None:
    _count_on_commit(EMAILS_SENT)


BUSINESS_EVENTS = {
    "order.placed": on_order_placed,
    "order.paid": on_order_paid,
    "order.on_hold": on_order_held,
    "refund.created": on_refund_created,
    "refund.failed": on_refund_failed,
    "email.sent": on_email_sent,
}


def business_events_subscribe() -> None:
    for name, handler in BUSINESS_EVENTS.items():
        events.subscribe(name, handler)


# Who may read the metrics.


def bearer_token_matches(authorization: str) -> bool:
    """Whether an ``Authorization`` header carries ``settings.METRICS_TOKEN`` (never when it is unset)."""
    token = settings.METRICS_TOKEN
    scheme, _, value = (authorization or "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), token)


def scrape_allowed(*, authorization: str, remote_addr: str) -> bool:
    """The bearer token, or (with DEBUG on) a request from this machine."""
    if bearer_token_matches(authorization):
        return True
    if not settings.DEBUG:
        return False
    try:
        return ipaddress.ip_address(remote_addr).is_loopback
    except ValueError:
        return False


# The worker's own endpoint: Celery processes answer no HTTP, so the worker serves its metrics.


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        """Log nothing: a scrape every few seconds is not news."""


def _authorised(app):
    def guarded(environ, start_response):
        if not bearer_token_matches(environ.get("HTTP_AUTHORIZATION", "")):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found.\n"]
        return app(environ, start_response)

    return guarded


def worker_server_start(*, address: str, port: int):
    """Serve the metrics, behind the bearer token, from a daemon thread; return the server."""
    server = make_server(
        address, port, _authorised(make_wsgi_app(registry())), ThreadingWSGIServer, _QuietHandler
    )
    threading.Thread(target=server.serve_forever, name="metrics-server", daemon=True).start()
    return server


def worker_metrics_serve(**kwargs) -> None:
    """``worker_init``: start the worker's metrics endpoint when ``METRICS_WORKER_PORT`` is set."""
    port = settings.METRICS_WORKER_PORT
    if not port:
        return
    if not settings.METRICS_TOKEN:
        logger.warning("METRICS_WORKER_PORT is set but METRICS_TOKEN is not: the worker serves no metrics.")
        return
    worker_server_start(address=settings.METRICS_WORKER_ADDRESS, port=port)
    logger.info("Worker metrics on %s:%s", settings.METRICS_WORKER_ADDRESS, port)
