"""Order placement throughput: ``orders.placement.order_place`` from concurrent buyers.

    .venv/bin/python bench/orders.py                  # make bench-orders
    .venv/bin/python bench/orders.py --buyers 8 --duration 15

Each buyer is its own process (as gunicorn workers would be) that places 3-line orders from
2 sellers (two lines from one seller, one from the other), back to back, for a fixed time,
calling ``order_place`` directly: no HTTP, no templates, the placement transaction alone. Two
scenarios run: "spread" (each order picks its offers at random from a pool, so buyers rarely
wait for each other's stock locks) and "hot" (every order buys the same three offers, so every
order waits for the one before it on the same three stock rows). Next to them, in the same run
on the same server, pgbench's TPC-B-like transaction with 8 clients: the ratio says what one
order costs compared with a small, well-known write transaction. See bench/README.md.

Writes the table to stdout and to bench/results/<date>-orders.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import (  # noqa: E402 (the repository root must be importable first)
    LOCAL_SERVER,
    ensure_database,
    load_average,
    log,
    machine,
    port_open,
    production_environment,
    redact,
)

RESULTS_DIR = BASE_DIR / "bench" / "results"
BENCH_DB = "marketplace_bench_orders"
PGBENCH_DB = "marketplace_bench_pgbench"
STOCK_ON_HAND = 10_000_000
PREFIX = "bench-orders"


# --- where -------------------------------------------------------------------------------


def database_url() -> tuple[str, str]:
    """DATABASE_URL if set, else the dedicated database on the local server (created if missing)."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url, "DATABASE_URL"
    if not port_open(*LOCAL_SERVER):
        sys.exit(
            "bench/orders.py needs a PostgreSQL server for pgbench: start one on 127.0.0.1:5432 "
            "or set DATABASE_URL (the embedded server under .data/ is not used here)."
        )
    ensure_database(*LOCAL_SERVER, BENCH_DB)
    return f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}", "local PostgreSQL 127.0.0.1:5432"


@dataclass
class Server:
    host: str
    port: str
    user: str
    password: str
    database: str

    @classmethod
    def from_url(cls, url: str) -> Server:
        parts = urlsplit(url)
        return cls(
            host=unquote(parts.hostname or ""),
            port=str(parts.port or 5432),
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            database=unquote(parts.path.lstrip("/")),
        )

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "PGHOST": self.host, "PGPORT": self.port, "PGUSER": self.user}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


# --- pgbench -----------------------------------------------------------------------------


@dataclass
class PgbenchResult:
    tps: float
    latency_ms: float
    transactions: int
    failed: int
    output: str


