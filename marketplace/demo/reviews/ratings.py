"""The rating figures of the demo, counted from the review and feedback rows just written.

The seed writes reviews and feedback in bulk, not through ``reviews.services``,
so it writes the aggregates the way ``reviews.aggregates`` keeps them, by a
recount in SQL: ``ProductRating`` (stars, reviews with photos) and
``Product.rating_average/rating_count`` of each family, ``SellerRating`` and
``Seller.rating_average/rating_count``. The average is rounded to the cent,
half up, as ``aggregates.rating_average`` does; ``aggregates_drift()`` finds
nothing to report afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from catalog.cache import page_versions_bump

_STARS = ", ".join(f"count(*) FILTER (WHERE rating = {n}) AS stars_{n}" for n in range(1, 6))
_SET_STARS = ", ".join(f"stars_{n} = EXCLUDED.stars_{n}" for n in range(1, 6))
_AVERAGE = "round(sum(rating)::numeric / count(*), 2)"

PRODUCTS_SQL = f"""
INSERT INTO reviews_productrating
    (product_id, stars_1, stars_2, stars_3, stars_4, stars_5, with_photos, updated_at)
SELECT product_id, {_STARS}, count(*) FILTER (WHERE photo_count > 0), now()
FROM reviews_review WHERE status = 'published' AND product_id = ANY(%(ids)s) GROUP BY product_id
ON CONFLICT (product_id) DO UPDATE SET {_SET_STARS}, with_photos = EXCLUDED.with_photos, updated_at = now()
"""  # noqa: S608 (constants only)
PRODUCT_FIGURES_SQL = f"""
UPDATE catalog_product p SET rating_average = c.average, rating_count = c.count
FROM (
    SELECT product_id, {_AVERAGE} AS average, count(*) AS count FROM reviews_review
    WHERE status = 'published' AND product_id = ANY(%(ids)s) GROUP BY product_id
) c
WHERE p.id = c.product_id
"""  # noqa: S608 (constants only)
# Figures no published review stands behind (a catalog seeded before the reviews existed): none.
PRODUCT_ZERO_SQL = """
UPDATE catalog_product p SET rating_average = 0, rating_count = 0
WHERE (p.rating_count <> 0 OR p.rating_average <> 0)
    AND NOT EXISTS (
        SELECT 1 FROM reviews_review r WHERE r.product_id = p.id AND r.status = 'published'
    )
"""
SELLERS_SQL = f"""
INSERT INTO reviews_sellerrating (seller_id, stars_1, stars_2, stars_3, stars_4, stars_5, updated_at)
SELECT seller_id, {_STARS}, now() FROM reviews_sellerfeedback WHERE status = 'published' GROUP BY seller_id
ON CONFLICT (seller_id) DO UPDATE SET {_SET_STARS}, updated_at = now()
"""  # noqa: S608 (constants only)
SELLERS_ZERO_SQL = """
UPDATE reviews_sellerrating r
SET stars_1 = 0, stars_2 = 0, stars_3 = 0, stars_4 = 0, stars_5 = 0, updated_at = now()
WHERE (r.stars_1, r.stars_2, r.stars_3, r.stars_4, r.stars_5) <> (0, 0, 0, 0, 0)
    AND NOT EXISTS (
        SELECT 1 FROM reviews_sellerfeedback f WHERE f.seller_id = r.seller_id AND f.status = 'published'
    )
"""
SELLER_FIGURES_SQL = f"""
UPDATE sellers_seller s SET rating_average = coalesce(c.average, 0), rating_count = coalesce(c.count, 0)
FROM sellers_seller s2 LEFT JOIN (
    SELECT seller_id, {_AVERAGE} AS average, count(*) AS count FROM reviews_sellerfeedback
    WHERE status = 'published' GROUP BY seller_id
) c ON c.seller_id = s2.id
WHERE s.id = s2.id
    AND (s.rating_average, s.rating_count) IS DISTINCT FROM (coalesce(c.average, 0), coalesce(c.count, 0))
RETURNING s.id
"""  # noqa: S608 (constants only)


def product_ratings_recount(*, product_ids: Iterable[int]) -> None:
    """Count the published reviews of these families into their aggregates; their pages go stale."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(PRODUCTS_SQL, {"ids": ids})
        cursor.execute(PRODUCT_FIGURES_SQL, {"ids": ids})
    page_versions_bump(product_ids=ids, listings=False)


def product_ratings_without_reviews_clear() -> int:
    """Zero the figures of products no published review stands behind; return how many."""
    with connection.cursor() as cursor:
        cursor.execute(PRODUCT_ZERO_SQL)
        return cursor.rowcount


def seller_ratings_recount() -> list[int]:
    """Count every seller's published feedback into its rating; return the sellers whose figures changed."""
    with connection.cursor() as cursor:
        cursor.execute(SELLERS_SQL)
        cursor.execute(SELLERS_ZERO_SQL)
        cursor.execute(SELLER_FIGURES_SQL)
        return sorted(row[0] for row in cursor.fetchall())
