"""``/api/v1/cart/``: the cart and its lines, for guests (by cart token) and shoppers.

Every read goes through the storefront's ``cart_summary`` (which reviews the
lines against the offers of now), every write through ``orders.cart``'s services.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.requests import validated_body
from marketplace.api.schema import problem
from orders.api.carts import CART_TOKEN_HEADER, api_cart_get, cart_line_offer_id
from orders.api.schema import CART_TOKEN, INVALID_BODY, THROTTLED
from orders.api.serializers.cart import CartLineAddSerializer, CartLineQuantitySerializer, CartSerializer
from orders.cart import cart_add_offer, cart_remove_offer, cart_set_quantity, cart_summary

UNKNOWN_TOKEN = problem(404, "The X-Cart-Token is not known (merged at sign-in, or expired).")
CART_EXAMPLE = OpenApiExample(
    "A guest's cart",
    value={
        "cart_token": "api_Q2h2b3cgdGhlIHRva2VuIHlvdSBnb3QgYmFjaw",
        "lines": [
            {
                "offer": 12,
                "product": {
                    "id": 7,
                    "slug": "noise-cancelling-headphones",
                    "title": "Noise-cancelling headphones",
                },
                "seller": {"id": 3, "slug": "bolt-electronics", "name": "Bolt Electronics"},
                "quantity": 2,
                "unit_price": "89.00",
                "line_total": "178.00",
                "currency": "USD",
                "is_available": True,
                "max_quantity": 10,
                "saved_for_later": False,
            }
        ],
        "saved_for_later": [],
        "sellers": [
            {
                "seller": {"id": 3, "slug": "bolt-electronics", "name": "Bolt Electronics"},
                "subtotal": "178.00",
            }
        ],
        "count": 2,
        "subtotal": "178.00",
        "currency": "USD",
        "changes": ["The price of Noise-cancelling headphones went from $92.00 to $89.00."],
    },
    response_only=True,
)
OFFER_ID = OpenApiParameter("offer_id", int, OpenApiParameter.PATH, description="The line's offer id.")


def cart_response(request, cart, *, status_code=status.HTTP_200_OK) -> Response:
    """The reviewed cart; a guest's token in the body and in ``X-Cart-Token``."""
    token = cart.session_key if cart is not None and cart.user_id is None else None
    body = CartSerializer(cart_summary(cart=cart), context={"cart_token": token}).data
    response = Response(body, status=status_code)
    if token:
        response[CART_TOKEN_HEADER] = token
    return response


class CartApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="cart_retrieve",
        summary="The cart",
        description=(
            "The cart of the signed-in shopper, or of the guest whose `X-Cart-Token` is sent (no token: "
            "an empty cart). Each read reviews the lines as the storefront's cart page does: a new price "
            "is taken, a quantity above the stock left is lowered, a line that can no longer be bought "
            "moves to `saved_for_later`; `changes` says what changed, in words."
        ),
        parameters=[CART_TOKEN],
        responses={200: CartSerializer, **UNKNOWN_TOKEN, **THROTTLED},
        examples=[CART_EXAMPLE],
        tags=["cart"],
    )
    def get(self, request):
        return cart_response(request, api_cart_get(request))


class CartLineAddApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="cart_lines_create",
        summary="Add an offer to the cart",
        description=(
            "Add `quantity` (default 1) of an offer; an offer already in the cart gets the quantity added, "
            "one saved for later comes back. A guest without a token gets a new cart, whose token is "
            "in the answer (`cart_token` and the `X-Cart-Token` header). The storefront's limits apply "
            "(per line, units and lines per cart, the stock left), as `business-rule` problems."
        ),
        parameters=[CART_TOKEN],
        request=CartLineAddSerializer,
        responses={201: CartSerializer, **INVALID_BODY, **UNKNOWN_TOKEN, **THROTTLED},
        examples=[
            OpenApiExample("Two of offer 12", value={"offer": 12, "quantity": 2}, request_only=True),
            CART_EXAMPLE,
        ],
        tags=["cart"],
    )
    def post(self, request):
        body = validated_body(CartLineAddSerializer, request)
        cart = api_cart_get(request, create=True)
        cart_add_offer(cart=cart, offer_id=body["offer"], quantity=body["quantity"])
        return cart_response(request, cart, status_code=status.HTTP_201_CREATED)


class CartLineApi(APIView):
    permission_classes = [permissions.AllowAny]

    def _offer_id(self, request, offer_id):
        cart = api_cart_get(request)
        return cart, cart_line_offer_id(cart=cart, raw=offer_id)

    @extend_schema(
        operation_id="cart_lines_partial_update",
        summary="Change a line's quantity",
        parameters=[CART_TOKEN, OFFER_ID],
        request=CartLineQuantitySerializer,
        responses={
            200: CartSerializer,
            **INVALID_BODY,
            **problem(404, "No line of this offer in the cart (or an unknown X-Cart-Token)."),
            **THROTTLED,
        },
        examples=[OpenApiExample("Three", value={"quantity": 3}, request_only=True)],
        tags=["cart"],
    )
    def patch(self, request, offer_id):
        body = validated_body(CartLineQuantitySerializer, request)
        cart, offer_id = self._offer_id(request, offer_id)
        cart_set_quantity(cart=cart, offer_id=offer_id, quantity=body["quantity"])
        return cart_response(request, cart)

    @extend_schema(
        operation_id="cart_lines_destroy",
        summary="Remove a line",
        description="Remove the offer's line (in the cart or saved for later); the answer is the cart.",
        parameters=[CART_TOKEN, OFFER_ID],
        responses={
            200: CartSerializer,
            **problem(404, "No line of this offer in the cart (or an unknown X-Cart-Token)."),
            **THROTTLED,
        },
        tags=["cart"],
    )
    def delete(self, request, offer_id):
        cart, offer_id = self._offer_id(request, offer_id)
        cart_remove_offer(cart=cart, offer_id=offer_id)
        return cart_response(request, cart)
