"""In-process latency of the storefront pages: Django's test client, production settings, no HTTP.

    .venv/bin/python bench/inprocess.py              # the bench database (see bench/run.py)
    .venv/bin/python bench/inprocess.py --repeat 300 --profile product

Fetches the same pages as bench/run.py (bare view, home, the largest category, the product with
most offers) plus a search, each as an anonymous shopper with the page cache warm (the second
and later requests) and cold (the cache cleared before every request), and as a signed-in
shopper (always rendered live). Prints milliseconds per request (median of the runs) and the
queries of one request. It migrates the benchmark database (as bench/run.py does) and writes
nothing else to it. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import bench_database_url, log, pick_targets, production_environment, setup_django  # noqa: E402


def timed(client, path: str, repeat: int, *, before=None) -> tuple[float, int]:
    """Median milliseconds of ``repeat`` GETs of ``path``, and the status of the last one."""
    samples = []
    status = 0
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return statistics.median(samples), status


def queries_of(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured.captured_queries)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100, help="requests per page and mode (median)")
    parser.add_argument("--search", default="shoes", help="the search query to time")
    parser.add_argument("--profile", choices=["home", "category", "product", "search"], default=None)
    parser.add_argument("--profile-mode", choices=["warm", "cold", "signed-in"], default="cold")
    args = parser.parse_args(argv)

    database_url, database, _keep_alive = bench_database_url()
    setup_django(production_environment(database_url))
    log(f"database: {database}")
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)  # as bench/run.py does before it seeds
    call_command("collectstatic", "--noinput", verbosity=0)  # the manifest production settings need

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    User = get_user_model()

    targets = pick_targets()
    targets.append(type(targets[0])("search", f"/search/?q={args.search}"))
    names = ["bare", "home", "category", "product", "search"]

    anonymous = Client(HTTP_HOST="127.0.0.1")
    member = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.filter(is_active=True, is_staff=False).order_by("pk").first()
    if user is not None:
        member.force_login(user)

    if args.profile:
        import cProfile
        import pstats

        target = targets[names.index(args.profile)]
        client = member if args.profile_mode == "signed-in" else anonymous
        before = cache.clear if args.profile_mode == "cold" else None
        client.get(target.path)
        profiler = cProfile.Profile()
        profiler.enable()
        timed(client, target.path, args.repeat, before=before)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return 0

    rows = []
    for name, target in zip(names, targets, strict=False):
        anonymous.get(target.path)
        warm, status = timed(anonymous, target.path, args.repeat)
        warm_queries = queries_of(anonymous, target.path)
        cold, _ = timed(anonymous, target.path, args.repeat, before=cache.clear)
        cache.clear()
        cold_queries = queries_of(anonymous, target.path)
        member.get(target.path)
        signed_in, _ = timed(member, target.path, args.repeat) if user else (float("nan"), 0)
        rows.append((name, target.path, status, warm, warm_queries, cold, cold_queries, signed_in))

    print()
    print("| page | path | status | anonymous, cache warm | anonymous, cache cold | signed in |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, path, status, warm, warm_q, cold, cold_q, signed_in in rows:
        print(
            f"| {name} | `{path[:60]}` | {status} | {warm:.2f} ms ({warm_q} q) "
            f"| {cold:.2f} ms ({cold_q} q) | {signed_in:.2f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
