"""Sales counts: units sold per product per day, and ``Product.sales_count`` decayed from them.

``ProductSalesDay(product, day, units)`` holds the units of each product paid
for on each day, less the units refunded since; a variation's units count on
the variation and on its family's parent. ``Product.sales_count`` is the sum
of the last ``WINDOW_DAYS`` days, each weighted by
``0.5 ** (age_days / HALF_LIFE_DAYS)``, rounded half up (ADR 0083).

An order is counted whole, again, on every event that may change what it
sold (``order_sales_count``): under the order's row lock, its previous
``OrderSales`` rows (units per product, on the day it was paid) leave the day
rows and its units now enter them, in one transaction. Counting twice, late or out of
order gives the same rows, so at-least-once delivery needs nothing more; the
rows commit with the outbox's "done" mark. The events:

* ``order.paid`` -> ``order_paid_count_sales`` (subscribed in ``OrdersConfig``);
* ``refund.created`` and ``refund.failed`` -> ``payments.sales`` (payments
  owns them; orders does not import payments).

What a refund gave back is read from the order's own audit trail, where
payments records each refund (``OrderEvent`` of kind ``refund``, ``data``:
``refund_id``, ``payment``, ``amount``, ``lines`` {order line id: units})
and each failure of one (kind ``refund_failed``, the same ``refund_id``):

* only refunds of the payment that paid the order count, and none that failed;
* the units of the lines they name are taken off, at most what was bought;
* once they add up to the order's total, every unit of the order is (an
  order cancelled after payment, a refund made at the provider: both by
  amount); a partial refund by amount takes no unit off.

The sales counts of the products whose rows moved are recomputed in the same
transaction, and ``product.changed`` is emitted for those that changed
(catalog refreshes the search document; Elasticsearch follows through the
outbox). ``sales_counts_refresh`` recomputes the figures the decay moves
(celery beat, daily); ``sales_days_rebuild`` counts every paid order again in
a few set-based statements (``manage.py sales_counts_recompute --rebuild``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from marketplace.core import events

WINDOW_DAYS = 30  # a sale counts on the days aged 0 to 29
HALF_LIFE_DAYS = 7  # a sale weighs half as much a week later
REFRESH_BATCH = 5000  # products recomputed per transaction by sales_counts_refresh
# OrderEvent.kind of a refund's audit row and of its failure's (payments.refunds writes them).
REFUND_KIND = "refund"
REFUND_FAILED_KIND = "refund_failed"


def _order_units_sql(where: str) -> str:
    """CTEs ending in "expanded" (order_id, product_id, day, units): what each paid order sold.

    ``where`` narrows the orders (``o``) counted.
    """
    return f"""
