"""Many stock-on-hand changes of one seller at once: the bulk import's path to ``stock_set_on_hand``.

``stock_set_on_hand`` costs about seventeen statements per change (locks, the history INSERT, the
availability before and after, the alert, the refresh); an import of 10,000 rows cannot pay that.
Here one transaction (a chunk of the file) works in three steps:

1. ``stock_batch_lock`` locks the seller's warehouses and the chunk's existing stock rows (one
   ``SELECT ... FOR UPDATE`` each, in primary-key order, warehouses first as in
   ``stock_set_on_hand``, so the two never deadlock);
2. ``stock_batch_check`` checks one change against the locked rows (the same refusals, with the
   same sentences: never below reserved, no units in an inactive warehouse) and costs no query,
   unless an existing offer has no row in that warehouse yet (it is made and locked then); the
   caller runs it inside the row's savepoint and ``stock_batch_add`` s the change once the
   row's savepoint is released, so a row that fails leaves nothing queued;
3. ``stock_set_on_hand_many`` writes the queued changes: one INSERT of the new offers' rows, one
   UPDATE of the others (still conditional on ``reserved <= on_hand``), one INSERT of the
   history, the availability before and after (two aggregates) for the buy-box refresh of the
   offers that crossed zero, and the low-stock alerts of the offers with a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from catalog.models import Offer
from fulfillment.inventory.alerts import AlertState, offers_available, stock_alerts_check
from fulfillment.inventory.history import Cause, Move, history_record
from fulfillment.inventory.services import MAX_ON_HAND, _whole
from fulfillment.models import Stock, StockAlertSetting, Warehouse
from fulfillment.stock import stock_refresh_after_commit
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from sellers.models import Seller

Key = tuple[int, int]  # (offer id, warehouse id)


@dataclass(slots=True)
class _Level:
    stock_id: int | None  # None: the row is to be made (a new offer's)
    on_hand: int
    reserved: int


@dataclass(slots=True)
class StockBatch:
    """The locked warehouses and stock rows of one seller for one transaction, and the changes queued."""

    seller: Seller
    warehouses: dict[int, Warehouse]
    levels: dict[Key, _Level]
    products: dict[int, int] = field(default_factory=dict)  # offer id -> product id
    pending: dict[Key, int] = field(default_factory=dict)  # -> the new on hand


def stock_batch_lock(*, seller: Seller, keys: list[Key]) -> StockBatch:
    """Lock the seller's warehouses and the existing stock rows of ``keys`` (inside a transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock_batch_lock needs a transaction: the locks last until it ends.")
    warehouses = {w.pk: w for w in Warehouse.objects.select_for_update().filter(seller=seller).order_by("pk")}
    offer_ids = sorted({offer_id for offer_id, _ in keys})
    wanted = set(keys)
    levels = {}
    if not offer_ids:
        return StockBatch(seller, warehouses, levels)
    rows = (
        Stock.objects.select_for_update()
        .filter(offer_id__in=offer_ids, warehouse_id__in=list(warehouses), offer__seller=seller)
        .order_by("pk")
        .values_list("pk", "offer_id", "warehouse_id", "on_hand", "reserved")
    )
    for pk, offer_id, warehouse_id, on_hand, reserved in rows:
        if (offer_id, warehouse_id) in wanted:
            levels[(offer_id, warehouse_id)] = _Level(pk, on_hand, reserved)
    return StockBatch(seller, warehouses, levels)


def _level(batch: StockBatch, offer: Offer, warehouse_id: int, *, new_offer: bool) -> _Level:
    level = batch.levels.get((offer.pk, warehouse_id))
    if level is not None:
        return level
    if new_offer:  # made in this transaction: nobody else can have a row of it
        return _Level(None, 0, 0)
    # An existing offer without a row there: make it (another transaction may have meanwhile). It
    # is kept in the batch by ``stock_batch_add`` only: the row's savepoint may still roll it back.
    Stock.objects.bulk_create([Stock(offer=offer, warehouse_id=warehouse_id)], ignore_conflicts=True)
    pk, on_hand, reserved = (
        Stock.objects.select_for_update()
        .filter(offer=offer, warehouse_id=warehouse_id)
        .values_list("pk", "on_hand", "reserved")
        .get()
    )
    return _Level(pk, on_hand, reserved)


