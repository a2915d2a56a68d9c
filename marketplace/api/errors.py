"""Every API error as an RFC 9457 problem document (``application/problem+json``).

``exception_handler`` is DRF's ``EXCEPTION_HANDLER``: it maps ``ApplicationError`` from the
services (400), DRF's own exceptions (validation with field errors, parse errors, 401, 403,
404, 405, 406, 415, 429 with ``Retry-After``) and Django's ``Http404`` / ``PermissionDenied``.
Anything else is left to Django (a 500 that Sentry reports), never described to the client.

DRF views outside ``/api/`` (the Seller Central ledger JSON, payments/api_ledger.py) keep DRF's
own error bodies, which their pages read, until they move under ``/api/v1/``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from marketplace.core.errors import ApplicationError

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

# status -> (type slug, title): the title is the same for every problem of a type (RFC 9457 3.1.3).
PROBLEM_TYPES = {
    400: ("invalid-request", "Your request is not valid."),
    401: ("not-authenticated", "Authentication is required."),
    403: ("permission-denied", "You may not do this."),
    404: ("not-found", "Not found."),
    405: ("method-not-allowed", "Method not allowed."),
    406: ("not-acceptable", "Cannot answer in the requested format."),
    409: ("conflict", "The request conflicts with the current state."),
    413: ("payload-too-large", "The request body is too large."),
    415: ("unsupported-media-type", "Unsupported media type."),
    422: ("unprocessable", "The request cannot be processed."),
    429: ("throttled", "Too many requests."),
}
APPLICATION_ERROR_TYPE = ("business-rule", "The request was refused by a business rule.")
PARSE_ERROR_TYPE = ("malformed-request", "The request body could not be parsed.")


class ProblemJSONRenderer(JSONRenderer):
    """Renders problem documents; chosen by the handler, never negotiated."""

    media_type = PROBLEM_CONTENT_TYPE
    format = "problem+json"


def _flatten(detail) -> str | list | dict:
    """Turn DRF's ErrorDetail structures into plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(value) for value in detail]
    return str(detail)


def _field_errors(detail) -> dict[str, list]:
    """Field errors as ``{"field": ["message", ...]}``; ``non_field_errors`` keeps DRF's name.

    A nested object's errors are named by their path (``card.number``, ``lines.0.quantity``), so
    every value is a list of strings.
    """
    if isinstance(detail, dict):
        errors: dict[str, list] = {}
        _collect(_flatten(detail), "", errors)
        return errors
    return {"non_field_errors": _flatten(detail if isinstance(detail, list) else [detail])}


def _is_item_errors(value) -> bool:
    """Whether ``value`` is a list field's errors: ``{index: ["message", ...]}``."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(key, int) and isinstance(messages, list) for key, messages in value.items())
        and all(isinstance(message, str) for messages in value.values() for message in messages)
    )


def _collect(value, path: str, errors: dict[str, list]) -> None:
    """Put the leaf messages of ``value`` into ``errors`` under their dotted path."""
    if path and _is_item_errors(value):
        # A list field's items (``?brand=ok&brand=not a slug``): the field, each message with its index.
        errors[path] = [f"Item {key}: {message}" for key, messages in value.items() for message in messages]
    elif isinstance(value, dict):
        for key, inner in value.items():
            # A nested object's own errors (DRF's "non_field_errors") are named by its path.
            if path and key == "non_field_errors":
                _collect(inner, path, errors)
            else:
                _collect(inner, f"{path}.{key}" if path else str(key), errors)
    elif isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        for index, inner in enumerate(value):
            if inner:
                _collect(inner, f"{path}.{index}", errors)
    else:
        errors[path or "non_field_errors"] = value if isinstance(value, list) else [value]


def problem(
    *, status_code: int, detail: str, instance: str = "", kind: tuple[str, str] | None = None, **extra
) -> dict:
    slug, title = kind or PROBLEM_TYPES.get(status_code, ("error", "Error."))
    body = {"type": f"{TYPE_BASE}{slug}", "title": title, "status": status_code, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(request, body: dict, *, headers: dict | None = None) -> Response:
    response = Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    # Whatever the client asked for, a problem is JSON (the format it is documented in).
    response.accepted_renderer = ProblemJSONRenderer()
    response.accepted_media_type = PROBLEM_CONTENT_TYPE
    response.renderer_context = {"request": request}
    return response


API_PREFIX = "/api/"


def exception_handler(exc, context):
    request = context.get("request")
    if request is not None and not request.path.startswith(API_PREFIX):
        return drf_exception_handler(exc, context)
    instance = request.get_full_path() if request is not None else ""
    headers = {}

    if isinstance(exc, ApplicationError):
        body = problem(status_code=400, detail=exc.message, instance=instance, kind=APPLICATION_ERROR_TYPE)
        if exc.extra:
            body["extra"] = exc.extra
    elif isinstance(exc, Http404):
        body = problem(status_code=404, detail=str(exc) or "Not found.", instance=instance)
    elif isinstance(exc, PermissionDenied):
        body = problem(status_code=403, detail=str(exc) or "You may not do this.", instance=instance)
    elif isinstance(exc, exceptions.ValidationError):
        body = problem(
            status_code=400,
            detail="One or more fields are not valid.",
            instance=instance,
            errors=_field_errors(exc.detail),
        )
    elif isinstance(exc, exceptions.APIException):
        code = exc.status_code
        kind = PARSE_ERROR_TYPE if isinstance(exc, exceptions.ParseError) else None
        auth_header = getattr(exc, "auth_header", None)
        if auth_header and isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            headers["WWW-Authenticate"] = auth_header
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
        detail = exc.detail
        body = problem(
            status_code=code,
            detail=str(detail) if not isinstance(detail, (dict, list)) else "The request is not valid.",
            instance=instance,
            kind=kind,
        )
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(headers["Retry-After"])
        if isinstance(detail, (dict, list)):
            body["errors"] = _field_errors(detail)
    else:
        return None

    set_rollback()
    return problem_response(request, body, headers=headers)
