"""The export of a seller's offers, in the import's format (fulfillment/imports/files.py)."""

from __future__ import annotations

from django.db.models import Prefetch

from catalog.models import Offer
from fulfillment.imports.files import BASE_COLUMNS, QTY_PREFIX, csv_bytes, xlsx_bytes
from fulfillment.models import Stock, Warehouse


def offer_export_table(*, seller) -> tuple[list[str], list[list]]:
    """The header and one row per offer of ``seller`` (by SKU): three queries whatever the size."""
    warehouses = list(Warehouse.objects.filter(seller=seller).order_by("code"))
    offers = (
        Offer.objects.filter(seller=seller)
        .select_related("product")
        .only(
            "sku",
            "condition",
            "condition_note",
            "price_amount",
            "shipping_amount",
            "handling_days",
            "is_active",
            "product__gtin",
            "product__slug",
        )
        .prefetch_related(
            Prefetch("stocks", queryset=Stock.objects.only("offer_id", "warehouse_id", "on_hand"))
        )
        .order_by("sku")
    )
    header = [*BASE_COLUMNS, *(f"{QTY_PREFIX}{w.code}" for w in warehouses)]
    rows = []
    for offer in offers:
        on_hand = {stock.warehouse_id: stock.on_hand for stock in offer.stocks.all()}
        rows.append(
            [
                offer.sku,
                offer.product.gtin or "",
                offer.product.slug,
                offer.condition,
                offer.condition_note,
                offer.price_amount,
                offer.shipping_amount,
                offer.handling_days,
                "yes" if offer.is_active else "no",
                *(on_hand.get(w.pk, 0) for w in warehouses),
            ]
        )
    return header, rows


def offer_export(*, seller, file_format: str) -> bytes:
    header, rows = offer_export_table(seller=seller)
    if file_format == "xlsx":
        return xlsx_bytes(header, rows, title="Listings")
    return csv_bytes(header, rows)
