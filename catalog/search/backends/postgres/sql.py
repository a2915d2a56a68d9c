"""SQL pieces of the PostgreSQL backend: filter conditions, filter tags, the tiered candidate CTEs.

See docs/search.md, "Ranking and its cost", for why each piece is written the way it is.
"""

from __future__ import annotations

from catalog.search import indexing
from catalog.search.filters import ResolvedFilters
from catalog.search.types import PRICE_BANDS

TABLE = "catalog_productsearchdocument"
# Sent in the same query string as the hits and facets statements (one round trip; the string
# is one implicit transaction, so the settings end with it; needs psycopg2's client-side
# parameters). The last tier's estimate is that of every match of a broad word, which makes
# the planner JIT-compile the statement (35-55 ms at 1M products) and start parallel workers,
# even though that tier rarely runs and reads a few thousand rows when it does.
PLANNER_SETTINGS = "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "
POPULAR = "in_stock DESC, popularity DESC, product_id DESC"  # the btree, scanned backwards
# The same order as an expression, so the planner cannot walk the btree and filter each row
# through the document (a heap read per row: the cost of broad queries) but takes the GIN
# bitmap of the matches and sorts them.
POPULAR_SORTED = "in_stock DESC, popularity + 0 DESC, product_id DESC"
TSQUERY = "to_tsquery('english', %(tsq)s)"
TSQUERY_POSITIVE = "to_tsquery('english', %(tsq_positive)s)"
TSQUERY_ALL = "to_tsquery('english', %(tsq_all)s)"


def filter_sql(f: ResolvedFilters) -> tuple[dict[str, str], dict]:
    """Return {facet name: SQL condition} for the applied filters, and their parameters."""
    sql, params = {}, {}
    if f.category:
        sql["category"] = "category_path LIKE %(f_category)s"
        params["f_category"] = f.category.path + "%"
    if f.brand_ids:
        sql["brand"] = "brand_id = ANY(%(f_brand)s)"
        params["f_brand"] = f.brand_ids
    if f.seller_ids:
        sql["seller"] = "seller_ids && %(f_seller)s::bigint[]"
        params["f_seller"] = f.seller_ids
    if f.conditions:
        sql["condition"] = "conditions::text[] && %(f_condition)s::text[]"
        params["f_condition"] = f.conditions
    prices = []
    if f.price_min is not None:
        prices.append("price_amount >= %(f_price_min)s")
        params["f_price_min"] = f.price_min
    if f.price_max is not None:
        prices.append("price_amount < %(f_price_max)s")
        params["f_price_max"] = f.price_max
    if prices:
        sql["price"] = " AND ".join(prices)
    if f.rating:
        sql["rating"] = "rating_average >= %(f_rating)s"
        params["f_rating"] = f.rating
    if f.in_stock:
        sql["in_stock"] = "in_stock"
    if f.fbm:
        sql["fbm"] = "fulfilled_by_marketplace"
    return sql, params


def tags_query(f: ResolvedFilters) -> tuple[str, str]:
    """The filters as tsquery text over the document tags ("" when none; see indexing.tags_sql):
    (selective ones: category and brand, the others).

    Exact for every filter but a price range that does not follow the bands, where the bands it
    overlaps narrow the matches and the SQL condition does the rest. In stock has no tag (nearly
    every document would carry it); its SQL condition does it.
    """

    def any_of(tags):
        return "(" + " | ".join(f"'{t}'" for t in tags) + ")"

    narrow, parts = [], []
    if f.category:
        narrow.append(f"'_c{int(f.category.id)}'")
    if f.brand_ids:
        narrow.append(any_of(f"_b{int(b)}" for b in f.brand_ids))
    if f.seller_ids:
        parts.append(any_of(f"_v{int(s)}" for s in f.seller_ids))
    if f.conditions:
        parts.append(any_of(f"_k{c}" for c in f.conditions if c.replace("_", "").isalnum()))
    if f.price_min is not None or f.price_max is not None:
        bands = [
            f"_p{i}"
            for i, (low, high) in enumerate(PRICE_BANDS)
            if (high is None or f.price_min is None or high > f.price_min)
            and (low is None or f.price_max is None or low < f.price_max)
        ]
        parts.append(any_of(bands) if bands else "'_p'")  # no band: nothing matches
    if f.rating:
        parts.append(f"'_r{int(f.rating)}'")
    if f.fbm:
        parts.append("'_f'")
    return " & ".join(narrow), " & ".join(parts)


def staged(
    name: str,
    *,
    match: str,
    conditions: list[str],
    limit: str,
    columns: str,
    only_if: str = "",
    wide: str = "",
) -> tuple[str, str]:
    """CTEs for the first ``limit`` documents by popularity matching ``match`` (a tsquery
    expression) and ``conditions``, looked for in the popularity tiers first (see
    ``indexing.POPULARITY_TIERS``). Return (CTE definitions, the name of the result CTE).

    Tier i runs only when no earlier tier was full (a one-time filter), and the result is the
    first full tier, else the last: exactly the first ``limit`` documents of all matches.
    ``wide`` (tags of filters that ``conditions`` also apply) joins the GIN condition of the
    last tier only: there it saves reading the rows of every match, while in a tier the few rows
    read cost less than intersecting with such a long posting list.
    """
    stages, picks = [], []
    tiers = [*indexing.TIER_TAGS, None]
    for i, tag in enumerate(tiers):
        tiered = f"({match}) && '{tag}'::tsquery" if tag else (f"({match}) && {wide}" if wide else match)
        guard = [only_if] + [f"(SELECT count(*) FROM {name}_{j}) < {limit}" for j in range(i)]  # noqa: S608
        stages.append(
            f"{name}_{i} AS MATERIALIZED (SELECT {columns} FROM {TABLE} "  # noqa: S608 (constants only)
            f"WHERE {where([*guard, f'document @@ ({tiered})', *conditions])} "
            f"ORDER BY {POPULAR_SORTED} LIMIT {limit})"
        )
        last = i == len(tiers) - 1
        full = "" if last else f" WHERE (SELECT count(*) FROM {name}_{i}) >= {limit}"  # noqa: S608
        picks.append(f"SELECT * FROM {name}_{i}{full}")  # noqa: S608 (constants only)
    stages.append(f"{name} AS ({' UNION ALL '.join(picks)})")
    return ",\n".join(stages), name


def where(conditions) -> str:
    conditions = [c for c in conditions if c]
    return " AND ".join(f"({c})" for c in conditions) if conditions else "true"
