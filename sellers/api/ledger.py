"""``/api/v1/seller/ledger/``: the seller's balance, what can be paid out now, and a period's
statement, from the payments ledger's selectors (the same figures as Seller Central's money
pages and the older ``/pay/api/sellers/<slug>/ledger/``)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from marketplace.api.schema import problem
from payments.api_ledger import LedgerEntrySerializer, LedgerQuerySerializer
from payments.ledger import ledger_available, ledger_balance, ledger_statement
from sellers.api.auth import SellerApiView, scoped
from sellers.api.common import SELLER_AUTH_ERRORS
from sellers.api_keys import Scope


def money():
    return serializers.DecimalField(max_digits=12, decimal_places=2)


class StatementSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    opening_balance = money()
    credits = money()
    debits = money()
    closing_balance = money()
    entries = LedgerEntrySerializer(many=True)


class LedgerSerializer(serializers.Serializer):
    balance = money()
    available = money()
    statement = StatementSerializer()


class SellerLedgerApi(SellerApiView):
    scopes = {"GET": Scope.FINANCE_READ}

    @extend_schema(
        operation_id="seller_ledger",
        tags=["seller"],
        description=scoped(
            Scope.FINANCE_READ,
            "The seller's balance, what can be paid out now, and the statement of a period (default: "
            "this month so far, UTC; at most 366 days).",
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="YYYY-MM-DD"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="YYYY-MM-DD"),
        ],
        responses={200: LedgerSerializer, **problem(400, "A date is not valid."), **SELLER_AUTH_ERRORS},
    )
    def get(self, request):
        seller = self.caller.seller
        query = LedgerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        statement = ledger_statement(
            seller=seller, start=query.validated_data["start"], end=query.validated_data["end"]
        )
        data = {
            "balance": ledger_balance(seller=seller),
            "available": ledger_available(seller=seller, now=timezone.now()),
            "statement": statement,
        }
        return Response(LedgerSerializer(data).data)
