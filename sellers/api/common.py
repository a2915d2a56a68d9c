"""What the seller endpoints share: an id from the path, strict JSON fields, schema pieces."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions, serializers, status

from marketplace.api.schema import THROTTLED, problem
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_id


class Conflict(exceptions.APIException):
    """A write that collides with what exists (a SKU the seller already uses): a 409 problem."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def path_id(raw: str, *, what: str) -> int:
    """A primary key from the URL, or a 404 (never a 500 for ``99999999999999999999``)."""
    try:
        return parse_id(raw, message=f"No such {what}.")
    except ApplicationError as error:
        raise Http404(error.message) from None


class JSONBooleanField(serializers.BooleanField):
    """``true`` or ``false`` only (DRF's takes ``"yes"``, ``1``, ``"on"``)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class JSONDecimalField(serializers.DecimalField):
    """A decimal amount as a JSON string (``"12.99"``) or number; never a boolean."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


def query_flag(request, name: str) -> bool | None:
    """``?name=true`` or ``false`` (absent: None); anything else is a 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw not in ("true", "false"):
        raise exceptions.ValidationError({name: ["Use true or false."]})
    return raw == "true"


SELLER_AUTH_ERRORS = {
    **problem(401, "No, an unknown, a revoked or an expired key or session token."),
    **problem(
        403,
        "The key lacks the endpoint's scope, the member's role does not include it, the member "
        "needs a second factor, or the user works for no seller (`detail` says which).",
    ),
    **THROTTLED,
}
