"""``python -m bench.relevance``: measure search relevance on the judged queries (see __init__)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import sys
from pathlib import Path

from bench.relevance.database import BASE_DIR, DEFAULT_URL, log, prepare
from bench.relevance.report import per_query_json, render
from bench.relevance.run import measure, setup_django, show_judgments

RESULTS_DIR = BASE_DIR / "bench" / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.relevance", description="Search relevance on judged shopper queries."
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_URL,
        help=f"the catalog to measure (default $DATABASE_URL, else {DEFAULT_URL}); "
        "created and seeded when it holds no products",
    )
    parser.add_argument("--products", type=int, default=10_000, help="seed_demo --products (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="seed_demo --seed (default 1)")
    parser.add_argument(
        "--backend",
        choices=("postgres", "elasticsearch"),
        default="postgres",
        help="SEARCH_BACKEND to measure; elasticsearch needs ELASTICSEARCH_URL and an index "
        "(--reindex builds it)",
    )
    parser.add_argument("--reindex", action="store_true", help="rebuild the backend's index first")
    parser.add_argument("--random-samples", type=int, default=20, help="random orders averaged per query")
    parser.add_argument("--worst", type=int, default=15, help="how many worst queries to list")
    parser.add_argument(
        "--out", type=Path, help="write the report here (default bench/results/<date>-relevance.md)"
    )
    parser.add_argument("--json", type=Path, help="also write per-query figures as JSON to this file")
    parser.add_argument("--no-write", action="store_true", help="print the report, write no file")
    parser.add_argument("--label", default="", help="a line saying which code was measured (a commit)")
    parser.add_argument(
        "--show",
        metavar="TEXT",
        action="append",
        help="print how the judgments grade the catalog for these queries ('all': every query), then stop",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.backend == "elasticsearch" and not os.environ.get("ELASTICSEARCH_URL"):
        sys.exit("--backend elasticsearch needs ELASTICSEARCH_URL (the node to query); none is set.")
    prepare(args.database_url, products=args.products, seed=args.seed)
    setup_django(args.database_url, args.backend)
    if args.show:
        print(show_judgments(args.show))
        return
    run = measure(backend=args.backend, random_samples=args.random_samples, reindex_first=args.reindex)
    command = "python -m bench.relevance " + shlex.join(sys.argv[1:] if argv is None else argv)
    text = render(run, command=command.strip(), worst=args.worst, label=args.label)
    print(text)
    if args.json:
        args.json.write_text(per_query_json(run))
        log(f"written {args.json}")
    if not args.no_write:
        path = args.out or RESULTS_DIR / f"{dt.date.today().isoformat()}-relevance.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        log(f"written {path}")


if __name__ == "__main__":
    main()
