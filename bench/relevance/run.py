"""Run the judged queries through the search, BM25 and random orders, and score them."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field

from bench.relevance import bm25 as baseline
from bench.relevance.database import log
from bench.relevance.facts import Facts, load_facts
from bench.relevance.judgments import JudgedQuery, load_judgments
from bench.relevance.metrics import QueryScore, mean_scores, score_query
from bench.relevance.rules import GRADES, grade_catalog, index_facts

RANDOM_SEED = 12


@dataclass
class QueryRun:
    query: JudgedQuery
    grades: dict[int, str]  # product id -> grade (irrelevant ones left out)
    ours: QueryScore
    bm25: QueryScore
    random: QueryScore
    ours_ids: list[int] = field(default_factory=list)
    bm25_ids: list[int] = field(default_factory=list)
    did_you_mean: str | None = None
    error: str = ""

    @property
    def exact_count(self) -> int:
        return sum(1 for g in self.grades.values() if g == "exact")


@dataclass
class Run:
    queries: list[QueryRun]
    facts: dict[int, Facts]
    backend: str
    database: str
    products: int
    listed: int
    depth: int
    random_samples: int
    seconds: dict[str, float]


def setup_django(url: str, backend: str) -> None:
    """Production settings on that database, the backend chosen, no shared cache (locmem)."""
    import django

    os.environ.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.prod",
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(50)[:50],
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        LOG_LEVEL="ERROR",
        SEARCH_BACKEND=backend,
    )
    os.environ.pop("REDIS_URL", None)
    django.setup()


def reindex(backend: str) -> None:
    """Rebuild the search index of the configured backend from the products (after a code change)."""
    if backend == "elasticsearch":
        from django.core.management import call_command

        call_command("search_index", "--rebuild", "-f")
    else:
        from catalog.search.indexing import search_index_rebuild

        search_index_rebuild(full=True)


def search_ids(text: str, page_size: int) -> tuple[list[int], int, str | None]:
    """The first page of the results page's search: (product ids, total, did you mean)."""
    from catalog.search import SearchQuery, search

    result = search(SearchQuery(text=text, page_size=page_size))
    return [hit.product_id for hit in result.hits], result.total, result.did_you_mean


def measure(*, backend: str, random_samples: int, reindex_first: bool) -> Run:
    from django.conf import settings
    from django.db import connection

    seconds: dict[str, float] = {}
    depth = settings.CATALOG_PAGE_SIZE
    started = time.perf_counter()
    if reindex_first:
        log(f"rebuilding the {backend} index")
        reindex(backend)
        seconds["reindex"] = time.perf_counter() - started
    t = time.perf_counter()
    queries, defines = load_judgments()
    with connection.cursor() as cursor:
        products = load_facts(cursor)
        cursor.execute("SELECT count(*) FROM catalog_product")
        product_total = cursor.fetchone()[0]
        corpus = baseline.load_corpus(cursor)
        terms = baseline.query_terms(cursor, [q.text for q in queries])
    index = index_facts(products)
    grades = [grade_catalog(q.rules, products, index, defines) for q in queries]
    seconds["judge and index"] = time.perf_counter() - t
    log(f"{len(queries)} queries judged over {len(products):,} listed products")

    t = time.perf_counter()
    runs = []
    for i, (query, graded, words) in enumerate(zip(queries, grades, terms, strict=True)):
        error = ""
        try:
            ids, total, did_you_mean = search_ids(query.text, depth)
        except Exception as exc:  # noqa: BLE001 - a failing query is reported, not fatal
            if i == 0:
                raise SystemExit(f"the {backend} backend failed on the first query: {exc!r}") from exc
            ids, total, did_you_mean, error = [], 0, None, f"{type(exc).__name__}: {exc}"
        bm25_ids, bm25_total = corpus.rank(words, depth)
        matching = corpus.matching(words)
        orders = baseline.random_orders(matching, depth=depth, samples=random_samples, seed=RANDOM_SEED + i)
        runs.append(
            QueryRun(
                query=query,
                grades=graded,
                ours=score_query(ids, graded, total),
                bm25=score_query(bm25_ids, graded, bm25_total),
                random=mean_scores([score_query(o, graded, len(matching)) for o in orders])
                if orders
                else score_query([], graded, 0),
                ours_ids=ids,
                bm25_ids=bm25_ids,
                did_you_mean=did_you_mean,
                error=error,
            )
        )
    seconds["queries"] = time.perf_counter() - t
    return Run(
        queries=runs,
        facts={f.id: f for f in products},
        backend=backend,
        database=connection.settings_dict["NAME"],
        products=product_total,
        listed=len(products),
        depth=depth,
        random_samples=random_samples,
        seconds=seconds,
    )


def show_judgments(texts: list[str], *, examples: int = 5) -> str:
    """How the rules grade the catalog for these queries: counts and a few products per grade."""
    from django.db import connection

    queries, defines = load_judgments()
    with connection.cursor() as cursor:
        products = load_facts(cursor)
    index = index_facts(products)
    by_id = {f.id: f for f in products}
    wanted = [q for q in queries if "all" in texts or q.text in texts]
    missing = sorted(set(texts) - {q.text for q in queries} - {"all"})
    lines = [f"not in judgments.toml: {text!r}" for text in missing]
    for query in wanted:
        grades = grade_catalog(query.rules, products, index, defines)
        counts = {g: sum(1 for x in grades.values() if x == g) for g in GRADES}
        lines.append(
            f"{query.text!r} ({', '.join(query.kinds)}): " + ", ".join(f"{n} {g}" for g, n in counts.items())
        )
        if len(wanted) == 1:
            for g in GRADES:
                for pid in [p for p, x in grades.items() if x == g][:examples]:
                    lines.append(f"  {g}: {by_id[pid].title}")
    return "\n".join(lines)