def psql(env: dict[str, str], sql: str) -> str:
    """Run one statement in the server's ``postgres`` database; return its unaligned output."""
    executable = shutil.which("psql")
    if executable is None:
        sys.exit("psql not found: install the PostgreSQL client tools (apt-get install postgresql-client).")
    completed = subprocess.run(  # noqa: S603 (our own fixed statements)
        [executable, "-d", "postgres", "-tAqc", sql], env=env, capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def run_pgbench(server: Server, *, clients: int, threads: int, seconds: int, scale: int) -> PgbenchResult:
    pgbench = shutil.which("pgbench")
    if pgbench is None:
        sys.exit(
            "pgbench not found: install the PostgreSQL client tools (apt-get install postgresql-client)."
        )
    env = server.environment()
    psql(env, f'DROP DATABASE IF EXISTS "{PGBENCH_DB}"')
    psql(env, f'CREATE DATABASE "{PGBENCH_DB}"')
    log(f"pgbench -i -s {scale} (scratch database {PGBENCH_DB})")
    subprocess.run(  # noqa: S603
        [pgbench, "-i", "-s", str(scale), "-q", PGBENCH_DB],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    log(f"pgbench -c {clients} -j {threads} -T {seconds}")
    completed = subprocess.run(  # noqa: S603
        [pgbench, "-c", str(clients), "-j", str(threads), "-T", str(seconds), PGBENCH_DB],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    output = completed.stdout
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
    latency = re.search(r"latency average = ([\d.]+) ms", output)
    processed = re.search(r"number of transactions actually processed: (\d+)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    if tps is None:
        sys.exit(f"could not read pgbench's output:\n{output}\n{completed.stderr}")
    psql(env, f'DROP DATABASE "{PGBENCH_DB}"')
    return PgbenchResult(
        tps=float(tps.group(1)),
        latency_ms=float(latency.group(1)) if latency else float("nan"),
        transactions=int(processed.group(1)) if processed else 0,
        failed=int(failed.group(1)) if failed else 0,
        output=output,
    )


# --- data --------------------------------------------------------------------------------


def setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    import django

    django.setup()


def prepare(*, buyers: int, offers_per_seller: int) -> dict:
    """Migrate, make (once) two sellers with stocked offers and the buyers, forget earlier orders.

    Returns ids only, so worker processes can be handed them.
    """
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction

    from catalog.models import Category, Offer, Product
    from catalog.services import category_create, product_refresh_buy_box
    from fulfillment.models import Stock, Warehouse
    from marketplace.accounts.models import Address, User
    from marketplace.core.models import OutboxEvent
    from orders.models import Order
    from sellers.models import Seller

    log("migrate")
    call_command("migrate", verbosity=0, interactive=False)

    with transaction.atomic():
        category = Category.objects.filter(slug=PREFIX).first() or category_create(name="Bench", slug=PREFIX)
        sellers = []
        for letter, (latitude, longitude) in zip(
            "ab", [("39.529600", "-119.813800"), ("37.804400", "-122.271100")], strict=True
        ):
            seller, _ = Seller.objects.get_or_create(
                slug=f"{PREFIX}-{letter}",
                defaults={"name": f"Bench seller {letter.upper()}", "status": Seller.Status.APPROVED},
            )
            warehouse, _ = Warehouse.objects.get_or_create(
                code=f"{PREFIX}-{letter}",
                defaults={
                    "seller": seller,
                    "name": f"Bench warehouse {letter.upper()}",
                    "city": "Reno",
                    "region": "NV",
                    "latitude": Decimal(latitude),
                    "longitude": Decimal(longitude),
                },
            )
            offer_ids = []
            for n in range(offers_per_seller):
                product, _ = Product.objects.get_or_create(
                    slug=f"{PREFIX}-{letter}-{n}",
                    defaults={
                        "category": category,
                        "title": f"Bench item {letter.upper()}{n}",
                        "weight_grams": 400,
                    },
                )
                offer, _ = Offer.objects.get_or_create(
                    seller=seller,
                    sku=f"{PREFIX}-{letter}-{n}",
                    defaults={"product": product, "price_amount": Decimal("10.00") + n},
                )
                Stock.objects.get_or_create(
                    offer=offer, warehouse=warehouse, defaults={"on_hand": STOCK_ON_HAND, "reserved": 0}
                )
                offer_ids.append(offer.pk)
            sellers.append({"id": seller.pk, "offers": offer_ids})
        people = []
        for n in range(buyers):
            user = User.objects.filter(email=f"buyer{n}@{PREFIX}.example").first()
            if user is None:
                user = User.objects.create_user(email=f"buyer{n}@{PREFIX}.example", password=None)
            address = Address.objects.filter(user=user).first() or Address.objects.create(
                user=user,
                full_name=f"Bench Buyer {n}",
                line1=f"{n + 1} Market St",
                city="San Francisco",
                region="CA",
                postal_code="94103",
                country="US",
                is_default=True,
            )
            people.append({"user": user.pk, "address": address.pk})

    product_refresh_buy_box(
        product_ids=list(Product.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True))
    )
    # Each run starts from the same state: no orders, nothing reserved.
    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{Order._meta.db_table}", "{OutboxEvent._meta.db_table}" CASCADE')
    Stock.objects.filter(warehouse__code__startswith=PREFIX).update(on_hand=STOCK_ON_HAND, reserved=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"sellers": sellers, "buyers": people}


def pick_lines(rng: random.Random, sellers: list[dict], *, hot: bool) -> list[tuple[int, int]]:
    """Three (offer id, quantity) lines: two from the first seller, one from the second."""
    first, second = sellers
    if hot:
        return [(first["offers"][0], 1), (first["offers"][1], 1), (second["offers"][0], 1)]
    return [*((offer, 1) for offer in rng.sample(first["offers"], 2)), (rng.choice(second["offers"]), 1)]


def place_one(user, address, sellers, lines):
    from orders.placement import PlacementLine, order_place

    return order_place(
        user=user,
        idempotency_key=uuid.uuid4(),
        address=address,
        lines=[PlacementLine(offer_id=offer, quantity=quantity) for offer, quantity in lines],
        shipping_choices={seller["id"]: "standard" for seller in sellers},
    )


def queries_per_order(data: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.accounts.models import Address, User

    buyer = data["buyers"][0]
    user, address = User.objects.get(pk=buyer["user"]), Address.objects.get(pk=buyer["address"])
    lines = pick_lines(random.Random(0), data["sellers"], hot=False)
    place_one(user, address, data["sellers"], lines)  # warm: content types, rates, caches
    with CaptureQueriesContext(connection) as captured:
        place_one(user, address, data["sellers"], lines)
    return len(captured)


# --- the buyers --------------------------------------------------------------------------


@dataclass
class WorkerResult:
    latencies: list[float] = field(default_factory=list)  # seconds, orders placed in the window
    errors: list[str] = field(default_factory=list)
    last_end: float = 0.0


def buyer_process(environment, data, index, *, hot, warmup, start_at, end_at) -> WorkerResult:
    """One buyer: warm up, wait for the common start, place orders until the end."""
    setup_django(environment)
    from django.db import connection

    from marketplace.accounts.models import Address, User

    buyer = data["buyers"][index]
    user, address = User.objects.get(pk=buyer["user"]), Address.objects.get(pk=buyer["address"])
    rng = random.Random(index)
    result = WorkerResult()
    warm_until = min(time.time() + warmup, start_at)
    while time.time() < warm_until:
        place_one(user, address, data["sellers"], pick_lines(rng, data["sellers"], hot=hot))
    time.sleep(max(0.0, start_at - time.time()))
    while time.time() < end_at:
        lines = pick_lines(rng, data["sellers"], hot=hot)
        began = time.perf_counter()
        try:
            place_one(user, address, data["sellers"], lines)
        except Exception as error:  # noqa: BLE001 (every failure is counted and reported)
            result.errors.append(f"{type(error).__name__}: {error}"[:300])
            if len(result.errors) == 1:
                traceback.print_exc()
            continue
        result.latencies.append(time.perf_counter() - began)
    result.last_end = time.time()
    connection.close()
    return result


@dataclass
class Scenario:
    name: str
    hot: bool
    orders: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.orders / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def run_scenario(scenario: Scenario, environment, data, *, buyers: int, duration: int, warmup: int) -> None:
    log(f"{scenario.name}: {buyers} buyers, {warmup} s warm-up, {duration} s measured")
    context = get_context("spawn")
    with ProcessPoolExecutor(max_workers=buyers, mp_context=context) as pool:
        # Starting a process and Django takes a second or two; all buyers start at one instant.
        start_at = time.time() + warmup + 10
        end_at = start_at + duration
        futures = [
            pool.submit(
                buyer_process,
                environment,
                data,
                index,
                hot=scenario.hot,
                warmup=warmup,
                start_at=start_at,
                end_at=end_at,
            )
            for index in range(buyers)
        ]
        results = [future.result() for future in futures]
    for result in results:
        scenario.latencies.extend(result.latencies)
        scenario.errors.extend(result.errors)
    scenario.orders = len(scenario.latencies)
    scenario.seconds = max(r.last_end for r in results) - start_at


# --- report ------------------------------------------------------------------------------


def table(scenarios: list[Scenario], pgbench: PgbenchResult, *, buyers: int, queries: int) -> str:
    rows = [
        "| workload | per second | p50 ms | p95 ms | p99 ms | errors | vs pgbench tps |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in scenarios:
        rows.append(
            f"| order_place, {s.name} ({buyers} buyers) | {s.rate:,.1f} orders | {s.percentile(50):.1f} "
            f"| {s.percentile(95):.1f} | {s.percentile(99):.1f} "
            f"| {len(s.errors)} of {s.orders + len(s.errors)} | {s.rate / pgbench.tps:.3f} |"
        )
    rows.append(
        f"| pgbench TPC-B-like ({buyers} clients) | {pgbench.tps:,.1f} tps | {pgbench.latency_ms:.1f} (mean) "
        f"| | | {pgbench.failed} of {pgbench.transactions + pgbench.failed} | 1.000 |"
    )
    rows.append("")
    rows.append(
        f"SQL statements per order: {queries} (one warm `order_place`, 3 lines, 2 sellers; counting "
        "BEGIN, COMMIT and savepoints, and the buy-box and search refresh that runs after the commit)"
    )
    return "\n".join(rows)


def versions() -> dict[str, str]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    pgbench = subprocess.run(
        ["pgbench", "--version"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {"django": django.get_version(), "postgresql": postgres, "pgbench": pgbench, "commit": commit}


def report(args, scenarios, pgbench, *, command, database, queries, load_before) -> str:
    import bench.run as storefront

    storefront.LOAD_BEFORE = load_before  # machine() reports it
    errors = sorted({e for s in scenarios for e in s.errors})
    info = {**machine(), **versions()}
    lines = [
        f"# Order placement benchmark ({dt.date.today().isoformat()})",
        "",
        table(scenarios, pgbench, buyers=args.buyers, queries=queries),
        "",
        "Each order: 3 lines from 2 sellers (2 + 1), quantity 1 each, standard shipping to California,",
        "placed by `orders.placement.order_place` called directly (no HTTP) in one transaction.",
        f"spread: each order picks its offers at random from {args.offers_per_seller} per seller. "
        "hot: every order buys the same 3 offers (the same 3 stock rows are locked by every order).",
        "Latency is per `order_place` call, seen by the buyer process (includes waiting for row locks).",
        "vs pgbench tps: orders/s divided by pgbench's transactions/s, same server, same run.",
        "",
        "The buyer processes run on the same cores as PostgreSQL (and pgbench's clients did too).",
        "",
        *([f"Errors seen: {'; '.join(errors[:5])}", ""] if errors else []),
        *(
            [
                f"Note: the machine was busy before the run (load average {load_before} on "
                f"{os.cpu_count()} CPUs); absolute figures are low and noisy, compare ratios.",
                "",
            ]
            if storefront.machine_busy()
            else []
        ),
        "## How it was run",
        "",
        f"- command: `{command}`",
        f"- buyers: {args.buyers} processes (spawned, one DB connection each), production settings "
        f"(DEBUG off), {args.warmup} s warm-up then {args.duration} s measured per workload",
        f"- pgbench: `pgbench -i -s {args.scale}` in a scratch database, then "
        f"`pgbench -c {args.buyers} -j {args.pgbench_threads} -T {args.pgbench_seconds}`",
        f"- database: {database}",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        "",
    ]
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=8, help="concurrent buyer processes (default 8)")
    parser.add_argument("--duration", type=int, default=15, help="measured seconds per workload (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="unrecorded seconds first (default 2)")
    parser.add_argument("--offers-per-seller", type=int, default=50, help="offer pool of the spread workload")
    parser.add_argument("--scale", type=int, default=10, help="pgbench -i -s (default 10)")
    parser.add_argument("--pgbench-threads", type=int, default=2, help="pgbench -j (default 2)")
    parser.add_argument("--pgbench-seconds", type=int, default=15, help="pgbench -T (default 15)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    command = shlex.join([".venv/bin/python", "bench/orders.py", *(sys.argv[1:] if argv is None else argv)])
    url, where = database_url()
    environment = production_environment(url)
    environment["REDIS_URL"] = ""  # celery eager, local-memory cache: the bench measures PostgreSQL work
    setup_django(environment)
    log(f"database: {redact(url)} ({where})")
    data = prepare(buyers=args.buyers, offers_per_seller=args.offers_per_seller)
    queries = queries_per_order(data)

    load_before = load_average()
    log(f"load average before: {load_before}")
    pgbench = run_pgbench(
        Server.from_url(url),
        clients=args.buyers,
        threads=args.pgbench_threads,
        seconds=args.pgbench_seconds,
        scale=args.scale,
    )
    scenarios = [Scenario("spread", hot=False), Scenario("hot", hot=True)]
    for scenario in scenarios:
        run_scenario(
            scenario, environment, data, buyers=args.buyers, duration=args.duration, warmup=args.warmup
        )

    text = report(
        args,
        scenarios,
        pgbench,
        command=command,
        database=f"{redact(url)} ({where})",
        queries=queries,
        load_before=load_before,
    )
    print()
    print(table(scenarios, pgbench, buyers=args.buyers, queries=queries))
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{dt.date.today().isoformat()}-orders.md"
        path.write_text(text)
        log(f"wrote {path.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
