"""A checkout quote (``orders.checkout.Checkout``) as the API shows it, and the bodies of the
quote and place-order calls."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.api.fields import JSONIntegerField, JSONStringField
from orders.api.serializers.common import ProductRefSerializer, SellerRefSerializer, money
from orders.checkout import promise_text


class ShippingChoicesField(serializers.DictField):
    """``{"<seller id>": "<shipping method code>"}``: keys are seller ids as JSON object keys."""

    child = JSONStringField(max_length=20)

    def to_internal_value(self, data) -> dict[int, str]:
        try:
            choices = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            # A code's errors, keyed by the seller id the client sent: one list for the field.
            raise serializers.ValidationError(
                [f"{key[:30]}: {message}" for key, messages in error.detail.items() for message in messages]
            ) from None
        parsed = {}
        for key, code in choices.items():
            if not (key.isascii() and key.isdigit()) or len(key) > 18 or int(key) < 1:
                raise serializers.ValidationError(f"{key[:30]!r} is not a seller id.")
            parsed[int(key)] = code
        return parsed


class CheckoutQuoteRequestSerializer(serializers.Serializer):
    address = JSONIntegerField(min_value=1, help_text="One of your address ids.")
    shipping = ShippingChoicesField(
        required=False,
        default=dict,
        help_text="The shipping method picked per seller id; a seller left out gets its cheapest.",
    )


class PlaceOrderSerializer(serializers.Serializer):
    address = JSONIntegerField(min_value=1, help_text="One of your address ids.")
    shipping = ShippingChoicesField(
        help_text="The shipping method of every seller in the cart (the quote's `shipping_choices`)."
    )
    quote = JSONStringField(
        max_length=200,
        help_text="The quote's `quote`: the order is placed only at the amounts that quote showed.",
    )


class ShippingOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    amount = money()
    currency = serializers.CharField()
    promised_from = serializers.DateField()
    promised_to = serializers.DateField()
    promise = serializers.SerializerMethodField(help_text='"Arrives Tue, Dec 1 - Thu, Dec 3".')

    def get_promise(self, option) -> str:
        return promise_text(option)


class QuoteLineSerializer(serializers.Serializer):
    offer = serializers.IntegerField(source="line.offer_id")
    product = ProductRefSerializer(source="line.offer.product")
    quantity = serializers.IntegerField(source="line.quantity")
    unit_price = money(source="line.offer.price_amount")
    tax_rate = serializers.DecimalField(
        source="totals.tax_rate", max_digits=6, decimal_places=4, allow_null=True
    )
    tax = money(source="totals.tax_amount", allow_null=True)
    total = money(source="totals.total", allow_null=True, help_text="unit_price x quantity, before tax.")
    problem = serializers.CharField(help_text="Why this line cannot be ordered as it stands, or empty.")


class QuoteSellerSerializer(serializers.Serializer):
    seller = SellerRefSerializer()
    lines = QuoteLineSerializer(many=True, source="rows")
    options = ShippingOptionSerializer(many=True, help_text="The ways this seller can ship these items.")
    chosen = serializers.CharField(source="chosen.code", default=None, allow_null=True)
    problem = serializers.CharField(help_text="Why this part cannot be placed as it stands, or empty.")
    subtotal = money(source="totals.subtotal", allow_null=True)
    shipping = money(source="totals.shipping", allow_null=True)
    tax = money(source="totals.tax", allow_null=True)
    total = money(source="totals.total", allow_null=True)


class CheckoutQuoteSerializer(serializers.Serializer):
    address = serializers.IntegerField(source="address.pk")
    sellers = QuoteSellerSerializer(many=True, source="groups")
    currency = serializers.CharField()
    subtotal = money(source="totals.subtotal", allow_null=True)
    shipping = money(source="totals.shipping", allow_null=True)
    tax = money(source="totals.tax", allow_null=True)
    total = money(source="totals.total", allow_null=True)
    can_place = serializers.BooleanField()
    problem = serializers.CharField(help_text="Why the order as a whole cannot be placed, or empty.")
    shipping_choices = serializers.SerializerMethodField(help_text="Send these back to place the order.")
    quote = serializers.SerializerMethodField(
        help_text="Send it back to place the order: a price changed since makes placing a 409."
    )

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_shipping_choices(self, checkout) -> dict:
        return {str(seller_id): code for seller_id, code in checkout.shipping_choices.items()}

    def get_quote(self, checkout) -> str:
        return self.context["signature"]
