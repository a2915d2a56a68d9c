"""Move the pending page-view counts from the cache into ``ProductViewDaily`` (every 5 minutes).

The counts are taken from the cache at once (``counting.RedisStore.take``
renames the pending hash), upserted in one statement (``INSERT ... ON CONFLICT
DO UPDATE SET views = views + excluded.views``), and the taken copy is dropped
only after the transaction commits; if the upsert fails they go back to the
pending hash. Two flushes that overlap take disjoint counts, so a view is
counted once. Views of a product deleted meanwhile are dropped, and a seller
id that no longer exists is recorded as "no buy box".
"""

from __future__ import annotations

import logging

from django.db import connection, transaction

from catalog.analytics.counting import view_field_parse, view_store

logger = logging.getLogger(__name__)


# A constant statement (values only as parameters); tests check the table names against the models.
UPSERT_SQL = """
    INSERT INTO catalog_productviewdaily (product_id, day, buy_box_seller_id, views)
    SELECT pending.product_id, pending.day, seller.id, SUM(pending.views)
    FROM unnest(%s::bigint[], %s::date[], %s::bigint[], %s::bigint[])
        AS pending(product_id, day, seller_id, views)
    JOIN catalog_product product ON product.id = pending.product_id
    LEFT JOIN sellers_seller seller ON seller.id = pending.seller_id
    GROUP BY pending.product_id, pending.day, seller.id
    ON CONFLICT (product_id, day, buy_box_seller_id)
    DO UPDATE SET views = catalog_productviewdaily.views + EXCLUDED.views
"""
UPSERT_TABLES = ("catalog_productviewdaily", "catalog_product", "sellers_seller")


def product_views_upsert(*, counts: dict[tuple, int]) -> None:
    """Add ``counts`` ((product id, day, buy-box seller id or None) -> views) to the daily rows."""
    if not counts:
        return
    keys = sorted(counts, key=lambda key: (key[0], key[1], key[2] or 0))  # one lock order for everybody
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            UPSERT_SQL,
            [
                [key[0] for key in keys],
                [key[1] for key in keys],
                [key[2] or 0 for key in keys],
                [counts[key] for key in keys],
            ],
        )


def product_views_flush() -> int:
    """Save every pending view count; return how many views were taken from the cache."""
    batch = view_store().take()
    counts: dict[tuple, int] = {}
    for name, views in batch.counts.items():
        parsed = view_field_parse(name)
        if parsed is None or views <= 0:
            logger.warning("page-view counter %r dropped", name)
            continue
        counts[parsed] = counts.get(parsed, 0) + views
    try:
        product_views_upsert(counts=counts)
    except Exception:
        batch.rollback()
        raise
    batch.commit()
    return sum(counts.values())