scope AS (
    SELECT o.id AS order_id, (o.paid_at AT TIME ZONE %(tz)s)::date AS day, o.total_amount, (
        SELECT e.data->>'payment_reference' FROM orders_orderevent e
        WHERE e.order_id = o.id AND e.kind = 'paid' ORDER BY e.id LIMIT 1
    ) AS reference
    FROM orders_order o
    WHERE o.paid_at IS NOT NULL {where}
),
refunds AS (
    SELECT e.order_id, (e.data->>'amount')::numeric AS amount,
        CASE WHEN jsonb_typeof(e.data->'lines') = 'object' THEN e.data->'lines' END AS lines
    FROM orders_orderevent e JOIN scope s ON s.order_id = e.order_id
    WHERE e.kind = '{REFUND_KIND}'
        AND (s.reference IS NULL OR e.data->>'payment' = s.reference)
        AND NOT EXISTS (
            SELECT 1 FROM orders_orderevent f
            WHERE f.order_id = e.order_id AND f.kind = '{REFUND_FAILED_KIND}'
                AND f.data->>'refund_id' = e.data->>'refund_id'
        )
),
order_refunded AS (SELECT order_id, sum(amount) AS amount FROM refunds GROUP BY order_id),
line_refunded AS (
    SELECT kv.key::bigint AS line_id, sum(kv.value::integer) AS units
    FROM refunds r CROSS JOIN LATERAL jsonb_each_text(r.lines) kv
    GROUP BY kv.key
),
units AS (
    SELECT s.order_id, l.product_id, s.day,
        CASE WHEN s.total_amount > 0 AND coalesce(orf.amount, 0) >= s.total_amount THEN 0
             ELSE l.quantity - least(l.quantity, greatest(coalesce(lr.units, 0), 0)) END AS units
    FROM scope s
    JOIN orders_sellerorder so ON so.order_id = s.order_id
    JOIN orders_orderline l ON l.seller_order_id = so.id
    LEFT JOIN order_refunded orf ON orf.order_id = s.order_id
    LEFT JOIN line_refunded lr ON lr.line_id = l.id
    WHERE l.product_id IS NOT NULL
),
expanded AS (
    SELECT f.order_id, f.product_id, f.day, sum(f.units)::integer AS units FROM (
        SELECT u.order_id, u.product_id, u.day, u.units FROM units u
        UNION ALL
        SELECT u.order_id, p.parent_id, u.day, u.units FROM units u
        JOIN catalog_product p ON p.id = u.product_id
        WHERE p.parent_id IS NOT NULL
    ) f
    GROUP BY f.order_id, f.product_id, f.day
)"""  # noqa: S608 (constants only; values are parameters)


# Counting one order: take what it added last time off the day rows, then add what it sells now.
# The day rows are locked in (product, day) order, as the upsert that counts takes them.
_UNCOUNT_SQL = """
WITH gone AS (DELETE FROM orders_ordersales WHERE order_id = %(order_id)s RETURNING product_id, day, units),
locked AS (
    SELECT d.id, g.units FROM orders_productsalesday d
    JOIN gone g ON g.product_id = d.product_id AND g.day = d.day
    ORDER BY d.product_id, d.day
    FOR UPDATE OF d
)
UPDATE orders_productsalesday d SET units = greatest(d.units - l.units, 0)
FROM locked l WHERE d.id = l.id
RETURNING d.product_id
"""
_COUNT_SQL = f"""
WITH {_order_units_sql("AND o.id = %(order_id)s")},
counted AS (
    INSERT INTO orders_ordersales (order_id, product_id, day, units)
    SELECT order_id, product_id, day, units FROM expanded
    RETURNING product_id, day, units
)
INSERT INTO orders_productsalesday AS d (product_id, day, units)
SELECT product_id, day, units FROM counted ORDER BY product_id, day
ON CONFLICT (product_id, day) DO UPDATE SET units = d.units + EXCLUDED.units
RETURNING d.product_id
"""  # noqa: S608 (constants only; values are parameters)

# The sales count of each product of %(ids)s from its rows, written where it differs.
_RECOMPUTE_SQL = f"""
WITH weights AS (
    SELECT age, power(0.5, age / {HALF_LIFE_DAYS}.0) AS weight
    FROM generate_series(0, {WINDOW_DAYS - 1}) AS age
),
locked AS (
    SELECT id, sales_count FROM catalog_product WHERE id = ANY(%(ids)s) ORDER BY id FOR UPDATE
),
fresh AS (
    SELECT t.id, t.sales_count AS old, coalesce(round(sum(d.units * w.weight)), 0)::integer AS sales
    FROM locked t
    LEFT JOIN orders_productsalesday d
        ON d.product_id = t.id AND d.day > %(today)s::date - {WINDOW_DAYS} AND d.day <= %(today)s::date
    LEFT JOIN weights w ON w.age = %(today)s::date - d.day
    GROUP BY t.id, t.sales_count
)
UPDATE catalog_product p SET sales_count = f.sales FROM fresh f
WHERE p.id = f.id AND f.old <> f.sales
RETURNING p.id
"""  # noqa: S608 (constants only; values are parameters)

# The products whose figure the decay may move: rows in the window and one day more (a row
# that just left it), and figures above 0 (with no recent rows they fall back to 0).
_RECENT_IDS_SQL = (
    "SELECT DISTINCT product_id FROM orders_productsalesday "  # noqa: S608 (constants only)
    f"WHERE product_id > %s AND day > %s::date - {WINDOW_DAYS + 1} ORDER BY product_id LIMIT %s"
)
_COUNTED_IDS_SQL = "SELECT id FROM catalog_product WHERE id > %s AND sales_count > 0 ORDER BY id LIMIT %s"

# The rebuild: every paid order counted, then the day rows summed from them.
_REBUILD_ORDERS_SQL = f"""
WITH {_order_units_sql("")}
INSERT INTO orders_ordersales (order_id, product_id, day, units)
SELECT order_id, product_id, day, units FROM expanded
"""  # noqa: S608 (constants only; values are parameters)
_REBUILD_DAYS_SQL = """
INSERT INTO orders_productsalesday (product_id, day, units)
SELECT product_id, day, sum(units) FROM orders_ordersales GROUP BY product_id, day
"""
# A product no paid order names keeps its figure, as units sold today.
_KEEP_UNSOLD_SQL = """
INSERT INTO orders_productsalesday (product_id, day, units)
SELECT p.id, %(today)s, p.sales_count FROM catalog_product p
WHERE p.sales_count > 0
    AND NOT EXISTS (SELECT 1 FROM orders_productsalesday d WHERE d.product_id = p.id)
