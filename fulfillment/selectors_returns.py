"""Reads for the return pages: the shopper's own returns, and the seller's, each scoped to its owner."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from fulfillment.models import ReturnLine, ReturnRequest
from orders.models import SellerOrder
from sellers.models import Seller

RS = ReturnRequest.Status
# The seller's queue: what waits for it first, then what is on its way back, then the rest.
SELLER_OPEN = (RS.REQUESTED, RS.APPROVED, RS.RECEIVED)


def _with_lines(queryset: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return queryset.select_related("shipment").prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("line").order_by("pk"))
    )


def seller_order_for_return(*, user, number: str) -> SellerOrder:
    """One of the user's seller orders with its seller and policy; raise ``SellerOrder.DoesNotExist``."""
    return (
        SellerOrder.objects.select_related("order", "seller__return_policy")
        .prefetch_related("lines")
        .get(order__user=user, number=number)
    )


def return_get_for_user(*, user, number: str) -> ReturnRequest:
    """One of the user's returns; raise ``ReturnRequest.DoesNotExist``."""
    return _with_lines(
        ReturnRequest.objects.filter(user=user, number=number).select_related("seller_order")
    ).get()


def return_list_for_seller(*, seller: Seller, status: str | None = None) -> QuerySet[ReturnRequest]:
    """The seller's returns, those waiting for it first, newest first within each state."""
    returns = ReturnRequest.objects.filter(seller_order__seller=seller)
    returns = returns.filter(status=status) if status else returns.filter(status__in=SELLER_OPEN)
    waiting_first = Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(SELLER_OPEN)),
        default=Value(len(SELLER_OPEN)),
        output_field=IntegerField(),
    )
    return _with_lines(returns.select_related("seller_order__order")).order_by(
        waiting_first, "-requested_at", "-pk"
    )


def return_get_for_seller(*, seller: Seller, number: str) -> ReturnRequest:
    """One of the seller's returns; raise ``ReturnRequest.DoesNotExist``."""
    return _with_lines(
        ReturnRequest.objects.filter(seller_order__seller=seller, number=number).select_related(
            "seller_order__order"
        )
    ).get()
