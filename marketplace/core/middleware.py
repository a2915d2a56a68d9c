"""Middleware of every request: its metrics, its id and its access-log line.

Both come first in ``MIDDLEWARE``, so they see every answer, including the
400 of a host not allowed and the redirects of ``SecurityMiddleware``.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

from marketplace.core import logs, metrics

access_logger = logging.getLogger("marketplace.request")
# Probes and scrapes, every few seconds: counted in the metrics, not logged.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Any other method is counted as "other", so junk methods cannot add label values.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
PATH_LOGGED_MAX = 300


def view_label(request) -> str:
    """The URL name of the view that answered (bounded, unlike paths).

    ``<static>`` for a static file (whitenoise answers before any URL is
    resolved), ``<unresolved>`` when no URL matched.
    """
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    return "<static>" if request.path.startswith(settings.STATIC_URL) else "<unresolved>"


class MetricsMiddleware:
    """Count each request by view, method and status; time it and count its queries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        metrics.request_queries_begin()
        try:
            response = self.get_response(request)
        finally:
            queries = metrics.request_queries_end()
        metrics.request_observe(
            method=request.method if request.method in KNOWN_METHODS else "other",
            view=view_label(request),
            status=response.status_code,
            seconds=time.perf_counter() - started,
            queries=queries,
        )
        return response


class RequestIdMiddleware:
    """Give the request an id (the caller's ``X-Request-ID`` if sane), log with it, answer with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = logs.request_id_from_header(request.headers.get(logs.REQUEST_ID_HEADER))
        request.request_id = request_id
        token = logs.request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[logs.REQUEST_ID_HEADER] = request_id
            if request.path not in QUIET_PATHS:
                path = request.path[:PATH_LOGGED_MAX]
                access_logger.info(
                    "%s %s %s",
                    request.method,
                    path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": path,
                        "view": view_label(request),
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            logs.request_id_var.reset(token)
