"""The body of a return request; a return is shown as in an order's detail."""

from __future__ import annotations

from rest_framework import serializers

from fulfillment.models import ReturnRequest
from marketplace.api.fields import JSONIntegerField, JSONStringField
from orders.api.serializers.orders import ReturnSerializer


class ReturnLineRequestSerializer(serializers.Serializer):
    line = JSONIntegerField(min_value=1, help_text="An order line id (the order's `parts[].lines[].id`).")
    quantity = JSONIntegerField(min_value=1, max_value=9_999_999)


class ReturnCreateSerializer(serializers.Serializer):
    part = JSONStringField(max_length=40, help_text="The seller order's number (`parts[].number`).")
    reason = JSONStringField(
        max_length=40, help_text="One of: " + ", ".join(ReturnRequest.Reason.values) + "."
    )
    comment = JSONStringField(
        required=False, allow_blank=True, max_length=500, default="", help_text='Required for "other".'
    )
    lines = ReturnLineRequestSerializer(many=True, allow_empty=False)

    def validate_lines(self, lines):
        ids = [line["line"] for line in lines]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Name each line once.")
        return lines


class ReturnDetailSerializer(ReturnSerializer):
    order = serializers.CharField(source="seller_order.order.number")
    part = serializers.CharField(source="seller_order.number")
    comment = serializers.CharField()
    auto_approved = serializers.BooleanField()
    seller_note = serializers.CharField()
    return_tracking_number = serializers.CharField(
        source="shipment.tracking_number", default=None, allow_null=True
    )
