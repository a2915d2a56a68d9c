"""Keep the PostgreSQL search index current: documents and the vocabulary.

``search_index_refresh(product_ids=...)`` recomputes, in one statement, the
search documents of these products (a variation stands for its parent, which
is what search lists) and deletes those of products no longer listed. It is
called by ``catalog.services.product_refresh_buy_box`` (every change of
offers, stock or seller standing goes through it) and by the handlers of the
``product.changed``, ``product.rating_changed``, ``offer.changed`` and
``stock.changed`` domain events. Rows whose values did not change are not
written at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from catalog.search.parsing import normalise_units_sql
from catalog.search.spelling import vocabulary_changed

# Bayesian average: a product's rating is pulled towards PRIOR_RATING as if it
# had PRIOR_WEIGHT extra ratings of that value, so 5.0 from 2 ratings does not
# beat 4.7 from 900.
PRIOR_RATING = 3.5
PRIOR_WEIGHT = 10
SALES_SATURATION = 1000  # sales_count at which the sales signal is full

# Tags: lexemes no text can produce (the english parser splits on "_"), appended to each
# document so that GIN intersections replace heap reads (see docs/search.md, "Ranking and its
# cost"):
# - popularity tiers: "_t1" on in-stock documents with popularity >= POPULARITY_TIERS[0]
#   (about the top 3% of the demo catalog), "_t2" (also on every "_t1" document) >= [1]
#   (about 15%). A search looks for its best matches in "_t1" first, then "_t2", then
#   everywhere, and stops at the first tier holding enough of them: exact, since every tier
#   document sorts before every other one. The thresholds decide the speed, never the results.
# - filters: "_c<id>" for the category and each ancestor, "_b<id>" brand, "_v<id>" each seller,
#   "_k<condition>", "_p<i>" the price band (index in PRICE_BANDS), "_r<n>" each rating step
#   reached, "_f" fulfilled by the marketplace (in stock has none: nearly every document would);
# - "_a<lexeme>" (with positions) for each word of the title and brand, so "matches in the
#   title or brand" is an index lookup, not a weight check of every match in the heap.
POPULARITY_TIERS = (0.88, 0.74)
TIER_TAGS = ("_t1", "_t2")
_TO_TITLE_TAGS = "'''([^'']*)''', '''_a\\1''', 'g'"  # regexp_replace: 'lexeme' -> '_alexeme'


def title_tags_sql(text: str) -> str:
    """SQL for the "_a" tsvector of a title (and brand) text expression."""
    return f"regexp_replace(to_tsvector('english', {text})::text, {_TO_TITLE_TAGS})::tsvector"


def title_query_sql(tsquery: str) -> str:
    """SQL for a tsquery expression turned into the same query over the "_a" tags."""
    return f"regexp_replace(({tsquery})::text, {_TO_TITLE_TAGS})::tsquery"


def tags_sql(
    *, in_stock: str, popularity: str, path: str, brand_id: str, price: str, rating: str, sellers: str,
    conditions: str, fbm: str,
) -> str:  # fmt: skip
    """SQL for the tags of a document (but the "_a" ones) from these column expressions."""
    from catalog.search.types import PRICE_BANDS, RATING_STEPS

    tiers = [
        f"CASE WHEN {in_stock} AND {popularity} >= {threshold} THEN '{tag}' END"
        for tag, threshold in zip(TIER_TAGS, POPULARITY_TIERS, strict=True)
    ]
    bands = " ".join(
        "WHEN "
        + " AND ".join(
            [
                f"{price} >= {low}" if low is not None else "true",
                f"{price} < {high}" if high is not None else "true",
            ]
        )
        + f" THEN '_p{i}'"
        for i, (low, high) in enumerate(PRICE_BANDS)
    )
    single = [
        *tiers,
        f"'_b' || {brand_id}::text",
        f"CASE {bands} END",
        *(f"CASE WHEN {rating} >= {r} THEN '_r{r}' END" for r in RATING_STEPS),
        f"CASE WHEN {fbm} THEN '_f' END",
    ]
    return (
        f"array_to_tsvector(array_remove(ARRAY[{', '.join(single)}], NULL) "  # noqa: S608
        f"|| ARRAY(SELECT '_c' || x FROM unnest(string_to_array(rtrim({path}, '/'), '/')) x WHERE x <> '') "
        f"|| ARRAY(SELECT '_v' || x FROM unnest({sellers}) x) "
        f"|| ARRAY(SELECT '_k' || x FROM unnest({conditions}) x))"
    )


def strip_tags_sql(document: str) -> str:
    """SQL for the document without its tags."""
    return (
        f"ts_delete({document}, ARRAY(SELECT l FROM unnest(tsvector_to_array({document})) l "  # noqa: S608
        "WHERE l LIKE '\\_%%'))"
    )


DOCUMENT_COLUMNS = (
    "document",
    "category_id",
    "category_path",
    "brand_id",
    "price_amount",
    "in_stock",
    "rating_average",
    "rating_count",
    "sales_count",
    "popularity",
    "created_at",
    "seller_ids",
    "conditions",
    "fulfilled_by_marketplace",
)

# Numbers and units are written the way queries are parsed ("65in", '65"' -> "65 inch", "1tb" ->
# "1 tb"; catalog.search.parsing.normalise_units).
_TITLE = normalise_units_sql("p.title")
_BRAND = normalise_units_sql("coalesce(b.name, '')")
_OTHER = normalise_units_sql("coalesce(cats.names, '') || ' ' || coalesce(attrs.vals, '')")
_DESCRIPTION = normalise_units_sql("left(p.description, 4000)")
_DOCUMENTS_SQL = f"""
SELECT p.id AS product_id,
    {_TITLE} || ' ' || {_BRAND} AS title_text,
    setweight(to_tsvector('english', {_TITLE}), 'A')
    || setweight(to_tsvector('english', {_BRAND}), 'B')
    || setweight(to_tsvector('english', {_OTHER}), 'C')
    || setweight(to_tsvector('english', {_DESCRIPTION}), 'D') AS document,
    p.category_id,
    c.path AS category_path,
    p.brand_id,
    p.buy_box_price_amount AS price_amount,
    p.in_stock,
    p.rating_average,
    p.rating_count,
    p.sales_count,
    round((0.6 * least(ln(1 + p.sales_count) / ln({SALES_SATURATION + 1}), 1)
     + 0.4 * (({PRIOR_WEIGHT} * {PRIOR_RATING} + p.rating_average * p.rating_count)
              / ({PRIOR_WEIGHT} + p.rating_count)) / 5)::numeric, 3)::float8 AS popularity,
    p.created_at,
    coalesce(o.seller_ids, '{{}}') AS seller_ids,
    coalesce(o.conditions, '{{}}') AS conditions,
    coalesce(o.fbm, false) AS fulfilled_by_marketplace
