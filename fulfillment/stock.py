"""Reserve, commit, release and ship units of stock without ever overselling.

Every function that changes ``Stock`` locks the rows it touches with
``SELECT ... FOR UPDATE`` in primary-key order first. Because every
transaction takes its locks in the same order, two checkouts that want the
same rows queue behind each other instead of deadlocking. The quantities
themselves change through ``F()`` updates, and the database's CHECK
constraints (``reserved <= on_hand``, both >= 0) stay the last line of
defence.

An allocation (``orders.StockAllocation``) moves ``reserved -> committed`` on
payment, ``reserved|committed -> shipped`` on shipment and
``reserved|committed -> released`` on expiry or cancellation; each move is a
conditional update on the status, so doing it twice changes nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from catalog.cache import page_versions_bump
from catalog.models import Offer
from catalog.services import product_refresh_buy_box
from fulfillment.models import Stock
from marketplace.core.errors import ApplicationError

if TYPE_CHECKING:
    from fulfillment.shipping import Destination
    from orders.models import StockAllocation

EARTH_RADIUS_KM = 6371.0

Allocation = tuple[int, int]  # (stock id, quantity)


class OutOfStock(ApplicationError):
    """A line of an order cannot be met from the stock that is left."""

    def __init__(self, *, offer_id: int, title: str, requested: int, available: int):
        message = f"Only {available} left of {title}." if available > 0 else f"{title} is out of stock."
        super().__init__(
            message, extra={"offer_id": offer_id, "requested": requested, "available": available}
        )
        self.offer_id = offer_id
        self.title = title
        self.requested = requested
        self.available = available


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


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


def _refresh_after_commit(*, changed: Iterable[int], crossed: Iterable[int]) -> None:
    """Once the stock change is committed, drop the cached pages of the ``changed`` products
    (they show units left) and recompute the buy box (and search document) of the ``crossed``
    ones, those with an offer whose available units went to or from zero: the buy box, the
    in-stock flag and the search document only depend on whether an offer has units left."""
    crossed = sorted(set(crossed))
    page_versions_bump(product_ids=changed, listings=False)
    if crossed:
        transaction.on_commit(lambda: product_refresh_buy_box(product_ids=crossed), robust=True)


@transaction.atomic
def stock_reserve(
    *, offer_quantities: dict[int, int], destination: Destination | None = None
) -> dict[int, list[Allocation]]:
    """Reserve units of each offer, nearest warehouse first; all or nothing.

    Lock every stock row of the requested offers in primary-key order, then
    allocate each offer's quantity from the warehouse nearest ``destination``
    (by latitude/longitude when known, else in warehouse order), splitting
    across warehouses when one does not hold enough. Return
    ``{offer_id: [(stock_id, quantity), ...]}``. Raise ``OutOfStock`` for the
    first line that cannot be met, having changed nothing.
    """
    offer_quantities = _checked_quantities(offer_quantities)
    locked = list(
        Stock.objects.select_for_update(of=("self",))
        .filter(offer_id__in=list(offer_quantities), warehouse__is_active=True)
        .select_related("warehouse", "offer")
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
    _add_to_reserved(per_stock)
    # Every stock row is >= 0 available (CHECK constraints), so an offer's units run out
    # exactly when its locked rows held no more than what was just reserved.
    left: dict[tuple[int, int], int] = defaultdict(int)  # (offer id, product id) -> units
    for stock in locked:
        left[stock.offer_id, stock.offer.product_id] += stock.available - per_stock.get(stock.pk, 0)
    _refresh_after_commit(
        changed=(product_id for _, product_id in left),
        crossed=(product_id for (_, product_id), units in left.items() if units <= 0),
    )
    return result


def _add_to_reserved(per_stock: dict[int, int], *, sign: int = 1, on_hand: bool = False) -> None:
    """Change ``reserved`` (and ``on_hand`` if asked) of locked rows in one UPDATE."""
    delta = Case(
        *(When(pk=stock_id, then=Value(sign * quantity)) for stock_id, quantity in per_stock.items()),
        output_field=IntegerField(),
    )
    changes = {"reserved": F("reserved") + delta, "updated_at": timezone.now()}
    if on_hand:
        changes["on_hand"] = F("on_hand") + delta
    Stock.objects.filter(pk__in=list(per_stock)).update(**changes)


def _take_allocations(allocations: Iterable[StockAllocation], *, from_statuses, to_status) -> dict[int, int]:
    """Move the allocations still in ``from_statuses`` to ``to_status``.

    Lock those allocation rows, then their stock rows, both in primary-key
    order. Return ``{stock_id: units}`` of the allocations actually moved;
    an allocation already moved by someone else is skipped.
    """
    from orders.models import StockAllocation  # orders sits above fulfillment

    ids = sorted({a.pk for a in allocations})
    if not ids:
        return {}
    taken = list(
        StockAllocation.objects.select_for_update()
        .filter(pk__in=ids, status__in=from_statuses)
        .order_by("pk")
        .values_list("pk", "stock_id", "quantity")
    )
    if not taken:
        return {}
    per_stock: dict[int, int] = defaultdict(int)
    for _, stock_id, quantity in taken:
        per_stock[stock_id] += quantity
    stocks = list(
        Stock.objects.select_for_update(of=("self",))
        .filter(pk__in=list(per_stock))
        .order_by("pk")
        .values_list("offer_id", "offer__product_id", "on_hand", "reserved")
    )
    if to_status == StockAllocation.Status.RELEASED:
        # Units come back: an offer comes back in stock only if none of these rows had any
        # left (its other rows are not known here, so this may refresh one that had some).
        had_units = {offer_id for offer_id, _, on_hand, reserved in stocks if on_hand > reserved}
        _refresh_after_commit(
            changed=(product_id for _, product_id, _, _ in stocks),
            crossed=(product_id for offer_id, product_id, _, _ in stocks if offer_id not in had_units),
        )
    # Shipping takes units from on_hand and reserved alike: what is available does not change.
    StockAllocation.objects.filter(pk__in=[pk for pk, _, _ in taken]).update(
        status=to_status, updated_at=timezone.now()
    )
    return per_stock


@transaction.atomic
def stock_release(*, allocations: Iterable[StockAllocation]) -> int:
    """Give reserved or committed units back to stock; return the units released.

    Releasing an allocation a second time (or one already shipped) is a
    no-op, also when two releases race.
    """
    from orders.models import StockAllocation

    Status = StockAllocation.Status
    per_stock = _take_allocations(
        allocations, from_statuses=[Status.RESERVED, Status.COMMITTED], to_status=Status.RELEASED
    )
    if per_stock:
        _add_to_reserved(per_stock, sign=-1)
    return sum(per_stock.values())


@transaction.atomic
def stock_commit(*, allocations: Iterable[StockAllocation]) -> int:
    """Mark reserved allocations as paid for; return how many moved.

    The units stay reserved until they ship; an allocation that is no longer
    ``reserved`` (released, already committed) is left alone.
    """
    from orders.models import StockAllocation

    ids = sorted({a.pk for a in allocations})
    return StockAllocation.objects.filter(pk__in=ids, status=StockAllocation.Status.RESERVED).update(
        status=StockAllocation.Status.COMMITTED, updated_at=timezone.now()
    )


@transaction.atomic
def stock_ship(*, allocations: Iterable[StockAllocation]) -> int:
    """Take shipped units out of stock (``on_hand`` and ``reserved``); return the units.

    Only committed (paid) allocations ship; shipping one twice is a no-op.
    """
    from orders.models import StockAllocation

    Status = StockAllocation.Status
    per_stock = _take_allocations(allocations, from_statuses=[Status.COMMITTED], to_status=Status.SHIPPED)
    if per_stock:
        _add_to_reserved(per_stock, sign=-1, on_hand=True)
    return sum(per_stock.values())


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
def stock_ship_units(*, line_id: int, stock_ids: Iterable[int], quantity: int) -> list[tuple[int, int]]:
    """Ship ``quantity`` committed units of an order line from the given stock rows.

    Take the units out of ``on_hand`` and ``reserved`` together and return
    ``[(stock id, units), ...]``. Raise ``ApplicationError`` when fewer units
    are committed there; nothing changes then. The caller holds the order's
    lock, so two shipments of one line queue.
    """
    from orders.models import StockAllocation

    allocations = _lock_line_allocations(
        line_id=line_id, stock_ids=stock_ids, status=StockAllocation.Status.COMMITTED
    )
    moved = _move_units(allocations, quantity, to_status=StockAllocation.Status.SHIPPED)
    _stock_rows_change(moved, sign=-1)
    return moved


@transaction.atomic
def stock_unship_units(*, line_id: int, stock_id: int, quantity: int) -> None:
    """Put units of a voided shipment back: ``on_hand`` and ``reserved`` up, allocation committed again."""
    from orders.models import StockAllocation

    allocations = _lock_line_allocations(
        line_id=line_id, stock_ids=[stock_id], status=StockAllocation.Status.SHIPPED
    )
    moved = _move_units(allocations, quantity, to_status=StockAllocation.Status.COMMITTED)
    _stock_rows_change(moved, sign=1)


def _stock_rows_change(moved: list[tuple[int, int]], *, sign: int) -> None:
    per_stock: dict[int, int] = defaultdict(int)
    for stock_id, units in moved:
        per_stock[stock_id] += units
    list(Stock.objects.select_for_update(of=("self",)).filter(pk__in=list(per_stock)).order_by("pk"))
    # on_hand and reserved move together: the units a shopper can buy, and so the pages, stay the same.
    _add_to_reserved(per_stock, sign=sign, on_hand=True)


@transaction.atomic
def stock_restock_units(*, offer_id: int, warehouse_id: int, quantity: int) -> Stock:
    """Put returned units of an offer back on the shelf of a warehouse: ``on_hand`` goes up.

    The stock row is created when the warehouse held none of the offer. The
    units become available to buy, so the product's pages and buy box are
    refreshed after commit when the offer had none left.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ApplicationError(f"Cannot restock {quantity!r} units.")
    stock, _ = Stock.objects.get_or_create(offer_id=offer_id, warehouse_id=warehouse_id)
    stock = Stock.objects.select_for_update().select_related("offer").get(pk=stock.pk)
    was_empty = not Stock.objects.filter(offer_id=offer_id, on_hand__gt=F("reserved")).exists()
    Stock.objects.filter(pk=stock.pk).update(on_hand=F("on_hand") + quantity, updated_at=timezone.now())
    stock.refresh_from_db(fields=["on_hand", "reserved", "updated_at"])
    product_id = stock.offer.product_id
    _refresh_after_commit(changed=[product_id], crossed=[product_id] if was_empty else [])
    return stock
