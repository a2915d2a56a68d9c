"""Reserve, commit, release and ship the units of allocations (``orders.StockAllocation``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from catalog.models import Offer
from fulfillment.inventory.alerts import AlertState, alert_of, stock_alerts_check
from fulfillment.inventory.history import Cause, Move, history_record, moves_by_reference
from fulfillment.models import Stock
from fulfillment.stock.common import (
    Allocation,
    OutOfStock,
    distance_km,
    stock_refresh_after_commit,
    stock_rows_add,
)
from marketplace.core.errors import ApplicationError

if TYPE_CHECKING:
    from fulfillment.shipping import Destination
    from orders.models import StockAllocation


def _nearest_first(stocks: list[Stock], destination: Destination | None) -> list[Stock]:
    latitude = getattr(destination, "latitude", None)
    longitude = getattr(destination, "longitude", None)
    if latitude is None or longitude is None:
        return sorted(stocks, key=lambda s: (s.warehouse_id, s.pk))
    lat, lon = float(latitude), float(longitude)

    def key(stock):
        warehouse = stock.warehouse
        return (
            distance_km(lat, lon, float(warehouse.latitude), float(warehouse.longitude)),
            stock.warehouse_id,
            stock.pk,
        )

    return sorted(stocks, key=key)


def _allocate(quantity: int, stocks: list[Stock]) -> list[Allocation]:
    """Take ``quantity`` units from ``stocks`` in order; return [] if they do not suffice."""
    allocations, missing = [], quantity
    for stock in stocks:
        take = min(stock.available, missing)
        if take > 0:
            allocations.append((stock.pk, take))
            missing -= take
        if missing == 0:
            return allocations
    return []


def _checked_quantities(offer_quantities: dict[int, int]) -> dict[int, int]:
    if not offer_quantities:
        raise ApplicationError("There is nothing to reserve.")
    for offer_id, quantity in offer_quantities.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ApplicationError(f"Cannot reserve {quantity!r} units of offer {offer_id}.")
    return offer_quantities


@transaction.atomic
def stock_reserve(
    *, offer_quantities: dict[int, int], destination: Destination | None = None, reference: str = ""
) -> dict[int, list[Allocation]]:
    """Reserve units of each offer, nearest warehouse first; all or nothing.

    Lock every stock row of the requested offers in primary-key order, then
    allocate each offer's quantity from the warehouse nearest ``destination``
    (by latitude/longitude when known, else in warehouse order), splitting
    across warehouses when one does not hold enough. Return
    ``{offer_id: [(stock_id, quantity), ...]}``. Raise ``OutOfStock`` for the
    first line that cannot be met, having changed nothing. ``reference`` (the order number)
    goes into the inventory history.
    """
    offer_quantities = _checked_quantities(offer_quantities)
    locked = list(
        Stock.objects.select_for_update(of=("self",))
        .filter(offer_id__in=list(offer_quantities), warehouse__is_active=True)
        .select_related("warehouse", "offer", "offer__stock_alert")
        .order_by("pk")
    )
    stocks_by_offer: dict[int, list[Stock]] = defaultdict(list)
    for stock in locked:
        stocks_by_offer[stock.offer_id].append(stock)

    result: dict[int, list[Allocation]] = {}
    for offer_id, quantity in offer_quantities.items():
        stocks = _nearest_first(stocks_by_offer.get(offer_id, []), destination)
        allocations = _allocate(quantity, stocks)
        if not allocations:
            available = sum(max(s.available, 0) for s in stocks)
            title = Offer.objects.filter(pk=offer_id).values_list("product__title", flat=True).first()
            raise OutOfStock(
                offer_id=offer_id, title=title or "this item", requested=quantity, available=available
            )
        result[offer_id] = allocations

    per_stock: dict[int, int] = defaultdict(int)
    for allocations in result.values():
        for stock_id, quantity in allocations:
            per_stock[stock_id] += quantity
    stock_rows_add(per_stock)
    # Every stock row is >= 0 available (CHECK constraints), so an offer's units run out
    # exactly when its locked rows held no more than what was just reserved.
    left: dict[tuple[int, int], int] = defaultdict(int)  # (offer id, product id) -> units
    for stock in locked:
        left[stock.offer_id, stock.offer.product_id] += stock.available - per_stock.get(stock.pk, 0)
    stock_refresh_after_commit(
        changed=(product_id for _, product_id in left),
        crossed=(product_id for (_, product_id), units in left.items() if units <= 0),
    )
    history_record(
        levels={stock.pk: (stock.on_hand, stock.reserved) for stock in locked},
        moves=[Move(stock_id, 0, units, reference) for stock_id, units in per_stock.items()],
        cause=Cause.RESERVATION,
    )
    settings_by_offer = {stock.offer_id: alert_of(stock.offer) for stock in locked}
    stock_alerts_check(
        states=[
            AlertState(offer_id, alert.low_stock_threshold, alert.alerted_at is not None, units)
            for (offer_id, _), units in left.items()
            if (alert := settings_by_offer.get(offer_id)) is not None
        ]
    )
    return result


class _Taken:
    """What ``_take_allocations`` moved: units per stock row and per (row, order), the rows' levels."""

    def __init__(self, taken: list[tuple], stocks: list[tuple]):
        self.per_stock: dict[int, int] = defaultdict(int)
        for _, stock_id, quantity, _number in taken:
            self.per_stock[stock_id] += quantity
        self.by_reference = [(stock_id, number, quantity) for _, stock_id, quantity, number in taken]
        self.levels = {pk: (on_hand, reserved) for pk, _, _, on_hand, reserved, _, _ in stocks}
        self.alerts = {
            offer_id: AlertState(offer_id, threshold, alerted_at is not None)
            for _, offer_id, _, _, _, threshold, alerted_at in stocks
            if threshold is not None
        }


