"""The cart as the API shows it, and the bodies of its writes."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.api.fields import JSONIntegerField
from orders.api.serializers.common import ProductRefSerializer, SellerRefSerializer, money


class CartLineSerializer(serializers.Serializer):
    """A line as the storefront's cart review left it (the price and stock of now)."""

    offer = serializers.IntegerField(source="offer_id", help_text="The offer's id.")
    product = ProductRefSerializer(source="offer.product")
    seller = SellerRefSerializer(source="offer.seller")
    quantity = serializers.IntegerField()
    unit_price = money(source="offer.price_amount")
    line_total = money(source="subtotal_amount", help_text="unit_price x quantity, before tax.")
    currency = serializers.CharField(source="offer.currency")
    is_available = serializers.BooleanField(help_text="False: it can no longer be bought.")
    max_quantity = serializers.IntegerField(help_text="The most the shopper can have of it now.")
    saved_for_later = serializers.BooleanField()


class SellerSubtotalSerializer(serializers.Serializer):
    seller = SellerRefSerializer()
    subtotal = money(source="subtotal_amount")


class CartSerializer(serializers.Serializer):
    """``orders.cart.CartSummary``, with the guest's cart token."""

    cart_token = serializers.SerializerMethodField(
        help_text="A guest's cart token: send it back in X-Cart-Token. Null when signed in."
    )
    lines = CartLineSerializer(many=True, help_text="In the cart, grouped by seller.")
    saved_for_later = CartLineSerializer(many=True, source="saved_lines")
    sellers = SellerSubtotalSerializer(many=True, source="groups")
    count = serializers.IntegerField(help_text="Units in the cart (saved for later not counted).")
    subtotal = money(source="subtotal_amount")
    currency = serializers.CharField()
    changes = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the review put right since the cart was last seen (prices, stock), in words.",
    )

    def get_cart_token(self, summary) -> str | None:
        return self.context.get("cart_token")


class CartLineAddSerializer(serializers.Serializer):
    offer = JSONIntegerField(min_value=1, help_text="The offer's id (a product page's offers).")
    quantity = JSONIntegerField(min_value=1, required=False, default=1)


class CartLineQuantitySerializer(serializers.Serializer):
    quantity = JSONIntegerField(min_value=1)
