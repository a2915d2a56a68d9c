"""Search latency on PostgreSQL: a fixed mix of 200 queries at 10k, 100k and 1M products.

    .venv/bin/python bench/search.py                        # 10k, 100k and 1m
    .venv/bin/python bench/search.py --sizes 10k,100k --rounds 3
    .venv/bin/python bench/search.py --sizes 1m --db-1m mkt_b --explain 3

Each size has its own database on the PostgreSQL at 127.0.0.1:5432 (``marketplace_search_10k``,
``_100k``, ``_1m``; ``--db-<size>`` picks another), seeded with ``seed_demo --products N --seed 1``
unless it already holds N products (``--no-seed`` refuses to seed). For every size a child process
sets Django up on that database (production settings, so no query log) and calls
``catalog.search.search(SearchQuery(...))`` in-process - the full results-page query set: word
check, filter slugs, hits with the total, facets, facet labels, products and images - for each
query of the mix, after one unmeasured warm-up pass, ``--rounds`` times. After every search it
times ``Product.objects.get(pk=...)`` of a random product on the same connection: the reference
that says what one trivial query costs on this machine at that moment. The report (stdout and
``bench/results/<date>-search-<sizes>.md``) gives p50/p95/p99 per size, the ratio to the
primary-key lookup, p95 per kind of query, the time per SQL statement kind, the slowest queries
and how p95 grows with size. ``--explain N`` adds EXPLAIN ANALYZE of the N slowest queries' SQL.

The mix is built from the demo vocabulary (``marketplace.demo.vocabulary``: the words the seeded
titles, brands and categories are made of) with ``random.Random(--seed)``, so it is the same
200 queries at every size and in every run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import secrets
import statistics
import subprocess  # noqa: S404
import sys
import time
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
SERVER = "postgres://postgres@127.0.0.1:5432/"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TARGET_P95_MS = {"100k": 50.0, "1m": 150.0}

sys.path.insert(0, str(BASE_DIR))


def log(message: str) -> None:
    print(f"[bench-search] {message}", file=sys.stderr, flush=True)


# --- the query mix --------------------------------------------------------------------------

KINDS = ("word", "brand", "multi", "typo", "prefix", "phrase")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]


def _typo(word: str, rng: random.Random) -> str:
    """One edit (swap, drop, double, replace) inside the word, never of the first letter."""
    w = word.lower()
    i = rng.randrange(1, len(w) - 1)
    edit = rng.choice(("swap", "drop", "double", "replace"))
    if edit == "swap":
        return w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    if edit == "drop":
        return w[:i] + w[i + 1 :]
    if edit == "double":
        return w[:i] + w[i] + w[i:]
    letter = rng.choice([c for c in "aeioustrnl" if c != w[i]])
    return w[:i] + letter + w[i + 1 :]


def build_mix(*, seed: int, count: int = 200) -> list[dict]:
    """Return ``count`` queries: {kind, text, filters, sort}, the same for the same seed."""
    from django.utils.text import slugify

    from marketplace.demo import vocabulary as v
    from marketplace.demo.generator import category_slug

    rng = random.Random(seed)
    tops = list(enumerate(v.TOP_CATEGORIES))
    kinds = [KINDS[i % len(KINDS)] for i in range(count)]
    weights = {"word": 0.25, "brand": 0.15, "multi": 0.25, "typo": 0.15, "prefix": 0.1, "phrase": 0.1}
    kinds = rng.choices(list(weights), weights=list(weights.values()), k=count)
    queries = []
    for kind in kinds:
        top_index, top = rng.choice(tops)
        sub_index = rng.randrange(len(top.subs))
        sub = top.subs[sub_index]
        family = v.FAMILIES[top.family]
        noun = rng.choice(sub.nouns)
        brand = rng.choice(family.brands)
        adjective = rng.choice(family.adjectives or family.features or (sub.name,))
        noun_word = max(_words(noun), key=len)
        if kind == "word":
            text = rng.choice([noun_word, noun_word, _words(adjective)[0], sub.name, top.name]).lower()
        elif kind == "brand":
            text = brand if rng.random() < 0.6 else f"{brand} {noun_word}"
        elif kind == "multi":
            text = rng.choice([f"{adjective} {noun}", f"{brand} {adjective} {noun}", f"{noun} {top.name}"])
            if rng.random() < 0.15:
                text += f" -{rng.choice(family.brands).split()[0]}"
        elif kind == "typo":
            candidates = [w for w in _words(f"{noun} {brand}") if len(w) >= 5 and w.isalpha()] or [noun_word]
            text = _typo(rng.choice(candidates), rng)
            if rng.random() < 0.3:
                text = f"{_words(adjective)[0].lower()} {text}"
        elif kind == "prefix":
            cut = max(3, len(noun_word) - rng.randrange(1, 4))
            text = noun_word[:cut].lower()
        else:  # phrase
            text = f'"{noun.lower()}"' + (f" {brand.split()[0]}" if rng.random() < 0.4 else "")
        filters: dict[str, tuple[str, ...]] = {}
        if rng.random() < 0.4:
            for name in rng.sample(
                ["category", "brand", "price", "rating", "in_stock", "condition"], rng.randint(1, 2)
            ):
                if name == "category":
                    filters["category"] = (
                        category_slug(top_index)
                        if rng.random() < 0.5
                        else category_slug(top_index, sub_index),
                    )
                elif name == "brand":
                    filters["brand"] = tuple(slugify(b) for b in rng.sample(family.brands, rng.randint(1, 2)))
                elif name == "price":
                    low, high = rng.choice([(None, 25), (25, 50), (50, 100), (100, 200), (200, None)])
                    if low is not None:
                        filters["price_min"] = (str(low),)
                    if high is not None:
                        filters["price_max"] = (str(high),)
                elif name == "rating":
                    filters["rating"] = (str(rng.choice((3, 4))),)
                elif name == "in_stock":
                    filters["in_stock"] = ("1",)
                else:
                    filters["condition"] = (rng.choice(("new", "used_good", "renewed")),)
        sort = rng.choices(
            ["relevance", "price_asc", "price_desc", "rating", "newest"], weights=[60, 12, 10, 10, 8]
        )[0]
        page = 1 if rng.random() < 0.9 else rng.randint(2, 5)
        queries.append({"kind": kind, "text": text, "filters": filters, "sort": sort, "page": page})
    return queries


def describe(q: dict) -> str:
    parts = [repr(q["text"])]
    parts += [f"{k}={','.join(v)}" for k, v in q["filters"].items()]
    if q["sort"] != "relevance":
        parts.append(f"sort={q['sort']}")
    if q["page"] != 1:
        parts.append(f"page={q['page']}")
    return " ".join(parts)


# --- the child: one database ---------------------------------------------------------------


def split_settings(sql: str) -> tuple[str, str]:
    """(leading SET LOCAL statements, the statement) of a query string."""
    settings = ""
    while sql.lstrip().startswith("SET LOCAL"):
        head, _, sql = sql.lstrip().partition(";")
        settings += head + "; "
    return settings, sql


def statement_kind(sql: str) -> str:
    s = " ".join(split_settings(sql)[1].split())[:200]
    if s.startswith("WITH pop"):
        return "hits"
    if s.startswith(("WITH base", "WITH sample")):
        return "facets"
    if "catalog_searchterm" in s:
        return "words"
    if "FROM catalog_category WHERE slug" in s:
        return "filter slugs"
    if s.startswith("SELECT 'category', id, name, slug FROM"):
        return "facet labels"
    if "catalog_productimage" in s:
        return "images"
    if s.startswith('SELECT "catalog_product"'):
        return "products"
    return "other"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def child(args) -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.prod"
    django.setup()
    from django.db import connection

    from catalog.models import Product
    from catalog.search import SearchQuery, search

    mix = build_mix(seed=args.seed, count=args.queries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_product")
        products = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM catalog_productsearchdocument")
        documents = cursor.fetchone()[0]
        cursor.execute("SELECT min(id), max(id) FROM catalog_product")
        min_id, max_id = cursor.fetchone()
    rng = random.Random(args.seed)

    statements: dict[str, list[float]] = defaultdict(list)
    last_sql: list[tuple[str, object, float]] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            last_sql.append((sql, params, elapsed))

    def run(q: dict) -> float:
        query = SearchQuery(text=q["text"], filters=q["filters"], sort=q["sort"], page=q["page"])
        started = time.perf_counter()
        result = search(query)
        elapsed = (time.perf_counter() - started) * 1000
        q.setdefault("total", result.total)
        return elapsed

    def pk_lookup() -> float:
        pk = rng.randint(min_id, max_id)
        started = time.perf_counter()
        Product.objects.filter(pk=pk).first()  # .get() without the DoesNotExist of a gap
        return (time.perf_counter() - started) * 1000

    log(f"{args.label}: warm-up pass over {len(mix)} queries")
    for q in mix:
        run(q)
        pk_lookup()
    timings: list[list[float]] = [[] for _ in mix]
    pk_timings: list[float] = []
    sql_of: list[list[tuple[str, object, float]]] = [[] for _ in mix]
    with connection.execute_wrapper(timer):
        for round_index in range(args.rounds):
            log(f"{args.label}: round {round_index + 1}/{args.rounds}")
            for i, q in enumerate(mix):
                last_sql.clear()
                timings[i].append(run(q))
                for sql, _params, ms in last_sql:
                    statements[statement_kind(sql)].append(ms)
                sql_of[i] = list(last_sql)
                last_sql.clear()
                pk_timings.append(pk_lookup())
    # A pk lookup through the same execute wrapper as the searches: same overhead.
    flat = [t for ts in timings for t in ts]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for q, ts in zip(mix, timings, strict=True):
        by_kind[q["kind"]].extend(ts)
        by_kind["with filters" if q["filters"] else "no filters"].extend(ts)
        by_kind[f"sort {q['sort']}"].extend(ts)
    slowest = sorted(range(len(mix)), key=lambda i: -max(timings[i]))[: max(args.explain, 8)]
    explains = []
    if args.explain:
        with connection.cursor() as cursor:
            for i in slowest[: args.explain]:
                for sql, params, ms in sql_of[i]:
                    kind = statement_kind(sql)
                    if kind not in ("hits", "facets"):
                        continue
                    settings, statement = split_settings(sql)
                    cursor.execute(settings + "EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    explains.append({"query": describe(mix[i]), "kind": kind, "ms": ms, "plan": plan})
    out = {
        "label": args.label,
        "database": connection.settings_dict["NAME"],
        "products": products,
        "documents": documents,
        "samples": len(flat),
        "p50": percentile(flat, 50),
        "p95": percentile(flat, 95),
        "p99": percentile(flat, 99),
        "max": max(flat),
        "mean": statistics.fmean(flat),
        "pk_p50": percentile(pk_timings, 50),
        "pk_p95": percentile(pk_timings, 95),
        "pk_p99": percentile(pk_timings, 99),
        "kinds": {
            k: {"n": len(v), "p50": percentile(v, 50), "p95": percentile(v, 95)} for k, v in by_kind.items()
        },
        "statements": {
            k: {"n": len(v), "p50": percentile(v, 50), "p95": percentile(v, 95), "total": sum(v)}
            for k, v in statements.items()
        },
        "slowest": [
            {
                "query": describe(mix[i]),
                "kind": mix[i]["kind"],
                "ms": max(timings[i]),
                "total": mix[i].get("total"),
            }
            for i in slowest
        ],
        "explains": explains,
    }
    print(json.dumps(out))


# --- the parent: databases, children, report -----------------------------------------------


def product_count(url: str) -> int | None:
    import psycopg2

    try:
        conn = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass('catalog_product') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute("SELECT count(*) FROM catalog_product")
            return cursor.fetchone()[0]
    finally:
        conn.close()


def ensure_database(name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(SERVER + "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                log(f"creating database {name}")
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def child_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(50)[:50],
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        LOG_LEVEL="ERROR",
    )
    env.pop("REDIS_URL", None)
    return env


def prepare(label: str, name: str, seed_allowed: bool) -> str:
    url = SERVER + name
    wanted = SIZES[label]
    ensure_database(name)
    have = product_count(url)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    env = child_env(url) | {"DJANGO_SETTINGS_MODULE": "marketplace.settings.dev"}
    env.pop("SECRET_KEY")
    if have and wanted <= have <= wanted * 1.01:  # seed_demo writes whole variation families
        log(f"{label}: {name} already holds {have:,} products")
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=BASE_DIR)  # noqa: S603
        return url
    if have and have > wanted:
        sys.exit(f"{name} holds {have:,} products, not {wanted:,}: pass --db-{label} or drop it.")
    if not seed_allowed:
        sys.exit(f"{name} holds {have or 0:,} products, not {wanted:,}, and --no-seed was given.")
    log(f"{label}: seeding {name} to {wanted:,} products (seed 1)")
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=BASE_DIR)  # noqa: S603
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [*manage, "seed_demo", "--products", str(wanted), "--seed", "1"], env=env, check=True, cwd=BASE_DIR
    )
    return url


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def fmt(ms: float) -> str:
    return f"{ms:.1f}" if ms >= 1 else f"{ms:.2f}"


def report(results: list[dict], args, command: str, loads: dict[str, tuple[str, str]]) -> str:
    lines = [
        f"# Search latency, PostgreSQL backend ({dt.date.today().isoformat()})",
        "",
        f"Command: `{command}`",
        "",
        f"Machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}; "
        f"{args.queries} queries x {args.rounds} rounds per size after one warm-up pass, in-process "
        "`catalog.search.search(SearchQuery(...))` (hits + total + facets + labels + products + "
        "images), each followed by a primary-key lookup on the same connection.",
        "",
        "| size | database | products | documents | p50 ms | p95 ms | p99 ms | max ms | pk p50 ms "
        "| pk p95 ms | p50 / pk p50 | p95 / pk p50 | load avg before / after |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        before, after = loads[r["label"]]
        lines.append(
            f"| {r['label']} | {r['database']} | {r['products']:,} | {r['documents']:,} | {fmt(r['p50'])} "
            f"| **{fmt(r['p95'])}** | {fmt(r['p99'])} | {fmt(r['max'])} | {fmt(r['pk_p50'])} "
            f"| {fmt(r['pk_p95'])} | {r['p50'] / r['pk_p50']:.0f}x | {r['p95'] / r['pk_p50']:.0f}x "
            f"| {before} / {after} |"
        )
    lines.append("")
    targets = [
        f"{r['label']}: p95 {fmt(r['p95'])} ms against {TARGET_P95_MS[r['label']]:.0f} ms "
        f"({'met' if r['p95'] <= TARGET_P95_MS[r['label']] else 'NOT met'})"
        for r in results
        if r["label"] in TARGET_P95_MS
    ]
    if targets:
        lines += ["Targets: " + "; ".join(targets) + ".", ""]
    if len(results) > 1:
        growth = []
        for a, b in zip(results, results[1:], strict=False):
            growth.append(
                f"{a['label']} -> {b['label']} ({b['documents'] / max(a['documents'], 1):.0f}x documents): "
                f"p95 x{b['p95'] / a['p95']:.2f}"
            )
        lines += ["Growth of p95 with catalog size: " + "; ".join(growth) + ".", ""]
    kinds = sorted({k for r in results for k in r["kinds"]})
    lines += [
        "p95 (ms) by kind of query (each query counts in its kind, its filter group and its sort):",
        "",
        "| kind | " + " | ".join(r["label"] for r in results) + " |",
        "| --- |" + " ---: |" * len(results),
    ]
    for k in kinds:
        cells = [
            f"{fmt(r['kinds'][k]['p95'])} (n={r['kinds'][k]['n']})" if k in r["kinds"] else ""
            for r in results
        ]
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Time per SQL statement of a search (ms, p50 / p95; share of all statement time):",
        "",
        "| statement | " + " | ".join(r["label"] for r in results) + " |",
        "| --- |" + " ---: |" * len(results),
    ]
    names = sorted({k for r in results for k in r["statements"]})
    for name in names:
        cells = []
        for r in results:
            s = r["statements"].get(name)
            whole = sum(x["total"] for x in r["statements"].values()) or 1
            cells.append(f"{fmt(s['p50'])} / {fmt(s['p95'])} ({100 * s['total'] / whole:.0f}%)" if s else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for r in results:
        lines += ["", f"Slowest queries at {r['label']} (worst of the rounds, ms; total hits):", ""]
        for s in r["slowest"]:
            lines.append(f"- {fmt(s['ms'])} ms, {s['kind']}, total {s['total']}: {s['query']}")
        for e in r["explains"]:
            lines += [
                "",
                f"EXPLAIN ANALYZE at {r['label']}, {e['kind']} of {e['query']} ({fmt(e['ms'])} ms):",
                "",
            ]
            lines += ["```", e["plan"], "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated: 10k, 100k, 1m")
    for label in SIZES:
        parser.add_argument(
            f"--db-{label}", default=f"marketplace_search_{label}", help=f"database for {label}"
        )
    parser.add_argument("--rounds", type=int, default=2, help="measured passes over the mix per size")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1, help="seed of the query mix")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest queries")
    parser.add_argument("--no-seed", action="store_true", help="never seed; stop if a database is short")
    parser.add_argument("--no-write", action="store_true", help="print the report, write no file")
    parser.add_argument("--print-mix", action="store_true", help="print the query mix and stop")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.label = args.child
        child(args)
        return
    if args.print_mix:
        for i, q in enumerate(build_mix(seed=args.seed, count=args.queries), 1):
            print(f"{i:3} {q['kind']:7} {describe(q)}")
        return
    labels = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    for label in labels:
        if label not in SIZES:
            sys.exit(f"unknown size {label!r}; choose from {', '.join(SIZES)}")
    command = "python bench/search.py " + " ".join(sys.argv[1:])
    urls = {label: prepare(label, getattr(args, f"db_{label}"), not args.no_seed) for label in labels}
    results, loads = [], {}
    for label in labels:
        before = load_average()
        child_args = [
            sys.executable, __file__, "--child", label, "--rounds", str(args.rounds), "--queries",
            str(args.queries), "--seed", str(args.seed), "--explain", str(args.explain),
        ]  # fmt: skip
        out = subprocess.run(  # noqa: S603 (this script, fixed arguments)
            child_args, env=child_env(urls[label]), check=True, capture_output=True, text=True
        )
        sys.stderr.write(out.stderr)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        loads[label] = (before, load_average())
    text = report(results, args, command.strip(), loads)
    print(text)
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{dt.date.today().isoformat()}-search-{'-'.join(labels)}.md"
        path.write_text(text)
        log(f"written {path.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
