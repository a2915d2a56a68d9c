"""The PostgreSQL full-text backend: ``catalog.ProductSearchDocument`` with a GIN index.

Matching (``catalog.search.matching``): a product matches when it holds at
least k of the query's n units (a k-of-n tsquery: the OR of the combinations,
which the GIN index answers), every quoted phrase and no exclusion.

Cost control (see docs/search.md): a query never scores or counts every match.
The candidates are the CANDIDATE_CAP best matches by the precomputed
popularity (in stock first), plus the CANDIDATE_CAP best title or brand
matches, plus (when not every unit is required) the CANDIDATE_CAP best matches
of every unit, so neither an exact title of a little-sold product nor a full
match is lost among a common word's matches; only those are scored: coverage
(units matched), ``ts_rank`` by field, adjacency, then popularity. The total
stops at the cap ("1,000+"). Facets are counted over the FACET_SAMPLE most
popular matches. A results page is three queries: hits (with the total),
facets, facet labels.
"""

from __future__ import annotations

from django.db import connection

from catalog.search import indexing
from catalog.search.backends.postgres.plan import (
    SqlPlan,
    prefix_fixes,
    real_word_fixes,
    score_sql,
    sql_plan,
    unmatched_words,
)
from catalog.search.backends.postgres.sql import (
    PLANNER_SETTINGS,
    POPULAR,
    TABLE,
    TSQUERY,
    TSQUERY_ALL,
    TSQUERY_POSITIVE,
    filter_sql,
    staged,
    tags_query,
    where,
)
from catalog.search.facet_values import band_key, facet_objects
from catalog.search.filters import resolve_filters
from catalog.search.matching import understand
from catalog.search.types import (
    MAX_PAGE_SIZE,
    PRICE_BANDS,
    RATING_STEPS,
    SORT_RELEVANCE,
    SORTS,
    Facet,
    SearchHit,
    SearchQuery,
    SearchResult,
)

__all__ = ["CANDIDATE_CAP", "FACET_SAMPLE", "PostgresBackend", "band_key"]

CANDIDATE_CAP = 1000
FACET_SAMPLE = 2000
ORDERINGS = {
    SORT_RELEVANCE: "score DESC",
    "price_asc": "d.price_amount ASC NULLS LAST",
    "price_desc": "d.price_amount DESC NULLS LAST",
    "rating": "d.rating_average DESC, d.rating_count DESC",
    "newest": "d.created_at DESC",
}