def _take_allocations(allocations: Iterable[StockAllocation], *, from_statuses, to_status) -> _Taken | None:
    """Move the allocations still in ``from_statuses`` to ``to_status``.

    Lock those allocation rows, then their stock rows, both in primary-key
    order. Return what the allocations actually moved (None for nothing);
    an allocation already moved by someone else is skipped.
    """
    from orders.models import StockAllocation  # orders sits above fulfillment

    ids = sorted({a.pk for a in allocations})
    if not ids:
        return None
    taken = list(
        StockAllocation.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, status__in=from_statuses)
        .order_by("pk")
        .values_list("pk", "stock_id", "quantity", "line__seller_order__number")
    )
    if not taken:
        return None
    stock_ids = sorted({stock_id for _, stock_id, _, _ in taken})
    stocks = list(
        Stock.objects.select_for_update(of=("self",))
        .filter(pk__in=stock_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "offer_id",
            "offer__product_id",
            "on_hand",
            "reserved",
            "offer__stock_alert__low_stock_threshold",
            "offer__stock_alert__alerted_at",
        )
    )
    if to_status == StockAllocation.Status.RELEASED:
        # Units come back: an offer comes back in stock only if none of these rows had any
        # left (its other rows are not known here, so this may refresh one that had some).
        had_units = {offer_id for _, offer_id, _, on_hand, reserved, _, _ in stocks if on_hand > reserved}
        stock_refresh_after_commit(
            changed=(product_id for _, _, product_id, *_ in stocks),
            crossed=(product_id for _, offer_id, product_id, *_ in stocks if offer_id not in had_units),
        )
    # Shipping takes units from on_hand and reserved alike: what is available does not change.
    StockAllocation.objects.filter(pk__in=[pk for pk, _, _, _ in taken]).update(
        status=to_status, updated_at=timezone.now()
    )
    return _Taken(taken, stocks)


@transaction.atomic
def stock_release(*, allocations: Iterable[StockAllocation]) -> int:
    """Give reserved or committed units back to stock; return the units released.

    Releasing an allocation a second time (or one already shipped) is a
    no-op, also when two releases race.
    """
    from orders.models import StockAllocation

    Status = StockAllocation.Status
    taken = _take_allocations(
        allocations, from_statuses=[Status.RESERVED, Status.COMMITTED], to_status=Status.RELEASED
    )
    if taken is None:
        return 0
    stock_rows_add(taken.per_stock, sign=-1)
    history_record(
        levels=taken.levels,
        moves=moves_by_reference(taken.by_reference, on_hand_sign=0, reserved_sign=-1),
        cause=Cause.RELEASE,
    )
    # Units came back: re-arm an alert that fired (an offer whose alert is armed stays armed).
    stock_alerts_check(states=[state for state in taken.alerts.values() if state.alerted])
    return sum(taken.per_stock.values())


@transaction.atomic
def stock_commit(*, allocations: Iterable[StockAllocation]) -> int:
    """Mark reserved allocations as paid for; return how many moved.

    The units stay reserved until they ship; an allocation that is no longer
    ``reserved`` (released, already committed) is left alone.
    """
    from orders.models import OrderLine, SellerOrder, StockAllocation

    ids = sorted({a.pk for a in allocations})
    if not ids:
        return 0
    # One statement moves the allocations and says which moved, with their order and stock
    # levels, for the history (Django's update() cannot return rows).
    sql = f"""
        UPDATE {StockAllocation._meta.db_table} AS sa SET status = %s, updated_at = %s
        FROM {OrderLine._meta.db_table} AS l, {SellerOrder._meta.db_table} AS so, {Stock._meta.db_table} AS s
        WHERE sa.id = ANY(%s) AND sa.status = %s
          AND l.id = sa.line_id AND so.id = l.seller_order_id AND s.id = sa.stock_id
        RETURNING sa.stock_id, so.number, sa.quantity, s.on_hand, s.reserved
    """  # noqa: S608 - table names from the models' metadata, values as parameters
    Status = StockAllocation.Status
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.COMMITTED, timezone.now(), ids, Status.RESERVED])
        moved = cursor.fetchall()
    history_record(
        levels={stock_id: (on_hand, reserved) for stock_id, _, _, on_hand, reserved in moved},
        moves=[Move(stock_id, 0, 0, number) for stock_id, number in {(row[0], row[1]) for row in moved}],
        cause=Cause.SALE,
    )
    return len(moved)


@transaction.atomic
def stock_ship(*, allocations: Iterable[StockAllocation]) -> int:
    """Take shipped units out of stock (``on_hand`` and ``reserved``); return the units.

    Only committed (paid) allocations ship; shipping one twice is a no-op.
    """
    from orders.models import StockAllocation

    Status = StockAllocation.Status
    taken = _take_allocations(allocations, from_statuses=[Status.COMMITTED], to_status=Status.SHIPPED)
    if taken is None:
        return 0
    stock_rows_add(taken.per_stock, sign=-1, on_hand=True)
    history_record(
        levels=taken.levels,
        moves=moves_by_reference(taken.by_reference, on_hand_sign=-1, reserved_sign=-1),
        cause=Cause.SHIPMENT,
    )
    return sum(taken.per_stock.values())
