"""Serializer fields of the API that take JSON as it is typed, never coerced.

DRF's ``IntegerField`` calls ``int()`` on whatever arrives (``"١"``, ``"3.0"``, ``true``), which
the project's input rules forbid (docs/conventions.md, "Untrusted input"). ``JSONIntegerField``
accepts a JSON number without a fraction only, within a bigint; the services apply their own
limits after it.
"""

from __future__ import annotations

from rest_framework import serializers

from marketplace.core.inputs import has_control_characters

BIGINT_MAX = 2**63 - 1


class JSONIntegerField(serializers.Field):
    default_error_messages = {
        "invalid": "A whole number is required.",
        "min_value": "Ensure this value is greater than or equal to {min_value}.",
        "max_value": "Ensure this value is less than or equal to {max_value}.",
    }

    def __init__(self, *, min_value: int | None = None, max_value: int | None = BIGINT_MAX, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        if self.min_value is not None and data < self.min_value:
            self.fail("min_value", min_value=self.min_value)
        if self.max_value is not None and data > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        return data

    def to_representation(self, value) -> int:
        return int(value)


class JSONStringField(serializers.CharField):
    """A JSON string only (DRF's CharField turns numbers and booleans into text), without
    control characters (PostgreSQL refuses NUL)."""

    default_error_messages = {
        "invalid": "Not a valid string.",
        "control_characters": "This field contains control characters.",
    }

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if has_control_characters(data):
            self.fail("control_characters")
        return super().to_internal_value(data)