"""


def _ids(cursor) -> set[int]:
    return {row[0] for row in cursor.fetchall()}


# -- the figures ---------------------------------------------------------------


@transaction.atomic
def sales_counts_recompute(*, product_ids: Iterable[int], today: date | None = None) -> list[int]:
    """Recompute the sales counts of these products from their rows; return the ids that changed.

    One statement whatever the number of products (their rows are locked in
    primary-key order); ``product.changed`` is emitted for the changed ones.
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_RECOMPUTE_SQL, {"ids": ids, "today": today or timezone.localdate()})
        changed = sorted(_ids(cursor))
    if changed:
        events.emit("product.changed", product_ids=changed)
    return changed


def sales_counts_refresh(*, today: date | None = None, batch_size: int = REFRESH_BATCH) -> int:
    """Recompute every sales count the decay may have moved; return how many changed.

    The products with rows in the last ``WINDOW_DAYS + 1`` days and those
    whose figure is above 0, in keyset batches of ``batch_size``, each batch
    in its own transaction. Safe to run twice and at any time.
    """
    today = today or timezone.localdate()
    changed, after = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(_RECENT_IDS_SQL, [after, today, batch_size])
            recent = [row[0] for row in cursor.fetchall()]
            cursor.execute(_COUNTED_IDS_SQL, [after, batch_size])
            counted = [row[0] for row in cursor.fetchall()]
        # Past the end of a full page, the other list may hold ids this page has not seen yet.
        upto = min([page[-1] for page in (recent, counted) if len(page) == batch_size], default=None)
        ids = sorted({pk for pk in (*recent, *counted) if upto is None or pk <= upto})
        if not ids:
            return changed
        changed += len(sales_counts_recompute(product_ids=ids, today=today))
        after = ids[-1]


# -- counting orders -------------------------------------------------------------


@transaction.atomic
def order_sales_count(*, order_id: int) -> list[int]:
    """Count what a paid order sold, again; return the products whose sales count changed.

    Under the order's row lock: its previous rows leave the day rows, its
    units now (bought less refunded, on the day it was paid) enter them.
    Counting an order that did not change, or was never paid, changes nothing.
    """
    params = {"tz": settings.TIME_ZONE, "order_id": order_id}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM orders_order WHERE id = %s FOR UPDATE", [order_id])
        cursor.execute(_UNCOUNT_SQL, params)
        touched = _ids(cursor)
        cursor.execute(_COUNT_SQL, params)
        touched |= _ids(cursor)
    return sales_counts_recompute(product_ids=touched)


def order_paid_count_sales(*, order_id: int, **_payload) -> None:
    """Outbox handler of ``order.paid``: count the order's units."""
    order_sales_count(order_id=order_id)


# -- rebuilding from the orders ------------------------------------------------


@dataclass(frozen=True)
class SalesRebuild:
    orders: int  # paid orders counted
    days: int  # day rows written
    changed: int  # products whose sales count changed


def sales_days_rebuild(*, keep_unsold: bool = False, today: date | None = None) -> SalesRebuild:
    """Count every paid order again from scratch, then recompute the figures; return what it did.

    The rows are replaced in one transaction that holds both tables (counting
    an order waits for it); the figures follow in ``sales_counts_refresh``
    batches. With ``keep_unsold``, a product no paid order names keeps its
    figure, written as units sold ``today`` (the demo's seeded figures, which
    then decay like sales).
    """
    today = today or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE orders_ordersales, orders_productsalesday IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM orders_productsalesday")
        cursor.execute("DELETE FROM orders_ordersales")
        cursor.execute(_REBUILD_ORDERS_SQL, {"tz": settings.TIME_ZONE})
        cursor.execute("SELECT count(DISTINCT order_id) FROM orders_ordersales")
        (orders,) = cursor.fetchone()
        cursor.execute(_REBUILD_DAYS_SQL)
        days = cursor.rowcount
        if keep_unsold:
            cursor.execute(_KEEP_UNSOLD_SQL, {"today": today})
            days += cursor.rowcount
    changed = sales_counts_refresh(today=today)
    return SalesRebuild(orders=orders, days=days, changed=changed)
