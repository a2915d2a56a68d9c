"""Orders as the shopper's order pages show them: parts per seller, lines, amounts, status,
shipments with their tracking, returns and claims."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.api.fields import JSONStringField
from orders.api.serializers.common import SellerRefSerializer, money


class OrderSummarySerializer(serializers.Serializer):
    """An order in the list."""

    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    placed_at = serializers.DateTimeField()
    currency = serializers.CharField()
    total = money(source="total_amount")
    seller_order_count = serializers.IntegerField(help_text="How many sellers ship it.")


class OrderPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OrderSummarySerializer(many=True)


class ShippingAddressSerializer(serializers.Serializer):
    full_name = serializers.CharField(source="ship_full_name")
    line1 = serializers.CharField(source="ship_line1")
    line2 = serializers.CharField(source="ship_line2")
    city = serializers.CharField(source="ship_city")
    region = serializers.CharField(source="ship_region")
    postal_code = serializers.CharField(source="ship_postal_code")
    country = serializers.CharField(source="ship_country")
    phone = serializers.CharField(source="ship_phone")


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    offer = serializers.IntegerField(source="offer_id", allow_null=True)
    product_slug = serializers.CharField(source="product.slug", default=None, allow_null=True)
    title = serializers.CharField()
    sku = serializers.CharField()
    condition = serializers.CharField()
    unit_price = money(source="unit_price_amount")
    quantity = serializers.IntegerField()
    tax_rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    tax = money(source="tax_amount")
    total = money(source="total_amount", help_text="unit_price x quantity, before tax.")


class TrackingEventSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    description = serializers.CharField()
    location = serializers.CharField()
    occurred_at = serializers.DateTimeField()


class ShipmentSerializer(serializers.Serializer):
    carrier = serializers.CharField()
    service_name = serializers.CharField()
    tracking_number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    picked_up_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    tracking = TrackingEventSerializer(many=True, source="tracking_events.all", help_text="Newest first.")


class ReturnSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    reason = serializers.CharField()
    requested_at = serializers.DateTimeField()
    refund_amount = money(allow_null=True)
    refunded_at = serializers.DateTimeField(allow_null=True)
    lines = serializers.SerializerMethodField(help_text="Order line ids and the quantity sent back.")

    def get_lines(self, rma) -> list[dict[str, int]]:
        return [{"line": line.line_id, "quantity": line.quantity} for line in rma.lines.all()]


class ClaimSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    reason = serializers.CharField()
    opened_at = serializers.DateTimeField()
    refund_amount = money(allow_null=True)


class SellerOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    seller = SellerRefSerializer()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    shipping_method = serializers.CharField()
    shipping_method_name = serializers.CharField()
    promised_from = serializers.DateField(allow_null=True)
    promised_to = serializers.DateField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    subtotal = money(source="subtotal_amount")
    shipping = money(source="shipping_amount")
    tax = money(source="tax_amount")
    total = money(source="total_amount")
    lines = OrderLineSerializer(many=True, source="lines.all")
    shipments = ShipmentSerializer(many=True, source="shipments.all")
    returns = ReturnSerializer(many=True, source="returns.all")
    claims = ClaimSerializer(many=True, source="claims.all")


class OrderDetailSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    placed_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    reserved_until = serializers.DateTimeField(
        allow_null=True, help_text="An unpaid order's stock is released after this."
    )
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    currency = serializers.CharField()
    subtotal = money(source="subtotal_amount")
    shipping = money(source="shipping_amount")
    tax = money(source="tax_amount")
    total = money(source="total_amount")
    shipping_address = ShippingAddressSerializer(source="*")
    cancellable = serializers.SerializerMethodField(help_text="Whether POST .../cancel/ would be taken now.")
    parts = SellerOrderSerializer(many=True, source="seller_orders.all", help_text="One per seller.")

    def get_cancellable(self, order) -> bool:
        return self.context["cancellable"]


class OrderCancelSerializer(serializers.Serializer):
    reason = JSONStringField(required=False, allow_blank=True, max_length=300, default="")
