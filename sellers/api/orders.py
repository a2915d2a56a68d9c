"""``/api/v1/seller/orders/``: the seller's orders to ship, acknowledging them, shipping a parcel.

Reads through fulfillment's shipping selectors (only orders released to the seller: paid, not
held), the acknowledgement through ``orders.seller_central.services.seller_order_acknowledge``
and a parcel through ``fulfillment.shipments.shipment_create`` (the units leave the stock, the
carrier's label is bought and gives the tracking number), as Seller Central's pages do.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from fulfillment.inventory.selectors import warehouse_get_for_seller
from fulfillment.models import Warehouse
from fulfillment.selectors import (
    seller_order_get_for_seller,
    seller_order_list_to_ship,
    units_waiting_by_warehouse,
)
from fulfillment.shipments import ParcelSpec, shipment_create
from marketplace.api.fields import JSONIntegerField, JSONStringField
from marketplace.api.pagination import CursorPagination
from marketplace.api.requests import validated_body
from marketplace.api.schema import problem
from marketplace.core.inputs import has_control_characters
from orders.api.idempotency import idempotent
from orders.api.schema import IDEMPOTENCY_ERRORS, IDEMPOTENCY_KEY, INVALID_BODY
from orders.api.serializers.orders import ShippingAddressSerializer
from orders.models import SellerOrder
from orders.seller_central.services import seller_order_acknowledge
from sellers.api.auth import SellerApiView, scoped
from sellers.api.common import SELLER_AUTH_ERRORS
from sellers.api_keys import Scope

NO_SUCH_ORDER = problem(404, "No such order of this seller (or not released to it yet).")
NUMBER_MAX_LENGTH = SellerOrder._meta.get_field("number").max_length


class SellerOrderSummarySerializer(serializers.Serializer):
    number = serializers.CharField(help_text="The seller's part of the order.")
    order_number = serializers.CharField(source="order.number")
    status = serializers.CharField()
    placed_at = serializers.DateTimeField(source="order.placed_at")
    promised_from = serializers.DateField(allow_null=True, help_text="Ship by this day.")
    promised_to = serializers.DateField(allow_null=True, help_text="Delivered by this day.")
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    units = serializers.IntegerField()


class SellerOrderPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SellerOrderSummarySerializer(many=True)


class SellerOrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    title = serializers.CharField()
    condition = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(source="unit_price_amount", max_digits=12, decimal_places=2)


class SellerShipmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    warehouse = serializers.IntegerField(source="warehouse_id")
    carrier = serializers.CharField()
    service = serializers.CharField()
    service_name = serializers.CharField()
    tracking_number = serializers.CharField()
    status = serializers.CharField()


class WaitingSerializer(serializers.Serializer):
    warehouse = serializers.IntegerField()
    lines = serializers.DictField(child=serializers.IntegerField(), help_text="Order line id -> units.")


class ShipToSerializer(ShippingAddressSerializer):
    """Where the parcel goes: the order's shipping address, without the buyer's phone."""

    phone = None


class SellerOrderDetailSerializer(SellerOrderSummarySerializer):
    units = None
    ship_to = ShipToSerializer(source="order")
    lines = SellerOrderLineSerializer(many=True)
    shipments = SellerShipmentSerializer(many=True)
    waiting = WaitingSerializer(many=True, help_text="The paid units not shipped yet, per warehouse.")


class LineUnitsSerializer(serializers.Serializer):
    line = JSONIntegerField(min_value=1)
    quantity = JSONIntegerField(min_value=1, max_value=100_000)


class ParcelSerializer(serializers.Serializer):
    weight_grams = JSONIntegerField(min_value=1, max_value=100_000)
    length_cm = JSONIntegerField(min_value=1, max_value=100_000)
    width_cm = JSONIntegerField(min_value=1, max_value=100_000)
    height_cm = JSONIntegerField(min_value=1, max_value=100_000)


class ShipmentCreateSerializer(serializers.Serializer):
    warehouse = JSONIntegerField(min_value=1, help_text="Where the units leave from (see `waiting`).")
    lines = LineUnitsSerializer(many=True, allow_empty=False)
    parcel = ParcelSerializer()
    carrier = JSONStringField(max_length=20, required=False, default="sandbox")
    service = JSONStringField(max_length=40, required=False, default="ground")


def seller_order_or_404(seller, number: str) -> SellerOrder:
    if len(number) > NUMBER_MAX_LENGTH or has_control_characters(number):
        raise Http404("No such order.")
    try:
        return seller_order_get_for_seller(seller=seller, number=number)
    except SellerOrder.DoesNotExist:
        raise Http404("No such order.") from None


def detail_data(seller_order: SellerOrder) -> dict:
    waiting = units_waiting_by_warehouse(seller_order=seller_order)
    seller_order.waiting = [
        {"warehouse": warehouse.pk, "lines": {str(line): units for line, units in lines.items()}}
        for warehouse, lines in waiting
    ]
    return SellerOrderDetailSerializer(seller_order).data


class SellerOrderListApi(SellerApiView):
    scopes = {"GET": Scope.ORDERS_READ}

    @extend_schema(
        operation_id="seller_orders_to_ship",
        tags=["seller"],
        description=scoped(
            Scope.ORDERS_READ,
            "The seller's orders waiting to ship (ready or partly shipped), soonest delivery "
            "promise first, in cursor pages.",
        ),
        responses={
            200: SellerOrderPageSerializer,
            **problem(400, "A cursor is not valid."),
            **SELLER_AUTH_ERRORS,
        },
    )
    def get(self, request):
        paginator = CursorPagination()
        # By the delivery promise; one without a promise last (a cursor needs a value to compare).
        paginator.ordering = ("due", "pk")
        orders = seller_order_list_to_ship(seller=self.caller.seller).annotate(
            due=Coalesce("promised_to", Value(date.max))
        )
        page = paginator.paginate_queryset(orders, request, self)
        return paginator.get_paginated_response(SellerOrderSummarySerializer(page, many=True).data)


class SellerOrderDetailApi(SellerApiView):
    scopes = {"GET": Scope.ORDERS_READ}

    @extend_schema(
        operation_id="seller_orders_retrieve",
        tags=["seller"],
        description=scoped(
            Scope.ORDERS_READ, "One order of the seller: lines, address, parcels, units waiting."
        ),
        responses={200: SellerOrderDetailSerializer, **NO_SUCH_ORDER, **SELLER_AUTH_ERRORS},
    )
    def get(self, request, number: str):
        return Response(detail_data(seller_order_or_404(self.caller.seller, number)))


class SellerOrderAcknowledgeApi(SellerApiView):
    scopes = {"POST": Scope.ORDERS_WRITE}

    @extend_schema(
        operation_id="seller_orders_acknowledge",
        tags=["seller"],
        description=scoped(
            Scope.ORDERS_WRITE,
            "Say the seller has seen the order (once; again changes nothing). A cancelled order "
            "is a `business-rule` problem.",
        ),
        request=None,
        responses={200: SellerOrderDetailSerializer, **INVALID_BODY, **NO_SUCH_ORDER, **SELLER_AUTH_ERRORS},
    )
    def post(self, request, number: str):
        seller_order = seller_order_or_404(self.caller.seller, number)
        validated_body(serializers.Serializer, request)  # no field is taken
        seller_order_acknowledge(seller_order=seller_order, actor=request.user)
        return Response(detail_data(seller_order_or_404(self.caller.seller, number)))


class SellerOrderShipApi(SellerApiView):
    scopes = {"POST": Scope.ORDERS_WRITE}

    @extend_schema(
        operation_id="seller_orders_ship",
        tags=["seller"],
        description=scoped(
            Scope.ORDERS_WRITE,
            "Ship units from one warehouse in one parcel: the carrier's label is bought and its "
            "tracking number returned; the order becomes partly shipped or shipped. "
            "`Idempotency-Key` required.",
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=ShipmentCreateSerializer,
        responses={
            201: SellerShipmentSerializer,
            **INVALID_BODY,
            **NO_SUCH_ORDER,
            **IDEMPOTENCY_ERRORS,
            **SELLER_AUTH_ERRORS,
        },
    )
    def post(self, request, number: str):
        seller = self.caller.seller
        seller_order = seller_order_or_404(seller, number)

        def perform() -> Response:
            body = validated_body(ShipmentCreateSerializer, request)
            try:
                warehouse = warehouse_get_for_seller(seller=seller, pk=body["warehouse"])
            except Warehouse.DoesNotExist:
                raise Http404("No such warehouse.") from None
            quantities: dict[int, int] = {}
            for row in body["lines"]:
                quantities[row["line"]] = quantities.get(row["line"], 0) + row["quantity"]
            shipment = shipment_create(
                seller_order=seller_order,
                warehouse=warehouse,
                quantities=quantities,
                parcel=ParcelSpec(**body["parcel"]),
                service=body["service"],
                carrier=body["carrier"],
                actor=request.user,
            )
            return Response(SellerShipmentSerializer(shipment).data, status=201)

        return idempotent(request, scope=f"seller-{seller.pk}:shipment-create", perform=perform)
