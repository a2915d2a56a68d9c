"""``/api/v1/checkout/quote/``: what placing the cart's order would cost, per seller.

The storefront's ``checkout_build`` computes it (shipping options with their
delivery promises, the amounts of ``orders.totals``, the tax); nothing is
written. ``quote`` in the answer is the storefront's ``checkout_signature``:
POST /api/v1/orders/ places the order only at the amounts the quote showed.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.accounts.selectors import address_get_for_user
from marketplace.api.requests import validated_body
from marketplace.api.schema import problem
from marketplace.core.errors import ApplicationError
from orders.api.carts import api_cart_get
from orders.api.schema import CART_TOKEN, INVALID_BODY, NOT_SIGNED_IN, THROTTLED
from orders.api.serializers.checkout import CheckoutQuoteRequestSerializer, CheckoutQuoteSerializer
from orders.cart import cart_checkout_lines
from orders.checkout import Checkout, checkout_build, checkout_signature
from orders.views_checkout import EMPTY_CART

NO_SUCH_ADDRESS = problem(404, "The address is not one of yours.")


def checkout_address(request, address_id: int):
    """One of the shopper's addresses; anybody else's is a 404."""
    return address_get_for_user(user=request.user, pk=address_id)


def checkout_for_request(request, *, body: dict, require_choice: bool) -> tuple[Checkout, list, object]:
    """Build the checkout of the request's cart: (checkout, its lines, the cart)."""
    address = checkout_address(request, body["address"])
    cart = api_cart_get(request)
    lines = cart_checkout_lines(cart=cart) if cart is not None else []
    if not lines:
        raise ApplicationError(EMPTY_CART)
    checkout = checkout_build(
        lines=lines,
        address=address,
        choices=body.get("shipping") or {},
        now=timezone.now(),
        require_choice=require_choice,
    )
    return checkout, lines, cart


def quote_signature(checkout: Checkout) -> str:
    return checkout_signature(
        address_id=checkout.address.pk, choices=checkout.shipping_choices, checkout=checkout
    )


QUOTE_EXAMPLE = OpenApiExample(
    "One seller, standard shipping to California",
    value={
        "address": 4,
        "sellers": [
            {
                "seller": {"id": 3, "slug": "bolt-electronics", "name": "Bolt Electronics"},
                "lines": [
                    {
                        "offer": 12,
                        "product": {"id": 7, "slug": "usb-c-cable", "title": "USB-C cable"},
                        "quantity": 2,
                        "unit_price": "10.00",
                        "tax_rate": "0.0725",
                        "tax": "1.45",
                        "total": "20.00",
                        "problem": "",
                    }
                ],
                "options": [
                    {
                        "code": "standard",
                        "name": "Standard",
                        "amount": "5.49",
                        "currency": "USD",
                        "promised_from": "2026-12-08",
                        "promised_to": "2026-12-10",
                        "promise": "Arrives Tue, Dec 8 - Thu, Dec 10",
                    }
                ],
                "chosen": "standard",
                "problem": "",
                "subtotal": "20.00",
                "shipping": "5.49",
                "tax": "1.45",
                "total": "26.94",
            }
        ],
        "currency": "USD",
        "subtotal": "20.00",
        "shipping": "5.49",
        "tax": "1.45",
        "total": "26.94",
        "can_place": True,
        "problem": "",
        "shipping_choices": {"3": "standard"},
        "quote": "4;3:standard;0c9d6c1f5be2a7d3",
    },
    response_only=True,
)


class CheckoutQuoteApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="checkout_quote",
        summary="Quote the cart's order",
        description=(
            "What placing the cart's order to `address` would cost: per seller the shipping options "
            "with their delivery promises, the one chosen (`shipping` picks one per seller id; a seller "
            "left out gets its cheapest), the lines with their tax and the amounts; then the order's "
            "totals. `can_place` and the `problem` fields say what stops the order. Nothing is written. "
            "Send `shipping_choices` and `quote` back to POST /api/v1/orders/."
        ),
        parameters=[CART_TOKEN],
        request=CheckoutQuoteRequestSerializer,
        responses={
            200: CheckoutQuoteSerializer,
            **INVALID_BODY,
            **NOT_SIGNED_IN,
            **NO_SUCH_ADDRESS,
            **THROTTLED,
        },
        examples=[
            OpenApiExample(
                "Address 4, expedited from seller 3",
                value={"address": 4, "shipping": {"3": "expedited"}},
                request_only=True,
            ),
            QUOTE_EXAMPLE,
        ],
        tags=["checkout"],
    )
    def post(self, request):
        body = validated_body(CheckoutQuoteRequestSerializer, request)
        checkout, _lines, _cart = checkout_for_request(request, body=body, require_choice=False)
        return Response(
            CheckoutQuoteSerializer(checkout, context={"signature": quote_signature(checkout)}).data
        )
