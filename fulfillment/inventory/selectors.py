"""Reads of Seller Central's inventory pages, every one scoped to the member's seller."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from catalog.models import Offer
from fulfillment.models import InventoryChange, Stock, Warehouse
from sellers.models import Seller


@dataclass(frozen=True, slots=True)
class InventoryFilters:
    query: str = ""
    low_only: bool = False
    out_only: bool = False
    warehouse_id: int | None = None


def _stock_sum(expression, *, active_only: bool = False):
    rows = Stock.objects.filter(offer=OuterRef("pk"))
    if active_only:
        rows = rows.filter(warehouse__is_active=True)
    total = rows.order_by().values("offer").annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def offers_with_stock_totals(*, seller: Seller) -> QuerySet[Offer]:
    """The seller's offers with ``on_hand_total``, ``reserved_total`` and ``available_total`` (units
    in active warehouses that can be sold) and their threshold (``stock_alert``)."""
    return (
        Offer.objects.filter(seller=seller)
        .select_related("product", "stock_alert")
        .annotate(
            on_hand_total=_stock_sum(F("on_hand")),
            reserved_total=_stock_sum(F("reserved")),
            available_total=_stock_sum(F("on_hand") - F("reserved"), active_only=True),
        )
    )


def inventory_list(*, seller: Seller, filters: InventoryFilters) -> QuerySet[Offer]:
    """The seller's offers for the inventory page, by product title and SKU, each with its stock rows
    in the seller's warehouses prefetched (``warehouse_stocks``)."""
    offers = offers_with_stock_totals(seller=seller)
    if filters.query:
        offers = offers.filter(Q(product__title__icontains=filters.query) | Q(sku__icontains=filters.query))
    if filters.warehouse_id is not None:
        offers = offers.filter(
            Exists(Stock.objects.filter(offer=OuterRef("pk"), warehouse_id=filters.warehouse_id))
        )
    if filters.out_only:
        offers = offers.filter(available_total__lte=0)
    if filters.low_only:
        offers = offers.filter(available_total__lte=F("stock_alert__low_stock_threshold"))
    return offers.prefetch_related(
        Prefetch(
            "stocks",
            queryset=Stock.objects.filter(warehouse__seller=seller).order_by("warehouse_id"),
            to_attr="warehouse_stocks",
        )
    ).order_by("product__title", "sku", "pk")


def inventory_offer_get_for_seller(*, seller: Seller, pk: int) -> Offer:
    """One of the seller's offers with its stock totals and threshold; raise ``Offer.DoesNotExist``."""
    return (
        offers_with_stock_totals(seller=seller)
        .prefetch_related(
            Prefetch(
                "stocks",
                queryset=Stock.objects.filter(warehouse__seller=seller).order_by("warehouse_id"),
                to_attr="warehouse_stocks",
            )
        )
        .get(pk=pk)
    )


def inventory_summary(*, seller: Seller) -> dict:
    """Listings on sale that are low on stock or out of it, and the seller's warehouses (two queries)."""
    counts = (
        offers_with_stock_totals(seller=seller)
        .filter(is_active=True)
        .aggregate(
            out=Count("pk", filter=Q(available_total__lte=0)),
            low=Count(
                "pk",
                filter=Q(available_total__gt=0, available_total__lte=F("stock_alert__low_stock_threshold")),
            ),
        )
    )
    warehouses = Warehouse.objects.filter(seller=seller).aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(is_active=True))
    )
    return {**counts, "warehouses": warehouses["total"], "active_warehouses": warehouses["active"]}


def inventory_change_list(
    *, seller: Seller, query: str = "", cause: str = "", offer_id: int | None = None
) -> QuerySet[InventoryChange]:
    """The history of the seller's stock, newest first, with offer, product, warehouse and actor."""
    changes = InventoryChange.objects.filter(stock__offer__seller=seller)
    if offer_id is not None:
        changes = changes.filter(stock__offer_id=offer_id)
    if query:
        changes = changes.filter(
            Q(stock__offer__sku__icontains=query)
            | Q(stock__offer__product__title__icontains=query)
            | Q(reference__iexact=query)
        )
    if cause:
        changes = changes.filter(cause=cause)
    return changes.select_related("stock__offer__product", "stock__warehouse", "actor").order_by(
        "-created_at", "-id"
    )


def warehouse_list(*, seller: Seller) -> QuerySet[Warehouse]:
    """The seller's warehouses by name, with ``units_on_hand`` and ``listings`` (stock rows holding units)."""
    return (
        Warehouse.objects.filter(seller=seller)
        .annotate(
            units_on_hand=Coalesce(Sum("stocks__on_hand"), Value(0)),
            listings=Count("stocks", filter=Q(stocks__on_hand__gt=0)),
        )
        .order_by("name", "pk")
    )


def warehouse_get_for_seller(*, seller: Seller, pk: int) -> Warehouse:
    """One of the seller's own warehouses; raise ``Warehouse.DoesNotExist``."""
    return Warehouse.objects.get(seller=seller, pk=pk)
