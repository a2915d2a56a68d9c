"""Ship, unship and restock units of an order line or a return, stock row by stock row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fulfillment.inventory.alerts import AlertState, alert_of, stock_alerts_check
from fulfillment.inventory.history import Cause, Move, history_record
from fulfillment.models import Stock
from fulfillment.stock.common import stock_refresh_after_commit, stock_rows_add
from marketplace.core.errors import ApplicationError

if TYPE_CHECKING:
    from orders.models import StockAllocation


def _move_units(allocations: list[StockAllocation], units: int, *, to_status: str) -> list[tuple[int, int]]:
    """Move ``units`` of locked ``allocations`` (oldest first) to ``to_status``; return (stock id, units).

    An allocation moved only in part is split: it keeps the rest, and the
    moved units join the line's allocation in ``to_status`` at the same stock
    row (made if there is none), so a line holds one allocation per stock row
    and status.
    """
    from orders.models import StockAllocation

    moved: list[tuple[int, int]] = []
    for allocation in allocations:
        if units == 0:
            break
        take = min(allocation.quantity, units)
        units -= take
        moved.append((allocation.stock_id, take))
        target = (
            StockAllocation.objects.select_for_update()
            .filter(line_id=allocation.line_id, stock_id=allocation.stock_id, status=to_status)
            .first()
        )
        if take == allocation.quantity and target is None:
            allocation.status = to_status
            allocation.save(update_fields=["status", "updated_at"])
            continue
        if take == allocation.quantity:
            allocation.delete()
        else:
            allocation.quantity -= take
            allocation.save(update_fields=["quantity", "updated_at"])
        if target is None:
            StockAllocation.objects.create(
                line_id=allocation.line_id, stock_id=allocation.stock_id, quantity=take, status=to_status
            )
        else:
            target.quantity += take
            target.save(update_fields=["quantity", "updated_at"])
    if units:
        raise ApplicationError("Fewer units are allocated than asked for.", extra={"missing": units})
    return moved


def _lock_line_allocations(*, line_id: int, stock_ids: Iterable[int], status: str) -> list[StockAllocation]:
    from orders.models import StockAllocation

    return list(
        StockAllocation.objects.select_for_update()
        .filter(line_id=line_id, stock_id__in=list(stock_ids), status=status)
        .order_by("pk")
    )


@transaction.atomic
def stock_ship_units(
    *, line_id: int, stock_ids: Iterable[int], quantity: int, reference: str = ""
) -> list[tuple[int, int]]:
    """Ship ``quantity`` committed units of an order line from the given stock rows.

    Take the units out of ``on_hand`` and ``reserved`` together and return
    ``[(stock id, units), ...]``. Raise ``ApplicationError`` when fewer units
    are committed there; nothing changes then. The caller holds the order's
    lock, so two shipments of one line queue. ``reference`` (the seller order)
    goes into the inventory history.
    """
    from orders.models import StockAllocation

    allocations = _lock_line_allocations(
        line_id=line_id, stock_ids=stock_ids, status=StockAllocation.Status.COMMITTED
    )
    moved = _move_units(allocations, quantity, to_status=StockAllocation.Status.SHIPPED)
    _stock_rows_change(moved, sign=-1, cause=Cause.SHIPMENT, reference=reference)
    return moved


@transaction.atomic
def stock_unship_units(*, line_id: int, stock_id: int, quantity: int, reference: str = "") -> None:
    """Put units of a voided shipment back: ``on_hand`` and ``reserved`` up, allocation committed again."""
    from orders.models import StockAllocation

    allocations = _lock_line_allocations(
        line_id=line_id, stock_ids=[stock_id], status=StockAllocation.Status.SHIPPED
    )
    moved = _move_units(allocations, quantity, to_status=StockAllocation.Status.COMMITTED)
    _stock_rows_change(moved, sign=1, cause=Cause.SHIPMENT_VOIDED, reference=reference)


def _stock_rows_change(moved: list[tuple[int, int]], *, sign: int, cause: str, reference: str) -> None:
    per_stock: dict[int, int] = defaultdict(int)
    for stock_id, units in moved:
        per_stock[stock_id] += units
    levels = {
        pk: (on_hand, reserved)
        for pk, on_hand, reserved in Stock.objects.select_for_update(of=("self",))
        .filter(pk__in=list(per_stock))
        .order_by("pk")
        .values_list("pk", "on_hand", "reserved")
    }
    # on_hand and reserved move together: the units a shopper can buy, and so the pages, stay the same.
    stock_rows_add(per_stock, sign=sign, on_hand=True)
    history_record(
        levels=levels,
        moves=[
            Move(stock_id, sign * units, sign * units, reference) for stock_id, units in per_stock.items()
        ],
        cause=cause,
    )


@transaction.atomic
def stock_restock_units(
    *, offer_id: int, warehouse_id: int, quantity: int, reference: str = "", actor=None
) -> Stock:
    """Put returned units of an offer back on the shelf of a warehouse: ``on_hand`` goes up.

    The stock row is created when the warehouse held none of the offer. The
    units become available to buy, so the product's pages and buy box are
    refreshed after commit when the offer had none left. ``reference`` (the
    return number) goes into the inventory history.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ApplicationError(f"Cannot restock {quantity!r} units.")
    stock, _ = Stock.objects.get_or_create(offer_id=offer_id, warehouse_id=warehouse_id)
    stock = (
        Stock.objects.select_for_update(of=("self",))
        .select_related("offer", "offer__stock_alert")
        .get(pk=stock.pk)
    )
    was_empty = not Stock.objects.filter(offer_id=offer_id, on_hand__gt=F("reserved")).exists()
    Stock.objects.filter(pk=stock.pk).update(on_hand=F("on_hand") + quantity, updated_at=timezone.now())
    history_record(
        levels={stock.pk: (stock.on_hand, stock.reserved)},
        moves=[Move(stock.pk, quantity, 0, reference)],
        cause=Cause.RETURN,
        actor=actor,
    )
    stock.refresh_from_db(fields=["on_hand", "reserved", "updated_at"])
    product_id = stock.offer.product_id
    stock_refresh_after_commit(changed=[product_id], crossed=[product_id] if was_empty else [])
    alert = alert_of(stock.offer)
    if alert is not None and alert.alerted_at is not None:  # units came back: maybe re-arm
        stock_alerts_check(states=[AlertState(offer_id, alert.low_stock_threshold, True)])
    return stock
