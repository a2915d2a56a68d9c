"""``/api/v1/orders/``: place an order (Idempotency-Key), the shopper's orders, one order,
cancelling it.

Placing follows the storefront's checkout: the cart's lines, ``checkout_build``
with a shipping choice required per seller, the quote's signature compared (a
price changed since the quote is a 409, nothing placed), ``order_place``
(which has its own key), then the ordered lines leave the cart. Reads are
``orders.selectors_orders``; cancelling is ``orders.lifecycle.order_cancel``.
"""

from __future__ import annotations

import uuid

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.api.requests import validated_body
from marketplace.api.schema import READ_ERRORS, problem
from marketplace.core.errors import ApplicationError
from orders.api.idempotency import idempotent
from orders.api.schema import (
    CART_TOKEN,
    IDEMPOTENCY_ERRORS,
    IDEMPOTENCY_KEY,
    INVALID_BODY,
    NOT_SIGNED_IN,
    THROTTLED,
)
from orders.api.serializers.checkout import PlaceOrderSerializer
from orders.api.serializers.orders import (
    OrderCancelSerializer,
    OrderDetailSerializer,
    OrderPageSerializer,
    OrderSummarySerializer,
)
from orders.api.views.checkout import checkout_for_request, quote_signature
from orders.cart import cart_remove_lines
from orders.lifecycle import order_cancel, order_cancellable
from orders.models import Order
from orders.numbers import ORDER_NUMBER_RE
from orders.placement import PlacementLine, order_place
from orders.selectors_orders import order_get, order_list

# Placement's own key, derived from the shopper and the client's key: a retry that somehow
# missed the API's key row still finds the order placed the first time.
ORDER_KEY_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4b8e-9a57-0e3f4d2b9c11")
NO_SUCH_ORDER = problem(404, "No such order of yours.")
CANCEL_REASON = "Cancelled by the shopper."


class QuoteChanged(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "The amounts changed since this quote (a price, a quantity or the shipping): your order has "
        "not been placed. Ask for a new quote, check it, and place the order with it."
    )
    default_code = "quote_changed"


def order_or_404(request, number: str) -> Order:
    if not ORDER_NUMBER_RE.match(number):
        raise Http404("No such order.")
    try:
        return order_get(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order.") from None


def order_detail_data(order: Order) -> dict:
    cancellable = order_cancellable(order, list(order.seller_orders.all()))
    return OrderDetailSerializer(order, context={"cancellable": cancellable}).data


def _problems(checkout) -> str:
    found = [checkout.problem] if checkout.problem else []
    for group in checkout.groups:
        found += [row.problem for row in group.rows if row.problem]
        if group.problem:
            found.append(f"{group.seller.name}: {group.problem}")
    return " ".join(["Your order has not been placed:", *found])


def place_order(request, body: dict) -> Response:
    checkout, lines, cart = checkout_for_request(request, body=body, require_choice=True)
    if not checkout.can_place:
        raise ApplicationError(_problems(checkout))
    if body["quote"] != quote_signature(checkout):
        raise QuoteChanged()
    order = order_place(
        user=request.user,
        idempotency_key=uuid.uuid5(
            ORDER_KEY_NAMESPACE, f"{request.user.pk}:{request.headers['Idempotency-Key']}"
        ),
        address=checkout.address,
        lines=[PlacementLine(offer_id=line.offer_id, quantity=line.quantity) for line in lines],
        shipping_choices=checkout.shipping_choices,
    )
    cart_remove_lines(cart=cart, offer_ids=[line.offer_id for line in lines])
    order = order_get(user=request.user, number=order.number)
    return Response(order_detail_data(order), status=status.HTTP_201_CREATED)


class OrderListPlaceApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = OrderSummarySerializer

    @extend_schema(
        operation_id="orders_list",
        summary="Your orders",
        description="The signed-in shopper's orders, newest first; cursor pages.",
        responses={200: OrderPageSerializer, **NOT_SIGNED_IN, **READ_ERRORS},
        tags=["orders"],
    )
    def get(self, request):
        self.paginator.ordering = ("-placed_at", "-id")
        page = self.paginate_queryset(order_list(user=request.user))
        return self.get_paginated_response(OrderSummarySerializer(page, many=True).data)

    @extend_schema(
        operation_id="orders_place",
        summary="Place the cart's order",
        description=(
            "Place the order of the cart's lines to `address` with a shipping method per seller, at the "
            "amounts of `quote` (POST /api/v1/checkout/quote/). The stock is reserved for the payment "
            "(`reserved_until`); the ordered lines leave the cart. A price or stock change since the "
            "quote is a 409 and nothing is placed. `Idempotency-Key` is required: a retry with the same "
            "key and body answers the same order (one order), with another body a 422."
        ),
        parameters=[IDEMPOTENCY_KEY, CART_TOKEN],
        request=PlaceOrderSerializer,
        responses={
            201: OrderDetailSerializer,
            **INVALID_BODY,
            **NOT_SIGNED_IN,
            **problem(404, "The address is not one of yours."),
            **problem(409, "The amounts changed since the quote: quote again."),
            **IDEMPOTENCY_ERRORS,
            **THROTTLED,
        },
        examples=[
            OpenApiExample(
                "The quote's picks",
                value={"address": 4, "shipping": {"3": "standard"}, "quote": "4;3:standard;0c9d6c1f5be2a7d3"},
                request_only=True,
            )
        ],
        tags=["orders"],
    )
    def post(self, request):
        body = validated_body(PlaceOrderSerializer, request)
        return idempotent(request, scope="order-place", perform=lambda: place_order(request, body))


class OrderDetailApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = OrderDetailSerializer

    @extend_schema(
        operation_id="orders_retrieve",
        summary="An order",
        description=(
            "One of your orders: its parts per seller with their lines, amounts and status, shipments with "
            "their tracking events (newest first), returns and claims; `cancellable` says whether "
            "cancelling would be taken now."
        ),
        responses={200: OrderDetailSerializer, **NOT_SIGNED_IN, **NO_SUCH_ORDER, **THROTTLED},
        tags=["orders"],
    )
    def get(self, request, number):
        return Response(order_detail_data(order_or_404(request, number)))


class OrderCancelApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = OrderCancelSerializer

    @extend_schema(
        operation_id="orders_cancel",
        summary="Cancel an order",
        description=(
            "Cancel an order before anything of it has shipped, as the order page does: its stock is "
            "released and a paid order is refunded. Otherwise a `business-rule` problem says why not."
        ),
        request=OrderCancelSerializer,
        responses={200: OrderDetailSerializer, **INVALID_BODY, **NOT_SIGNED_IN, **NO_SUCH_ORDER, **THROTTLED},
        examples=[OpenApiExample("Why", value={"reason": "Ordered the wrong size."}, request_only=True)],
        tags=["orders"],
    )
    def post(self, request, number):
        body = validated_body(OrderCancelSerializer, request)
        order = order_or_404(request, number)
        order_cancel(order=order, actor=request.user, reason=body["reason"].strip() or CANCEL_REASON)
        return Response(order_detail_data(order_or_404(request, number)))