class PostgresBackend:
    def refresh(self, *, product_ids) -> int:
        return indexing.search_index_refresh(product_ids=product_ids)

    def search(self, query: SearchQuery) -> SearchResult:
        page_size = max(1, min(int(query.page_size), MAX_PAGE_SIZE))
        page = max(1, int(query.page))
        sort = query.sort if query.sort in SORTS else SORT_RELEVANCE
        plan = self._plan(query)
        if plan.searchable:
            hits, total, capped, page, masks = self._hits(plan, sort=sort, page=page, page_size=page_size)
            if not hits and (fixes := prefix_fixes(plan)):
                # The word being typed starts no match ("frying pain"): try it as a typo too.
                plan = sql_plan(
                    plan.source.with_alternatives(fixes),
                    corrections={**plan.corrections, **fixes},
                    filters=plan.filters,
                    searchable=True,
                )
                hits, total, capped, page, masks = self._hits(plan, sort=sort, page=page, page_size=page_size)
            while not hits and (relaxed := plan.source.relax()) is not None:
                # Nothing has enough of the words: one fewer, until a single one is enough.
                plan = sql_plan(relaxed, corrections=plan.corrections, filters=plan.filters, searchable=True)
                hits, total, capped, page, masks = self._hits(plan, sort=sort, page=page, page_size=page_size)
            fixes = real_word_fixes(plan, masks)
            if fixes:
                # A catalog word no shown product has ("pain" in "frying pain"): try its neighbour.
                plan = sql_plan(
                    plan.source.with_alternatives(fixes),
                    corrections={**plan.corrections, **fixes},
                    filters=plan.filters,
                    searchable=True,
                )
                hits, total, capped, page, masks = self._hits(plan, sort=sort, page=page, page_size=page_size)
            facets, sampled = self._facets(plan) if query.facets else ([], False)
        else:  # only stop words PostgreSQL does not index: nothing can match
            hits, total, capped, page, masks = [], 0, False, 1, []
            facets, sampled = [], False
        self._hydrate(hits)
        did_you_mean = None
        if plan.corrections:
            did_you_mean = " ".join(plan.corrections.get(w, w) for w in query.text.lower().split())
        missing, partial = unmatched_words(plan, masks)
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
            missing_words=missing,
            partially_matched_words=partial,
        )

    # Planning -------------------------------------------------------------

    def _plan(self, query: SearchQuery) -> SqlPlan:
        understood = understand(query.text)
        return sql_plan(
            understood.plan,
            corrections=understood.corrections,
            filters=resolve_filters(query),
            searchable=understood.parsed.is_empty or understood.plan.searchable,
        )

    # Hits -----------------------------------------------------------------

    def _candidates(self, plan: SqlPlan, filters: list[str], tag_match: str, wide_match: str) -> str:
        """CTEs whose last, ``cand``, holds the ids of the candidates to score."""
        match = " && ".join(filter(None, [TSQUERY, tag_match]))
        columns = "product_id, in_stock, popularity"
        pop, _ = staged(
            "pop", match=match, conditions=filters, limit="%(cap)s + 1", columns=columns, wide=wide_match
        )
        top, _ = staged(
            "top",
            match=" && ".join(filter(None, [TSQUERY, indexing.title_query_sql(TSQUERY_POSITIVE), tag_match])),
            conditions=filters,
            limit="%(cap)s",
            columns=columns,
            # when pop holds every match, the title matches are among them
            only_if="(SELECT count(*) FROM pop) > %(cap)s",
            wide=wide_match,
        )
        ctes, sources = [pop, top], ["pop", "top"]
        if plan.tsq_all:
            every, _ = staged(
                "every",
                match=" && ".join(filter(None, [TSQUERY_ALL, tag_match])),
                conditions=filters,
                limit="%(cap)s",
                columns=columns,
                only_if="(SELECT count(*) FROM pop) > %(cap)s",
                wide=wide_match,
            )
            ctes.append(every)
            sources.append("every")
        union = " UNION ".join(f"SELECT product_id FROM {name}" for name in sources)  # noqa: S608
        return ",\n".join(ctes) + f",\ncand AS ({union})"

    def _hits(self, plan: SqlPlan, *, sort: str, page: int, page_size: int):
        conditions, params = filter_sql(plan.filters)
        filters = list(conditions.values())
        params.update(
            tsq=plan.tsq,
            tsq_positive=plan.tsq_positive,
            tsq_all=plan.tsq_all,
            tsq_rank=plan.tsq_rank,
            tsq_proximity=plan.tsq_proximity,
            tsq_free=plan.tsq_free,
            units=plan.units,
            cap=CANDIDATE_CAP,
            size=page_size,
        )
        params["offset"] = (page - 1) * page_size
        narrow, wide = tags_query(plan.filters)
        params.update(narrow=narrow, wide=wide)
        tag_match = "%(narrow)s::tsquery" if narrow else ""
        wide_match = "%(wide)s::tsquery" if wide else ""
        mask = "0"
        if plan.tsq:
            candidates = self._candidates(plan, filters, tag_match, wide_match)
            score, mask = score_sql(plan)
        elif narrow:
            score = "d.popularity"
            pop, _ = staged(
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
                pop AS (SELECT product_id FROM {TABLE} WHERE {where(filters)}
                        ORDER BY {POPULAR} LIMIT %(cap)s + 1),
                cand AS (SELECT product_id FROM pop)"""  # noqa: S608 (constants only; values are parameters)
        order = f"d.in_stock DESC, {ORDERINGS[sort]}, d.product_id DESC"
        sql = f"""
            WITH {candidates},
            q AS MATERIALIZED (SELECT
                ARRAY(SELECT to_tsquery('english', u) FROM unnest(%(units)s::text[]) WITH ORDINALITY x(u, i)
                      ORDER BY i) AS units,
                CASE WHEN %(tsq_rank)s <> '' THEN to_tsquery('english', %(tsq_rank)s) END AS r,
                CASE WHEN %(tsq_proximity)s <> '' THEN to_tsquery('english', %(tsq_proximity)s) END AS p,
                CASE WHEN %(tsq_free)s <> '' THEN to_tsquery('english', %(tsq_free)s) END AS f),
            ranked AS (
                SELECT d.product_id, {score} AS score, m.mask, d.in_stock, d.price_amount,
                       d.rating_average, d.rating_count, d.created_at
                FROM cand JOIN {TABLE} d ON d.product_id = cand.product_id CROSS JOIN q
                CROSS JOIN LATERAL (SELECT {mask} AS mask) m
            ),
            numbered AS (
                SELECT product_id, score, mask,
                       row_number() OVER (ORDER BY {order.replace("d.", "")}) AS n,
                       count(*) OVER () AS total,
                       (SELECT count(*) FROM pop) AS pop_count
                FROM ranked
            ),
            shown AS (
                SELECT *, least(%(offset)s, (greatest(total - 1, 0) / %(size)s) * %(size)s) AS start
                FROM numbered
            )
            SELECT product_id, score, total, pop_count, start, mask FROM shown
            WHERE n > start AND n <= start + %(size)s ORDER BY n"""  # noqa: S608 (constants only; values are parameters)
        with connection.cursor() as cursor:
            cursor.execute(PLANNER_SETTINGS + sql, params)
            rows = cursor.fetchall()
        if not rows:
            return [], 0, False, 1, []
        total, pop_count, start = rows[0][2], rows[0][3], rows[0][4]
        hits = [SearchHit(product_id=row[0], score=float(row[1] or 0)) for row in rows]
        masks = {row[0]: int(row[5] or 0) for row in rows}
        return hits, total, pop_count > CANDIDATE_CAP, start // page_size + 1, masks

    def _hydrate(self, hits: list[SearchHit]) -> None:
        from catalog.selectors import product_card_queryset

        products = product_card_queryset().in_bulk([hit.product_id for hit in hits])
        for hit in hits:
            hit.product = products.get(hit.product_id)
        hits[:] = [hit for hit in hits if hit.product is not None]

    # Facets ---------------------------------------------------------------

    def _facets(self, plan: SqlPlan) -> tuple[list[Facet], bool]:
        f = plan.filters
        conditions, params = filter_sql(f)
        params.update(tsq=plan.tsq, sample=FACET_SAMPLE)

        def others(name: str, *extra: str) -> str:
            return where([sql for key, sql in conditions.items() if key != name] + list(extra))

        if f.category:
            level = f.category.depth + 2
            category_extra = ["category_path LIKE %(f_category)s"]
        else:
            level = 1
            category_extra = []
        params["level"] = level
        bands = " ".join(
            "WHEN "
            + where(
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
            base, _ = staged("base", match=TSQUERY, conditions=[], limit="%(sample)s", columns=columns)
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
        return facet_objects(counts, f), sampled
