"""``/api/v1/seller/listings/{id}/stock/``: a listing's stock per warehouse, and setting it.

The quantity on hand is set through ``fulfillment.inventory.services.stock_set_on_hand``, as
Seller Central's inventory page sets it: never below what is reserved for orders, recorded in
the stock history and the audit log with the reason given, the product's pages refreshed.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from catalog.models import Offer
from fulfillment.inventory.selectors import (
    inventory_offer_get_for_seller,
    warehouse_get_for_seller,
    warehouse_list,
)
from fulfillment.inventory.services import MAX_ON_HAND, stock_set_on_hand
from fulfillment.models import Warehouse
from marketplace.api.fields import JSONIntegerField, JSONStringField
from marketplace.api.requests import validated_body
from marketplace.api.schema import problem
from orders.api.schema import INVALID_BODY
from sellers.api.auth import SellerApiView, scoped
from sellers.api.common import SELLER_AUTH_ERRORS, path_id
from sellers.api_keys import Scope

NO_SUCH = problem(404, "No such listing, or no such warehouse, of this seller.")
REASON_MAX_LENGTH = 40


class WarehouseStockSerializer(serializers.Serializer):
    warehouse = serializers.IntegerField(help_text="The warehouse's id.")
    code = serializers.CharField()
    name = serializers.CharField()
    is_active = serializers.BooleanField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField(help_text="Held for orders placed and not shipped yet.")
    available = serializers.IntegerField()


class ListingStockSerializer(serializers.Serializer):
    listing = serializers.IntegerField()
    sku = serializers.CharField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField(help_text="Units that can be sold, in active warehouses.")
    warehouses = WarehouseStockSerializer(many=True)


class StockSetSerializer(serializers.Serializer):
    on_hand = JSONIntegerField(min_value=0, max_value=MAX_ON_HAND)
    reason = JSONStringField(
        max_length=REASON_MAX_LENGTH, help_text="Why (kept in the stock history), e.g. a count's number."
    )


def listing_stock_data(*, seller, pk: int) -> dict:
    """The listing's totals and one row per warehouse of the seller (0 units where it has none)."""
    try:
        offer = inventory_offer_get_for_seller(seller=seller, pk=pk)
    except Offer.DoesNotExist:
        raise Http404("No such listing.") from None
    stocks = {stock.warehouse_id: stock for stock in offer.warehouse_stocks}
    rows = []
    for warehouse in warehouse_list(seller=seller):
        stock = stocks.get(warehouse.pk)
        on_hand, reserved = (stock.on_hand, stock.reserved) if stock else (0, 0)
        rows.append(
            {
                "warehouse": warehouse.pk,
                "code": warehouse.code,
                "name": warehouse.name,
                "is_active": warehouse.is_active,
                "on_hand": on_hand,
                "reserved": reserved,
                "available": on_hand - reserved,
            }
        )
    return {
        "listing": offer.pk,
        "sku": offer.sku,
        "on_hand": offer.on_hand_total,
        "reserved": offer.reserved_total,
        "available": offer.available_total,
        "warehouses": rows,
    }


class ListingStockApi(SellerApiView):
    scopes = {"GET": Scope.LISTINGS_READ}

    @extend_schema(
        operation_id="seller_listing_stock",
        tags=["seller"],
        description=scoped(Scope.LISTINGS_READ, "The listing's units per warehouse of the seller."),
        responses={200: ListingStockSerializer, **NO_SUCH, **SELLER_AUTH_ERRORS},
    )
    def get(self, request, pk: str):
        data = listing_stock_data(seller=self.caller.seller, pk=path_id(pk, what="listing"))
        return Response(ListingStockSerializer(data).data)


class WarehouseStockSetApi(SellerApiView):
    scopes = {"PUT": Scope.INVENTORY_WRITE}

    @extend_schema(
        operation_id="seller_listing_stock_set",
        tags=["seller"],
        description=scoped(
            Scope.INVENTORY_WRITE,
            "Set the units on hand of the listing in one warehouse (never below those reserved for "
            "orders: a `business-rule` problem with `extra.reserved`). Setting the same number "
            "again changes nothing. Answers the listing's stock, as GET .../stock/ does.",
        ),
        request=StockSetSerializer,
        responses={200: ListingStockSerializer, **INVALID_BODY, **NO_SUCH, **SELLER_AUTH_ERRORS},
    )
    def put(self, request, pk: str, warehouse: str):
        seller = self.caller.seller
        try:
            offer = inventory_offer_get_for_seller(seller=seller, pk=path_id(pk, what="listing"))
            place = warehouse_get_for_seller(seller=seller, pk=path_id(warehouse, what="warehouse"))
        except (Offer.DoesNotExist, Warehouse.DoesNotExist):
            raise Http404("No such listing or warehouse.") from None
        body = validated_body(StockSetSerializer, request)
        stock_set_on_hand(
            seller=seller,
            offer=offer,
            warehouse=place,
            on_hand=body["on_hand"],
            actor=request.user,
            reference=body["reason"],
        )
        return Response(ListingStockSerializer(listing_stock_data(seller=seller, pk=offer.pk)).data)
