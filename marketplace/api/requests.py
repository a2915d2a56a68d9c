"""Reading a write's JSON body: unknown fields refused, then the serializer's validation."""

from __future__ import annotations

from marketplace.api.mixins import reject_unknown_fields


def validated_body(serializer_class, request, **kwargs) -> dict:
    """Return the validated body of ``request``; raise ValidationError (a 400 problem) naming
    each bad or unknown field."""
    serializer = serializer_class(data=request.data, **kwargs)
    reject_unknown_fields(serializer, request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
