"""What every step of a return shares: the returnable units, the audit row, the event, the locks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Sum

from fulfillment.models import (
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
)
from fulfillment.return_policy import ReturnTerms, return_terms, return_window_end
from marketplace.core import events
from marketplace.core.errors import ApplicationError
from orders.lifecycle import order_lock
from orders.models import OrderEvent, OrderLine, SellerOrder
from sellers.models import Seller

RS = ReturnRequest.Status
Reason = ReturnRequest.Reason
ST = Shipment.Status

DECIDABLE = frozenset({RS.REQUESTED})
RECEIVABLE = frozenset({RS.APPROVED})


@dataclass(frozen=True)
class ReturnableLine:
    line: OrderLine
    delivered: int  # units delivered to the shopper
    in_returns: int  # units in returns not rejected or cancelled
    window_ends_at: datetime | None  # the last delivery of the line plus the window

    def open_at(self, now: datetime) -> bool:
        return self.window_ends_at is not None and now <= self.window_ends_at

    def returnable(self, now: datetime) -> int:
        return max(self.delivered - self.in_returns, 0) if self.open_at(now) else 0


def returnable_lines(*, seller_order: SellerOrder, terms: ReturnTerms | None = None) -> list[ReturnableLine]:
    """Each line of the seller order with the units delivered, already in returns, and its window."""
    terms = terms or return_terms(seller=seller_order.seller)
    delivered = {
        row["line_id"]: row
        for row in ShipmentLine.objects.filter(
            shipment__seller_order=seller_order,
            shipment__direction=Shipment.Direction.OUTBOUND,
            shipment__status=ST.DELIVERED,
        )
        .values("line_id")
        .annotate(units=Sum("quantity"), last=Max("shipment__delivered_at"))
    }
    in_returns = dict(
        ReturnLine.objects.filter(return_request__seller_order=seller_order)
        .exclude(return_request__status__in=(RS.REJECTED, RS.CANCELLED))
        .values("line_id")
        .annotate(units=Sum("quantity"))
        .values_list("line_id", "units")
    )
    result = []
    for line in seller_order.lines.order_by("pk"):
        row = delivered.get(line.pk)
        result.append(
            ReturnableLine(
                line=line,
                delivered=row["units"] if row else 0,
                in_returns=in_returns.get(line.pk, 0),
                window_ends_at=return_window_end(terms=terms, delivered_at=row["last"] if row else None),
            )
        )
    return result


def audit(rma: ReturnRequest, kind: str, *, actor=None, message: str = "") -> None:
    OrderEvent.objects.create(
        order_id=rma.seller_order.order_id,
        seller_order_id=rma.seller_order_id,
        kind=f"return_{kind}",
        actor=actor if getattr(actor, "pk", None) else None,
        message=message[:300],
        data={"return": rma.number},
    )


def emit_status(rma: ReturnRequest, *, durable: bool = False) -> None:
    events.emit(
        f"return.{rma.status}",
        durable=durable,
        return_id=rma.pk,
        status=rma.status,
        seller_order_id=rma.seller_order_id,
        order_id=rma.seller_order.order_id,
    )


def lock(rma: ReturnRequest) -> ReturnRequest:
    """Lock the order, the seller order and the return, in that order; return the locked return."""
    return lock_by_id(rma.pk)


def lock_by_id(return_id: int) -> ReturnRequest:
    order_id, seller_order_id = ReturnRequest.objects.values_list(
        "seller_order__order_id", "seller_order_id"
    ).get(pk=return_id)
    order_lock(order_id=order_id)
    SellerOrder.objects.select_for_update().filter(pk=seller_order_id).first()
    return (
        ReturnRequest.objects.select_for_update(of=("self",)).select_related("seller_order").get(pk=return_id)
    )


def sync(target: ReturnRequest, locked: ReturnRequest) -> ReturnRequest:
    if target is not locked:
        target.refresh_from_db()
    return locked


def check_seller(rma: ReturnRequest, seller: Seller | None) -> None:
    if seller is not None and rma.seller_order.seller_id != seller.pk:
        raise ApplicationError("This return is not one of your orders'.")
