"""View mixins of the API: unknown fields refused on writes, ETags on reads."""

from __future__ import annotations

import hashlib

from django.http import HttpResponseNotModified
from django.utils.cache import quote_etag
from rest_framework import exceptions


class RejectUnknownFieldsMixin:
    """Refuse a write whose JSON body has a field the serializer does not declare.

    DRF drops unknown fields silently; a client sending ``is_staff`` or ``price`` on an order
    line must learn that it was not taken (400, each unknown field named in ``errors``).
    Read-only fields count as unknown: they cannot be written.
    """

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        data = kwargs.get("data")
        if data is not None:
            reject_unknown_fields(serializer, data)
        return serializer


def reject_unknown_fields(serializer, data) -> None:
    """Raise ValidationError naming the keys of ``data`` that ``serializer`` does not write."""
    if not isinstance(data, dict):
        return  # DRF's own validation says the body must be an object
    writable = {name for name, field in serializer.fields.items() if not field.read_only}
    unknown = sorted(set(data) - writable)
    if unknown:
        raise exceptions.ValidationError({name: ["This field is not accepted."] for name in unknown})


class ETagMixin:
    """A strong ETag on successful GETs (a hash of the body), and 304 for a matching
    ``If-None-Match``: a client polling a product or the category tree downloads it once."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        response.setdefault("Cache-Control", "private, no-cache")
        # Weak comparison (RFC 9110 13.1.2), as If-None-Match requires.
        presented = [
            tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")
        ]
        if etag in presented or "*" in presented:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            not_modified["Cache-Control"] = response["Cache-Control"]
            return not_modified
        return response
