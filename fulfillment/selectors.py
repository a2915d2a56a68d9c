"""Reads for the shipping pages: the seller's, scoped to the member's seller, and the buyer's parcel page."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, QuerySet, Sum

from fulfillment.models import Shipment, ShipmentLine, TrackingEvent, Warehouse
from orders.models import OrderLine, SellerOrder, StockAllocation
from orders.seller_central.selectors import seller_orders_visible
from sellers.models import Seller

SS = SellerOrder.Status
TO_SHIP = (SS.READY_TO_SHIP, SS.PARTIALLY_SHIPPED)


def seller_order_list_to_ship(*, seller: Seller) -> QuerySet[SellerOrder]:
    """The seller's orders waiting to ship, oldest promise first, with the buyer's order."""
    return (
        seller_orders_visible(seller=seller)
        .filter(status__in=TO_SHIP)
        .select_related("order")
        .annotate(units=Sum("lines__quantity"))
        .order_by("promised_to", "created_at", "pk")
    )


def seller_order_get_for_seller(*, seller: Seller, number: str) -> SellerOrder:
    """One of the seller's orders with lines and parcels; raise ``SellerOrder.DoesNotExist``."""
    return (
        seller_orders_visible(seller=seller)
        .filter(number=number)
        .select_related("order")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch(
                "shipments",
                queryset=Shipment.objects.filter(direction=Shipment.Direction.OUTBOUND)
                .select_related("warehouse")
                .prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects.select_related("line"))),
            ),
        )
        .get()
    )


def shipment_get_for_seller(*, seller: Seller, pk: int) -> Shipment:
    """One of the seller's parcels; raise ``Shipment.DoesNotExist``."""
    return Shipment.objects.select_related("seller_order__order", "warehouse").get(
        seller_order__seller=seller, pk=pk
    )


def units_waiting_by_warehouse(*, seller_order: SellerOrder) -> list[tuple[Warehouse, dict[int, int]]]:
    """Where the paid, unshipped units are: [(warehouse, {line id: units}), ...]."""
    rows = (
        StockAllocation.objects.filter(
            line__seller_order=seller_order, status=StockAllocation.Status.COMMITTED
        )
        .values("stock__warehouse_id", "line_id")
        .annotate(units=Sum("quantity"))
    )
    waiting: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        waiting[row["stock__warehouse_id"]][row["line_id"]] = row["units"]
    warehouses = Warehouse.objects.in_bulk(list(waiting))
    return [(warehouses[pk], waiting[pk]) for pk in sorted(waiting)]


def parcel_get_for_user(*, user, tracking_number: str) -> Shipment:
    """One parcel of the user's orders with its scans (newest first) and units; raise DoesNotExist."""
    return (
        Shipment.objects.filter(seller_order__order__user=user, tracking_number=tracking_number[:40])
        .exclude(status=Shipment.Status.VOIDED)
        .select_related("seller_order__seller", "seller_order__order")
        .prefetch_related(
            Prefetch("tracking_events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id")),
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("line").order_by("pk")),
        )
        .get()
    )