FROM targets t
JOIN catalog_product p ON p.id = t.id
JOIN catalog_category c ON c.id = p.category_id
LEFT JOIN catalog_brand b ON b.id = p.brand_id
LEFT JOIN LATERAL (
    SELECT string_agg(a.name, ' ') AS names FROM catalog_category a
    WHERE a.id = ANY(string_to_array(rtrim(c.path, '/'), '/')::bigint[])
) cats ON true
LEFT JOIN LATERAL (
    SELECT string_agg(DISTINCT kv.value, ' ') AS vals
    FROM catalog_product v
    CROSS JOIN LATERAL jsonb_each_text(
        CASE WHEN jsonb_typeof(v.attributes) = 'object' THEN v.attributes ELSE '{{}}' END
        || CASE WHEN jsonb_typeof(v.variant_attributes) = 'object' THEN v.variant_attributes ELSE '{{}}' END
    ) kv
    WHERE v.id = p.id OR (v.parent_id = p.id AND v.is_active)
) attrs ON true
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT o.seller_id) AS seller_ids,
           array_agg(DISTINCT o.condition::text) AS conditions,
           bool_or(o.fulfilled_by_marketplace) AS fbm
    FROM (
        SELECT p.id AS product_id
        UNION ALL SELECT v.id FROM catalog_product v WHERE v.parent_id = p.id AND v.is_active
    ) sellable
    JOIN catalog_offer o ON o.product_id = sellable.product_id AND o.is_active
    JOIN sellers_seller s ON s.id = o.seller_id
    WHERE s.status = 'approved'
      AND EXISTS (SELECT 1 FROM fulfillment_stock st WHERE st.offer_id = o.id AND st.on_hand > st.reserved)
) o ON true
WHERE p.parent_id IS NULL AND p.is_active
"""  # noqa: S608 (constants only; values are parameters)

_COLUMNS = ", ".join(DOCUMENT_COLUMNS)
_TAG_COLUMNS = {
    "in_stock": "in_stock",
    "popularity": "popularity",
    "path": "category_path",
    "brand_id": "brand_id",
    "price": "price_amount",
    "rating": "rating_average",
    "sellers": "seller_ids",
    "conditions": "conditions::text[]",
    "fbm": "fulfilled_by_marketplace",
}
_TAGS = tags_sql(**_TAG_COLUMNS)
_REFRESH_SQL = f"""
WITH targets AS (
    SELECT id FROM catalog_product WHERE id = ANY(%(ids)s)
    UNION SELECT parent_id FROM catalog_product WHERE id = ANY(%(ids)s) AND parent_id IS NOT NULL
),
raw_docs AS ({_DOCUMENTS_SQL}),
docs AS (
    SELECT product_id, document || {_TAGS} || {title_tags_sql("title_text")} AS document,
        {", ".join(DOCUMENT_COLUMNS[1:])}
    FROM raw_docs
),
gone AS (
    DELETE FROM catalog_productsearchdocument
    WHERE product_id IN (SELECT id FROM targets) AND product_id NOT IN (SELECT product_id FROM docs)
    RETURNING product_id
),
written AS (
    INSERT INTO catalog_productsearchdocument AS d (product_id, {_COLUMNS})
    SELECT product_id, {_COLUMNS} FROM docs
    ON CONFLICT (product_id) DO UPDATE SET
        {", ".join(f"{c} = EXCLUDED.{c}" for c in DOCUMENT_COLUMNS)}
    WHERE ({", ".join(f"d.{c}" for c in DOCUMENT_COLUMNS)})
        IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in DOCUMENT_COLUMNS)})
    RETURNING d.product_id
)
SELECT product_id FROM written
"""  # noqa: S608 (constants only; values are parameters)

# Words of titles, brands and category names: what typo correction corrects to.
_WORDS_SQL = """
SELECT w AS term, coalesce((ts_lexize('english_stem', w))[1], w) AS lexeme, count(*) AS frequency
FROM (
    SELECT regexp_split_to_table(lower(src.text), '[^[:alnum:]]+') AS w
    FROM ({sources}) AS src(text)
) words
WHERE length(w) BETWEEN 2 AND 64 AND w !~ '^[0-9]+$'
GROUP BY w
"""
_PRODUCT_WORDS = (
    "SELECT p.title || ' ' || coalesce(b.name, '') || ' ' || c.name FROM catalog_product p "
    "JOIN catalog_category c ON c.id = p.category_id LEFT JOIN catalog_brand b ON b.id = p.brand_id "
    "WHERE p.parent_id IS NULL AND p.is_active {where}"
)


@transaction.atomic
def search_index_refresh(*, product_ids: Iterable[int]) -> int:
    """Recompute the search documents of these products; return how many rows changed.

    Two statements whatever the number of products: the documents, then new
    words for the vocabulary of the products whose document changed.
    """
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH_SQL, {"ids": ids})
        changed = [row[0] for row in cursor.fetchall()]
        if changed:
            sources = _PRODUCT_WORDS.format(where="AND p.id = ANY(%(ids)s)")
            cursor.execute(
                "INSERT INTO catalog_searchterm (term, lexeme, frequency) "
                + _WORDS_SQL.format(sources=sources)
                + " ON CONFLICT (term) DO NOTHING",
                {"ids": changed},
            )
            if cursor.rowcount:
                vocabulary_changed()
    return len(changed)


def search_index_rebuild(
    *, batch_size: int = 5000, full: bool = False, report: Callable[[str], None] = lambda line: None
) -> int:
    """Index every listed product that has no document (all of them with ``full``), in batches,
    then recount the vocabulary and refresh the planner's statistics. Return the documents written.
    """
    written, last_id = 0, 0
    missing = (
        ""
        if full
        else "AND NOT EXISTS (SELECT 1 FROM catalog_productsearchdocument d WHERE d.product_id = p.id)"
    )
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.id FROM catalog_product p WHERE p.parent_id IS NULL AND p.is_active "  # noqa: S608 (constants only; values are parameters)
                f"AND p.id > %s {missing} ORDER BY p.id LIMIT %s",
                [last_id, batch_size],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            break
        written += search_index_refresh(product_ids=ids)
        last_id = ids[-1]
        report(f"  search index: {written:,} documents written (up to product {last_id})")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM catalog_productsearchdocument d WHERE NOT EXISTS (SELECT 1 FROM catalog_product p "
            "WHERE p.id = d.product_id AND p.parent_id IS NULL AND p.is_active)"
        )
        search_vocabulary_rebuild()
    with connection.cursor() as cursor:
        _flush_gin_pending_list(cursor)
        cursor.execute("ANALYZE catalog_productsearchdocument")
        cursor.execute("ANALYZE catalog_searchterm")
    return written


def _flush_gin_pending_list(cursor) -> None:
    """Move the GIN's pending entries into the index proper: every search scans the pending list
    linearly, so after a rebuild it made the k-of-n queries several times slower until the next
    autovacuum (docs/search.md, "Ranking and its cost")."""
    cursor.execute("SELECT gin_clean_pending_list('productsearch_document_gin'::regclass)")


def search_index_retag(*, batch_size: int = 50_000, report: Callable[[str], None] = lambda line: None) -> int:
    """Recompute the tags of every document in place (after a change of the tiers), in batches.

    Much cheaper than ``search_index_rebuild(full=True)``: it reads only the document table.
    Return the documents changed.
    """
    title = title_tags_sql(
        f"(SELECT {_TITLE} || ' ' || {_BRAND} FROM catalog_product p "  # noqa: S608 (constants only)
        "LEFT JOIN catalog_brand b ON b.id = p.brand_id WHERE p.id = d.product_id)"
    )
    new_document = f"{strip_tags_sql('d.document')} || {_TAGS} || {title}"
    changed, last_id = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT max(product_id) FROM (SELECT product_id FROM catalog_productsearchdocument "
                "WHERE product_id > %s ORDER BY product_id LIMIT %s) batch",
                [last_id, batch_size],
            )
            upto = cursor.fetchone()[0]
            if upto is None:
                break
            cursor.execute(
                f"UPDATE catalog_productsearchdocument d SET document = {new_document} "  # noqa: S608 (constants only)
                f"WHERE product_id > %s AND product_id <= %s AND document IS DISTINCT FROM ({new_document})",
                [last_id, upto],
            )
            changed += cursor.rowcount
        last_id = upto
        report(f"  search tags: {changed:,} documents changed (up to product {last_id})")
    with connection.cursor() as cursor:
        _flush_gin_pending_list(cursor)
        cursor.execute("ANALYZE catalog_productsearchdocument")
    return changed


def search_vocabulary_rebuild() -> None:
    """Recount the vocabulary from every listed product, brand and category."""
    sources = " UNION ALL ".join(
        [
            _PRODUCT_WORDS.format(where=""),
            "SELECT name FROM catalog_brand",
            "SELECT name FROM catalog_category WHERE is_active",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_searchterm")
        cursor.execute(
            "INSERT INTO catalog_searchterm (term, lexeme, frequency) " + _WORDS_SQL.format(sources=sources)
        )
    vocabulary_changed()