def stock_batch_check(
    batch: StockBatch, *, offer: Offer, warehouse: Warehouse, on_hand: int, new_offer: bool = False
) -> _Level | None:
    """Refuse (ApplicationError) what ``stock_set_on_hand`` would refuse; return the row's level when
    ``on_hand`` changes it (for ``stock_batch_add``), else None.

    ``new_offer``: the offer was made in this transaction (it has no stock rows).
    """
    if offer.seller_id != batch.seller.pk:
        raise ApplicationError("That listing is not one of yours.")
    locked = batch.warehouses.get(warehouse.pk)
    if locked is None:
        raise ApplicationError("That warehouse is not one of yours.")
    on_hand = _whole(on_hand, name="quantity on hand", maximum=MAX_ON_HAND)
    if on_hand > 0 and not locked.is_active:
        raise ApplicationError(f"{locked.name} is not active: activate it before adding stock.")
    level = _level(batch, offer, warehouse.pk, new_offer=new_offer)
    if on_hand < level.reserved:
        raise ApplicationError(
            f"{level.reserved} unit{'s are' if level.reserved != 1 else ' is'} reserved for orders at "
            f"{locked.name}, so the stock on hand cannot go below {level.reserved}.",
            extra={"reserved": level.reserved},
        )
    return level if on_hand != level.on_hand else None


def stock_batch_add(
    batch: StockBatch, *, offer: Offer, warehouse: Warehouse, on_hand: int, level: _Level
) -> None:
    """Queue a change ``stock_batch_check`` accepted, once the row that makes it is applied."""
    batch.levels[(offer.pk, warehouse.pk)] = level
    batch.pending[(offer.pk, warehouse.pk)] = on_hand
    batch.products[offer.pk] = offer.product_id


def stock_set_on_hand_many(*, batch: StockBatch, actor=None, cause: str, reference: str = "") -> int:
    """Write the queued changes (in the transaction of ``stock_batch_lock``); return how many.

    The same effects as ``stock_set_on_hand`` for each: the history (``cause``, ``reference``),
    the pages' and buy boxes' refresh after commit, the low-stock alerts.
    """
    if cause not in (Cause.MANUAL, Cause.IMPORT):
        raise ApplicationError(f"{cause!r} is not a cause of a stock change made by a seller.")
    pending, batch.pending = batch.pending, {}
    if not pending:
        return 0
    offer_ids = sorted({offer_id for offer_id, _ in pending})
    before = offers_available(offer_ids=offer_ids)
    _rows_make(batch, [key for key in pending if batch.levels[key].stock_id is None])
    _rows_update(batch, pending)
    history_record(
        levels={
            batch.levels[key].stock_id: (batch.levels[key].on_hand, batch.levels[key].reserved)
            for key in pending
        },
        moves=[
            Move(batch.levels[key].stock_id, on_hand - batch.levels[key].on_hand, 0, reference)
            for key, on_hand in pending.items()
        ],
        cause=cause,
        actor=actor,
    )
    audit_record(
        action="stock.adjusted_many",
        target=batch.seller,
        before={"on_hand": {f"{o}/{w}": batch.levels[o, w].on_hand for o, w in sorted(pending)}},
        after={"on_hand": {f"{o}/{w}": pending[o, w] for o, w in sorted(pending)}},
        reason=reference or cause,
        seller_id=batch.seller.pk,
        actor=actor,
    )
    for key, on_hand in pending.items():
        batch.levels[key].on_hand = on_hand
    after = offers_available(offer_ids=offer_ids)
    product_of = batch.products
    crossed = [product_of[o] for o in offer_ids if (before.get(o, 0) > 0) != (after.get(o, 0) > 0)]
    stock_refresh_after_commit(changed=[product_of[o] for o in offer_ids], crossed=crossed)
    settings = StockAlertSetting.objects.filter(offer_id__in=offer_ids).values_list(
        "offer_id", "low_stock_threshold", "alerted_at"
    )
    stock_alerts_check(
        states=[
            AlertState(o, threshold, alerted is not None, after.get(o, 0))
            for o, threshold, alerted in settings
        ]
    )
    return len(pending)


def _rows_make(batch: StockBatch, keys: list[Key]) -> None:
    """Make the new offers' rows (empty: the UPDATE sets them, so the history reads 0 before)."""
    if not keys:
        return
    made = Stock.objects.bulk_create([Stock(offer_id=o, warehouse_id=w) for o, w in sorted(keys)])
    for stock in made:
        batch.levels[(stock.offer_id, stock.warehouse_id)].stock_id = stock.pk


def _rows_update(batch: StockBatch, pending: dict[Key, int]) -> None:
    by_pk = {batch.levels[key].stock_id: on_hand for key, on_hand in pending.items()}
    new_on_hand = Case(
        *(When(pk=pk, then=Value(on_hand)) for pk, on_hand in by_pk.items()), output_field=IntegerField()
    )
    guard = Case(
        *(When(pk=pk, reserved__lte=on_hand, then=Value(1)) for pk, on_hand in by_pk.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    changed = (
        Stock.objects.filter(pk__in=list(by_pk))
        .annotate(fits=guard)
        .filter(fits=1)
        .update(on_hand=new_on_hand, updated_at=timezone.now())
    )
    if changed != len(by_pk):  # the locks make this impossible; the condition is the last defence
        raise ApplicationError("The stock changed meanwhile; nothing of these rows was saved.")
