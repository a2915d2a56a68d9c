"""The shopper's address book as the API shows and takes it.

The serializer checks types only; the storefront's ``AddressForm`` applies the
rules (the countries shipped to, postal-code formats, lengths), so an address
the API takes is one the address book page would take.
"""

from __future__ import annotations

from rest_framework import serializers

from marketplace.api.fields import JSONStringField


def _text(*, required: bool = False, help_text: str = "") -> JSONStringField:
    return JSONStringField(
        required=required, allow_blank=not required, trim_whitespace=False, help_text=help_text
    )


class AddressSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = _text(required=True)
    line1 = _text(required=True)
    line2 = _text()
    city = _text(required=True)
    region = _text(help_text="State or region (its code in the US, e.g. CA).")
    postal_code = _text(required=True)
    country = _text(
        required=True, help_text="ISO 3166-1 alpha-2, one of the countries the marketplace ships to."
    )
    phone = _text()
    is_default = serializers.BooleanField(
        required=False, help_text="True makes it the default; the first address is the default."
    )
    created_at = serializers.DateTimeField(read_only=True)


class AddressPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AddressSerializer(many=True)
