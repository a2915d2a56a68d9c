"""``/api/v1/seller/returns/``: the seller's returns, approved or refused through
``fulfillment.returns`` as Seller Central's returns page decides them."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from fulfillment.models import ReturnRequest
from fulfillment.returns import return_approve, return_reject
from fulfillment.selectors_returns import return_get_for_seller, return_list_for_seller
from marketplace.api.fields import JSONStringField
from marketplace.api.pagination import CursorPagination
from marketplace.api.requests import validated_body
from marketplace.api.schema import problem
from marketplace.core.inputs import has_control_characters
from orders.api.schema import INVALID_BODY
from sellers.api.auth import SellerApiView, scoped
from sellers.api.common import SELLER_AUTH_ERRORS
from sellers.api_keys import Scope

NO_SUCH_RETURN = problem(404, "No such return of this seller.")
NUMBER_MAX_LENGTH = ReturnRequest._meta.get_field("number").max_length


class ReturnLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="line_id", help_text="The order line's id.")
    sku = serializers.CharField(source="line.sku")
    title = serializers.CharField(source="line.title")
    quantity = serializers.IntegerField()


class SellerReturnSerializer(serializers.Serializer):
    number = serializers.CharField()
    seller_order = serializers.CharField(source="seller_order.number")
    status = serializers.CharField()
    reason = serializers.CharField()
    comment = serializers.CharField()
    seller_note = serializers.CharField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    tracking_number = serializers.CharField(
        source="shipment.tracking_number", default=None, help_text="The return parcel's, once approved."
    )
    lines = ReturnLineSerializer(many=True)


class SellerReturnPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SellerReturnSerializer(many=True)


class ApproveSerializer(serializers.Serializer):
    note = JSONStringField(max_length=500, required=False, default="", allow_blank=True)


class RefuseSerializer(serializers.Serializer):
    note = JSONStringField(max_length=500, help_text="Tells the shopper why (required).")


def return_or_404(seller, number: str) -> ReturnRequest:
    if len(number) > NUMBER_MAX_LENGTH or has_control_characters(number):
        raise Http404("No such return.")
    try:
        return return_get_for_seller(seller=seller, number=number)
    except ReturnRequest.DoesNotExist:
        raise Http404("No such return.") from None


class SellerReturnListApi(SellerApiView):
    scopes = {"GET": Scope.ORDERS_READ}

    @extend_schema(
        operation_id="seller_returns_list",
        tags=["seller"],
        description=scoped(
            Scope.ORDERS_READ,
            "The seller's returns, newest first: by default the open ones (waiting for the "
            "seller, approved, received); `status` picks one state.",
        ),
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=ReturnRequest.Status.values)],
        responses={
            200: SellerReturnPageSerializer,
            **problem(400, "A filter is not valid."),
            **SELLER_AUTH_ERRORS,
        },
    )
    def get(self, request):
        status = request.query_params.get("status") or None
        if status is not None and status not in ReturnRequest.Status.values:
            raise exceptions.ValidationError({"status": ["Use one of the return states."]})
        paginator = CursorPagination()
        paginator.ordering = ("-requested_at", "-pk")
        page = paginator.paginate_queryset(
            return_list_for_seller(seller=self.caller.seller, status=status), request, self
        )
        return paginator.get_paginated_response(SellerReturnSerializer(page, many=True).data)


class SellerReturnDetailApi(SellerApiView):
    scopes = {"GET": Scope.ORDERS_READ}

    @extend_schema(
        operation_id="seller_returns_retrieve",
        tags=["seller"],
        description=scoped(Scope.ORDERS_READ, "One return of the seller."),
        responses={200: SellerReturnSerializer, **NO_SUCH_RETURN, **SELLER_AUTH_ERRORS},
    )
    def get(self, request, number: str):
        return Response(SellerReturnSerializer(return_or_404(self.caller.seller, number)).data)


class SellerReturnDecideApi(SellerApiView):
    """``approve`` or ``refuse``: the decision is the URL's last part."""

    scopes = {"POST": Scope.RETURNS_WRITE}
    decision: str = "approve"

    def post(self, request, number: str):
        seller = self.caller.seller
        rma = return_or_404(seller, number)
        if self.decision == "approve":
            body = validated_body(ApproveSerializer, request)
            return_approve(return_request=rma, actor=request.user, seller=seller, note=body["note"])
        else:
            body = validated_body(RefuseSerializer, request)
            return_reject(return_request=rma, actor=request.user, seller=seller, note=body["note"])
        return Response(SellerReturnSerializer(return_or_404(seller, number)).data)


DECISION_ERRORS = {**INVALID_BODY, **NO_SUCH_RETURN, **SELLER_AUTH_ERRORS}


class SellerReturnApproveApi(SellerReturnDecideApi):
    decision = "approve"

    @extend_schema(
        operation_id="seller_returns_approve",
        tags=["seller"],
        description=scoped(
            Scope.RETURNS_WRITE,
            "Approve a return waiting for the seller: its return label is issued (`tracking_number`). "
            "A return already decided is a `business-rule` problem.",
        ),
        request=ApproveSerializer,
        responses={200: SellerReturnSerializer, **DECISION_ERRORS},
    )
    def post(self, request, number: str):
        return super().post(request, number)


class SellerReturnRefuseApi(SellerReturnDecideApi):
    decision = "refuse"

    @extend_schema(
        operation_id="seller_returns_refuse",
        tags=["seller"],
        description=scoped(
            Scope.RETURNS_WRITE, "Refuse a return waiting for the seller, with a `note` to the shopper."
        ),
        request=RefuseSerializer,
        responses={200: SellerReturnSerializer, **DECISION_ERRORS},
    )
    def post(self, request, number: str):
        return super().post(request, number)
