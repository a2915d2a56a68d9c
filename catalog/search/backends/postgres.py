"""The PostgreSQL full-text backend: ``catalog.ProductSearchDocument`` with a GIN index.

Cost control (see docs/search.md): a query never scores or counts every match.
The candidates are the CANDIDATE_CAP best matches by the precomputed
popularity (in stock first), plus the CANDIDATE_CAP best title or brand
matches, so an exact title of a little-sold product is not lost among a common
word's matches; only those are ranked by ``ts_rank``. The total stops at the
cap ("1,000+"). Facets are counted over the FACET_SAMPLE most popular matches.
A results page is three queries: hits (with the total), facets, facet labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from catalog.search import indexing
from catalog.search.filters import ResolvedFilters, resolve_filters
from catalog.search.parsing import ParsedQuery, parse
from catalog.search.spelling import analyse
from catalog.search.types import (
    MAX_PAGE_SIZE,
    PRICE_BANDS,
    RATING_STEPS,
    SORT_RELEVANCE,
    SORTS,
    Facet,
    FacetValue,
    SearchHit,
    SearchQuery,
    SearchResult,
)

CANDIDATE_CAP = 1000
FACET_SAMPLE = 2000
FACET_SIZE = 30
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A

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
TSQUERY_TOP = "to_tsquery('english', %(tsq_top)s)"
TSQUERY_RANK = "to_tsquery('english', %(tsq_rank)s)"

ORDERINGS = {
    SORT_RELEVANCE: "score DESC",
    "price_asc": "d.price_amount ASC NULLS LAST",
    "price_desc": "d.price_amount DESC NULLS LAST",
    "rating": "d.rating_average DESC, d.rating_count DESC",
    "newest": "d.created_at DESC",
}


@dataclass
class _Plan:
    """A query made ready for SQL."""

    tsq: str  # empty: no text, every listed product matches
    tsq_top: str
    tsq_rank: str
    corrections: dict[str, str]
    filters: ResolvedFilters


def band_key(low, high) -> str:
    return f"{low or 0:.0f}-{'' if high is None else f'{high:.0f}'}"


def band_label(low, high) -> str:
    if low is None:
        return f"Under ${high:.0f}"
    if high is None:
        return f"${low:.0f} & above"
    return f"${low:.0f} to ${high:.0f}"


def _filter_sql(f: ResolvedFilters) -> tuple[dict[str, str], dict]:
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


def _tags_query(f: ResolvedFilters) -> tuple[str, str]:
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


def _staged(
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
            f"WHERE {_where([*guard, f'document @@ ({tiered})', *conditions])} "
            f"ORDER BY {POPULAR_SORTED} LIMIT {limit})"
        )
        last = i == len(tiers) - 1
        full = "" if last else f" WHERE (SELECT count(*) FROM {name}_{i}) >= {limit}"  # noqa: S608
        picks.append(f"SELECT * FROM {name}_{i}{full}")  # noqa: S608 (constants only)
    stages.append(f"{name} AS ({' UNION ALL '.join(picks)})")
    return ",\n".join(stages), name


def _where(conditions) -> str:
    conditions = [c for c in conditions if c]
    return " AND ".join(f"({c})" for c in conditions) if conditions else "true"


class PostgresBackend:
    def refresh(self, *, product_ids) -> int:
        return indexing.search_index_refresh(product_ids=product_ids)

    def search(self, query: SearchQuery) -> SearchResult:
        page_size = max(1, min(int(query.page_size), MAX_PAGE_SIZE))
        page = max(1, int(query.page))
        sort = query.sort if query.sort in SORTS else SORT_RELEVANCE
        plan = self._plan(query)
        hits, total, capped, page = self._hits(plan, sort=sort, page=page, page_size=page_size)
        facets, sampled = self._facets(plan) if query.facets else ([], False)
        self._hydrate(hits)
        did_you_mean = None
        if plan.corrections:
            did_you_mean = " ".join(plan.corrections.get(w, w) for w in query.text.lower().split())
        return SearchResult(
            query=query,
            hits=hits,
            total=total,
            total_is_lower_bound=capped,
            page=page,
            num_pages=max(1, -(-total // page_size)),
            facets=facets,
            facets_are_sampled=sampled,
            did_you_mean=did_you_mean,
            applied_filters=plan.filters.applied,
            not_applied=plan.filters.not_applied,
            corrected_words=plan.corrections,
        )

    # Planning -------------------------------------------------------------

    def _plan(self, query: SearchQuery) -> _Plan:
        parsed: ParsedQuery = parse(query.text)
        corrections: dict[str, str] = {}
        prefix_last = False
        if not parsed.is_empty:
            corrections, prefix_last = analyse(parsed.positive_words(), last_word=parsed.last_word())
        tsq = parsed.to_tsquery(prefix_last=prefix_last, alternatives=corrections)
        tsq_top = parsed.to_tsquery(prefix_last=prefix_last, alternatives=corrections, weights="AB")
        tsq_rank = parsed.to_tsquery(prefix_last=prefix_last, alternatives=corrections, positive_only=True)
        return _Plan(
            tsq=tsq,
            tsq_top=tsq_top,
            tsq_rank=tsq_rank,
            corrections=corrections,
            filters=resolve_filters(query),
        )

    # Hits -----------------------------------------------------------------

    def _hits(self, plan: _Plan, *, sort: str, page: int, page_size: int):
        filter_sql, params = _filter_sql(plan.filters)
        filters = list(filter_sql.values())
        params.update(
            tsq=plan.tsq, tsq_top=plan.tsq_top, tsq_rank=plan.tsq_rank, cap=CANDIDATE_CAP, size=page_size
        )
        params["offset"] = (page - 1) * page_size
        narrow, wide = _tags_query(plan.filters)
        params.update(narrow=narrow, wide=wide)
        tag_match = "%(narrow)s::tsquery" if narrow else ""
        wide_match = "%(wide)s::tsquery" if wide else ""
        if plan.tsq:
            score = f"ts_rank('{RANK_WEIGHTS}', d.document, {TSQUERY_RANK}) * (1 + d.popularity)"
            pop, _ = _staged(
                "pop",
                match=" && ".join(filter(None, [TSQUERY, tag_match])),
                conditions=filters,
                limit="%(cap)s + 1",
                columns="product_id, in_stock, popularity",
                wide=wide_match,
            )
            top, _ = _staged(
                "top",
                match=" && ".join(filter(None, [TSQUERY, indexing.title_query_sql(TSQUERY_RANK), tag_match])),
                conditions=filters,
                limit="%(cap)s",
                columns="product_id, in_stock, popularity",
                # when pop holds every match, the title matches are among them
                only_if="(SELECT count(*) FROM pop) > %(cap)s",
                wide=wide_match,
            )
            candidates = f"""{pop},
                {top},
                cand AS (SELECT product_id FROM pop UNION SELECT product_id FROM top)"""  # noqa: S608
        elif narrow:
            score = "d.popularity"
            pop, _ = _staged(
                "pop",
                match=tag_match,
                conditions=filters,
                limit="%(cap)s + 1",
                columns="product_id",
                wide=wide_match,
            )
            candidates = f"""{pop},
                cand AS (SELECT product_id FROM pop)"""  # noqa: S608 (constants only)
        else:
            score = "d.popularity"
            candidates = f"""
                pop AS (SELECT product_id FROM {TABLE} WHERE {_where(filters)}
                        ORDER BY {POPULAR} LIMIT %(cap)s + 1),
                cand AS (SELECT product_id FROM pop)"""  # noqa: S608 (constants only; values are parameters)
        order = f"d.in_stock DESC, {ORDERINGS[sort]}, d.product_id DESC"
        sql = f"""
            WITH {candidates},
            ranked AS (
                SELECT d.product_id, {score} AS score, d.in_stock, d.price_amount, d.rating_average,
                       d.rating_count, d.created_at
                FROM cand JOIN {TABLE} d ON d.product_id = cand.product_id
            ),
            numbered AS (
                SELECT product_id, score,
                       row_number() OVER (ORDER BY {order.replace("d.", "")}) AS n,
                       count(*) OVER () AS total,
                       (SELECT count(*) FROM pop) AS pop_count
                FROM ranked
            ),
            shown AS (
                SELECT *, least(%(offset)s, (greatest(total - 1, 0) / %(size)s) * %(size)s) AS start
                FROM numbered
            )
            SELECT product_id, score, total, pop_count, start FROM shown
            WHERE n > start AND n <= start + %(size)s ORDER BY n"""  # noqa: S608 (constants only; values are parameters)
        with connection.cursor() as cursor:
            cursor.execute(PLANNER_SETTINGS + sql, params)
            rows = cursor.fetchall()
        if not rows:
            return [], 0, False, 1
        total, pop_count, start = rows[0][2], rows[0][3], rows[0][4]
        hits = [SearchHit(product_id=row[0], score=float(row[1] or 0)) for row in rows]
        return hits, total, pop_count > CANDIDATE_CAP, start // page_size + 1

    def _hydrate(self, hits: list[SearchHit]) -> None:
        from catalog.selectors import product_card_queryset

        products = product_card_queryset().in_bulk([hit.product_id for hit in hits])
        for hit in hits:
            hit.product = products.get(hit.product_id)
        hits[:] = [hit for hit in hits if hit.product is not None]

    # Facets ---------------------------------------------------------------

    def _facets(self, plan: _Plan) -> tuple[list[Facet], bool]:
        f = plan.filters
        filter_sql, params = _filter_sql(f)
        params.update(tsq=plan.tsq, sample=FACET_SAMPLE)

        def others(name: str, *extra: str) -> str:
            return _where([sql for key, sql in filter_sql.items() if key != name] + list(extra))

        if f.category:
            level = f.category.depth + 2
            category_extra = ["category_path LIKE %(f_category)s"]
        else:
            level = 1
            category_extra = []
        params["level"] = level
        bands = " ".join(
            "WHEN "
            + _where(
                [
                    f"price_amount >= {low}" if low is not None else "",
                    f"price_amount < {high}" if high else "",
                ]
            )
            + f" THEN '{band_key(low, high)}'"
            for low, high in PRICE_BANDS
        )
        level_id = "split_part(category_path, '/', %(level)s)"  # the category id at that depth
        columns = (
            "category_path, brand_id, price_amount, rating_average, seller_ids, conditions, in_stock, "
            "fulfilled_by_marketplace, popularity, product_id"
        )
        if plan.tsq:
            base, _ = _staged("base", match=TSQUERY, conditions=[], limit="%(sample)s", columns=columns)
        else:
            base = f"base AS MATERIALIZED (SELECT {columns} FROM {TABLE} ORDER BY {POPULAR} LIMIT %(sample)s)"  # noqa: S608
        sql = f"""
            WITH {base}
            SELECT 'category', {level_id}, count(*) FROM base
                WHERE {others("category", *category_extra)} AND {level_id} <> '' GROUP BY 2
            UNION ALL SELECT 'brand', brand_id::text, count(*) FROM base
                WHERE {others("brand")} AND brand_id IS NOT NULL GROUP BY 2
            UNION ALL SELECT 'price', CASE {bands} END, count(*) FROM base
                WHERE {others("price")} AND price_amount IS NOT NULL GROUP BY 2
            UNION ALL SELECT 'rating', r::text, count(*) FROM base, unnest(%(ratings)s::int[]) r
                WHERE {others("rating")} AND rating_average >= r GROUP BY 2
            UNION ALL SELECT 'seller', s::text, count(*) FROM base, unnest(seller_ids) s
                WHERE {others("seller")} GROUP BY 2
            UNION ALL SELECT 'condition', c::text, count(*) FROM base, unnest(conditions) c
                WHERE {others("condition")} GROUP BY 2
            UNION ALL SELECT 'in_stock', '1', count(*) FROM base WHERE {others("in_stock", "in_stock")}
            UNION ALL SELECT 'fbm', '1', count(*) FROM base
                WHERE {others("fbm", "fulfilled_by_marketplace")}
            UNION ALL SELECT '_sample', '', count(*) FROM base"""  # noqa: S608 (constants only; values are parameters)
        params["ratings"] = list(RATING_STEPS)
        with connection.cursor() as cursor:
            cursor.execute(PLANNER_SETTINGS + sql, params)
            rows = cursor.fetchall()
        counts: dict[str, dict[str, int]] = {}
        for kind, value, count in rows:
            counts.setdefault(kind, {})[value] = count
        sampled = counts.get("_sample", {}).get("", 0) >= FACET_SAMPLE
        return self._facet_objects(counts, f), sampled

    def _facet_objects(self, counts: dict[str, dict[str, int]], f: ResolvedFilters) -> list[Facet]:
        def top(kind):
            items = sorted(counts.get(kind, {}).items(), key=lambda item: (-item[1], item[0]))
            return items[:FACET_SIZE]

        categories, brands, sellers = top("category"), top("brand"), top("seller")
        labels = _labels(
            [int(v) for v, _ in categories], [int(v) for v, _ in brands], [int(v) for v, _ in sellers]
        )
        selected_brands = set(f.brand_ids)
        selected_sellers = set(f.seller_ids)

        def named(kind, items, selected):
            values = []
            for value, count in items:
                label = labels.get((kind, int(value)))
                if label is not None:
                    values.append(FacetValue(label[1], label[0], count, int(value) in selected))
            return values

        from catalog.models import Offer

        condition_labels = dict(Offer.Condition.choices)
        facets = [
            Facet("category", "Category", named("category", categories, set())),
            Facet("brand", "Brand", named("brand", brands, selected_brands)),
            Facet(
                "price",
                "Price",
                [
                    FacetValue(
                        band_key(low, high),
                        band_label(low, high),
                        counts.get("price", {}).get(band_key(low, high), 0),
                        f.price_min == low and f.price_max == high
                        if low is not None
                        else f.price_min is None and f.price_max == high,
                    )
                    for low, high in PRICE_BANDS
                ],
            ),
            Facet(
                "rating",
                "Customer rating",
                [
                    FacetValue(
                        str(r), f"{r} stars & up", counts.get("rating", {}).get(str(r), 0), f.rating == r
                    )
                    for r in RATING_STEPS
                ],
            ),
            Facet("seller", "Seller", named("seller", sellers, selected_sellers)),
            Facet(
                "condition",
                "Condition",
                [
                    FacetValue(value, condition_labels.get(value, value), count, value in f.conditions)
                    for value, count in sorted(counts.get("condition", {}).items())
                ],
            ),
            Facet(
                "availability",
                "Availability",
                [
                    FacetValue("in_stock", "In stock", counts.get("in_stock", {}).get("1", 0), f.in_stock),
                    FacetValue(
                        "fbm", "Fulfilled by the marketplace", counts.get("fbm", {}).get("1", 0), f.fbm
                    ),
                ],
            ),
        ]
        for facet in facets:
            if facet.name in ("price", "rating", "availability"):
                facet.values = [v for v in facet.values if v.count or v.selected]
        return [facet for facet in facets if facet.values]


def _labels(category_ids, brand_ids, seller_ids) -> dict[tuple[str, int], tuple[str, str]]:
    """Return {(kind, id): (name, slug)} for facet values, in one query."""
    if not (category_ids or brand_ids or seller_ids):
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'category', id, name, slug FROM catalog_category WHERE id = ANY(%s) "
            "UNION ALL SELECT 'brand', id, name, slug FROM catalog_brand WHERE id = ANY(%s) "
            "UNION ALL SELECT 'seller', id, name, slug FROM sellers_seller WHERE id = ANY(%s)",
            [category_ids, brand_ids, seller_ids],
        )
        return {(kind, pk): (name, slug) for kind, pk, name, slug in cursor.fetchall()}
