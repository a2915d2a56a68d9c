"""Payments and refunds as the API shows them, and the body of starting a payment."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.api.fields import JSONStringField
from orders.api.serializers.common import money


class CardSerializer(serializers.Serializer):
    """A card as the sandbox's pay form takes it (the sandbox's test cards, docs/api.md)."""

    name = JSONStringField(max_length=100)
    number = JSONStringField(max_length=23, help_text="e.g. 4242 4242 4242 4242 (succeeds).")
    expiry = JSONStringField(max_length=7, help_text="MM/YY")
    cvc = JSONStringField(max_length=4)


class PaymentStartSerializer(serializers.Serializer):
    card = CardSerializer(required=False, help_text="The sandbox only; with Stripe leave it out.")
    billing_country = JSONStringField(required=False, allow_blank=True, max_length=2, default="")


class RefundSerializer(serializers.Serializer):
    amount = money()
    status = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class PaymentSerializer(serializers.Serializer):
    id = serializers.CharField(source="provider_payment_id", help_text="The provider's payment id.")
    provider = serializers.CharField(help_text="sandbox or stripe")
    status = serializers.CharField(
        help_text="created, requires_action, succeeded, failed, cancelled, refunded, partially_refunded"
    )
    amount = money()
    currency = serializers.CharField()
    failure_code = serializers.CharField()
    failure_message = serializers.CharField()
    next_action_url = serializers.CharField(
        help_text="requires_action: the page the shopper completes (3-D Secure), then POST .../sync/."
    )
    created_at = serializers.DateTimeField()
    refunds = RefundSerializer(many=True, source="refunds.all")


class PaymentResultSerializer(serializers.Serializer):
    payment = PaymentSerializer()
    order_status = serializers.CharField(help_text="The order's status after this call (paid, on_hold, ...).")
    refunded_because = serializers.CharField(
        help_text="Set when the money was taken but the order could no longer take it, so it was refunded."
    )
    client_secret = serializers.CharField(
        allow_null=True, help_text="Stripe only: confirm it with the Payment Element or a native SDK."
    )


class PaymentPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PaymentSerializer(many=True)
