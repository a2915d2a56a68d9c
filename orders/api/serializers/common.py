"""Shapes shared by the shopper endpoints: money, a seller, a product reference."""

from __future__ import annotations

from rest_framework import serializers

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**MONEY, **kwargs)


class SellerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()


class ProductRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
