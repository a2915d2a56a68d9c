"""``Idempotency-Key`` on the API calls that create something (orders, payments).

The first request with a key claims it by inserting an ``ApiIdempotencyKey`` row
in the transaction that does the work, and stores the answer there. A retry with
the same key (same user, same kind of call) waits on that insert (the unique
constraint), then gets the stored answer again, marked ``Idempotent-Replayed:
true``, when its method, path and body are the same, or a 422 problem when they
are not. A request that fails (a 4xx problem) rolls back and leaves the key
unclaimed, so the client can fix the request and retry with the same key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework import exceptions, status
from rest_framework.response import Response

from orders.api.models import ApiIdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(r"^[\x20-\x7e]{1,255}$")


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used with a different request; use a new key."
    default_code = "idempotency_key_reused"


def idempotency_key(request) -> str:
    """The request's key, or a 400 problem naming the header."""
    key = request.headers.get(HEADER, "")
    if not key.strip():
        raise exceptions.ValidationError({HEADER: ["This header is required (a new UUID per operation)."]})
    if not _KEY.match(key):
        raise exceptions.ValidationError({HEADER: ["Use 1 to 255 printable ASCII characters."]})
    return key


def request_digest(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(
    request, *, scope: str, perform: Callable[[], Response], rerun_on_replay: bool = False
) -> Response:
    """Run ``perform`` once per key of ``request``; a retry gets its answer again (see the module).

    With ``rerun_on_replay`` (for a ``perform`` idempotent by itself, whose answer carries a
    secret that is not to be stored, like a Stripe client secret) the answer is not stored and
    a matching retry runs ``perform`` again.
    """
    key, digest = idempotency_key(request), request_digest(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ApiIdempotencyKey.objects.create(
                    user=request.user, scope=scope, key=key, request_hash=digest, status_code=0
                )
        except IntegrityError:
            record = ApiIdempotencyKey.objects.get(user=request.user, scope=scope, key=key)
            if record.request_hash != digest:
                raise KeyReused() from None
            if rerun_on_replay:
                response = perform()
                response[REPLAYED_HEADER] = "true"
                return response
            return Response(
                record.response_body, status=record.status_code, headers={REPLAYED_HEADER: "true"}
            )
        response = perform()
        record.status_code = response.status_code
        record.response_body = None if rerun_on_replay else response.data
        record.save(update_fields=["status_code", "response_body"])
    return response
