"""``/api/v1/returns/``: ask to return delivered units, see a return, withdraw it.

``return_request_create`` decides everything (the seller's policy and window,
the units delivered and already in a return, approval at once for some
reasons); ``return_cancel`` withdraws a return not yet on its way back.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from fulfillment.api.serializers import ReturnCreateSerializer, ReturnDetailSerializer
from fulfillment.models import ReturnRequest
from fulfillment.returns import return_cancel, return_request_create
from fulfillment.selectors_returns import return_get_for_user, seller_order_for_return
from marketplace.api.requests import validated_body
from marketplace.api.schema import problem
from marketplace.core.inputs import has_control_characters
from orders.api.idempotency import idempotent
from orders.api.schema import IDEMPOTENCY_ERRORS, IDEMPOTENCY_KEY, INVALID_BODY, NOT_SIGNED_IN, THROTTLED
from orders.models import SellerOrder

NO_SUCH_RETURN = problem(404, "No such return of yours.")


def _return_or_404(request, number: str) -> ReturnRequest:
    if len(number) > 40 or has_control_characters(number):
        raise Http404("No such return.")
    try:
        return return_get_for_user(user=request.user, number=number)
    except ReturnRequest.DoesNotExist:
        raise Http404("No such return.") from None


def _detail(request, number: str, *, code=status.HTTP_200_OK) -> Response:
    return Response(ReturnDetailSerializer(_return_or_404(request, number)).data, status=code)


def _create(request, body: dict) -> Response:
    try:
        seller_order = seller_order_for_return(user=request.user, number=body["part"])
    except SellerOrder.DoesNotExist:
        raise Http404("No such order.") from None
    rma = return_request_create(
        user=request.user,
        seller_order=seller_order,
        quantities={line["line"]: line["quantity"] for line in body["lines"]},
        reason=body["reason"],
        comment=body["comment"],
    )
    return _detail(request, rma.number, code=status.HTTP_201_CREATED)


class ReturnCreateApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReturnCreateSerializer

    @extend_schema(
        operation_id="returns_create",
        summary="Ask to return items",
        description=(
            "Ask to return delivered units of one part of an order (a seller order), within the seller's "
            "return window, as the storefront's return page does. Some reasons are approved at once "
            "(`status: approved`, with a return parcel); others wait for the seller. A refusal (not "
            "delivered, window closed, more than returnable, no comment for `other`) is a "
            "`business-rule` problem. `Idempotency-Key` is required."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=ReturnCreateSerializer,
        responses={
            201: ReturnDetailSerializer,
            **INVALID_BODY,
            **NOT_SIGNED_IN,
            **problem(404, "No such order part of yours."),
            **IDEMPOTENCY_ERRORS,
            **THROTTLED,
        },
        examples=[
            OpenApiExample(
                "Two units that arrived damaged",
                value={
                    "part": "112-4829133-2911-1",
                    "reason": "damaged",
                    "lines": [{"line": 41, "quantity": 2}],
                },
                request_only=True,
            )
        ],
        tags=["returns"],
    )
    def post(self, request):
        body = validated_body(ReturnCreateSerializer, request)
        return idempotent(request, scope="return-create", perform=lambda: _create(request, body))


class ReturnDetailApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReturnDetailSerializer

    @extend_schema(
        operation_id="returns_retrieve",
        summary="A return",
        responses={200: ReturnDetailSerializer, **NOT_SIGNED_IN, **NO_SUCH_RETURN, **THROTTLED},
        tags=["returns"],
    )
    def get(self, request, number):
        return _detail(request, number)


class ReturnCancelApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReturnDetailSerializer

    @extend_schema(
        operation_id="returns_cancel",
        summary="Withdraw a return",
        description="Withdraw a return not yet on its way back; an unused return label is voided.",
        request=None,
        responses={
            200: ReturnDetailSerializer,
            **INVALID_BODY,
            **NOT_SIGNED_IN,
            **NO_SUCH_RETURN,
            **THROTTLED,
        },
        tags=["returns"],
    )
    def post(self, request, number):
        return_cancel(return_request=_return_or_404(request, number), user=request.user)
        return _detail(request, number)
