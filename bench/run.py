"""Load benchmark of the storefront: gunicorn with production settings, measured by wrk.

    .venv/bin/python bench/run.py --products 10000

Seeds a dedicated database, serves it with gunicorn, loads four pages with wrk and prints a
markdown table, each figure next to its ratio to a bare Django view measured in the same run.
The table also goes to bench/results/<date>-<products>.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
BENCH_DB = "marketplace_bench"
LOCAL_SERVER = ("127.0.0.1", 5432)


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- the database -------------------------------------------------------------------------


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_database(host: str, port: int | str, name: str) -> None:
    """Create database ``name`` on the server if it is not there yet."""
    import psycopg2

    connection = psycopg2.connect(host=host, port=port or None, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                log(f"creating database {name}")
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def bench_database_url() -> tuple[str, str, object]:
    """Return (DATABASE_URL, description, keep-alive handle) for the benchmark database.

    DATABASE_URL if set; else a dedicated database on the local server at 127.0.0.1:5432;
    else the same database name on the embedded server under .data/.
    """
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url, "DATABASE_URL", None
    if port_open(*LOCAL_SERVER):
        ensure_database(*LOCAL_SERVER, BENCH_DB)
        return f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}", "local PostgreSQL 127.0.0.1:5432", None
    sys.path.insert(0, str(BASE_DIR))
    from marketplace.core.embedded_postgres import embedded_database_settings

    data_dir = Path(os.environ.get("MARKETPLACE_DATA_DIR", BASE_DIR / ".data"))
    settings = embedded_database_settings(data_dir, name=BENCH_DB)
    host = settings["HOST"]
    if host.startswith("/"):  # Unix socket directory: django-environ reads it from the path.
        return f"postgres://postgres@/{quote(host, safe='')}/{BENCH_DB}", "embedded PostgreSQL", settings
    return f"postgres://postgres@{host}:{settings['PORT']}/{BENCH_DB}", "embedded PostgreSQL", settings


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


# --- Django in this process (seeding, picking URLs, counting queries) ------------------------


def production_environment(database_url: str) -> dict[str, str]:
    """The environment both this process and gunicorn run with: production settings."""
    return {
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.prod",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        # A shared cache, as production has: the page cache's versions must reach every worker.
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"),
    }


def setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def seed(products: int, seed_value: int) -> str:
    """Migrate, and seed ``products`` products unless the database already holds that many."""
    from django.core.management import call_command

    from catalog.models import Product

    call_command("migrate", "--no-input", verbosity=0)
    count = Product.objects.count()
    # seed_demo writes whole variation families, so it may overshoot N by a family or two.
    if products <= count <= products * 1.01 + 50:
        return f"reused the {count:,} products already there"
    if count > products:
        raise SystemExit(
            f"The benchmark database holds {count:,} products, more than {products:,}. Drop it "
            f"(dropdb -h 127.0.0.1 -U postgres {BENCH_DB}) or pass --products {count}."
        )
    log(f"seeding up to {products:,} products (seed_demo --products {products} --seed {seed_value})")
    started = time.monotonic()
    call_command("seed_demo", products=products, seed=seed_value, stdout=sys.stdout)
    elapsed = time.monotonic() - started
    total = Product.objects.count()
    command = f"seed_demo --products {products} --seed {seed_value}"
    return f"seeded with `{command}`: {total:,} products in {elapsed:.0f} s"


@dataclass
class Target:
    label: str
    path: str
    queries: int | None = None
    status: int | None = None
    result: dict = field(default_factory=dict)


def pick_targets() -> list[Target]:
    """The bare view, the home page, the largest top-level category and a product with most offers."""
    from catalog.models import Category, Product

    targets = [Target("bare Django view (baseline)", "/bench/bare/"), Target("home", "/")]
    sizes = {
        category: Product.objects.filter(category__path__startswith=category.path, is_active=True).count()
        for category in Category.objects.filter(parent__isnull=True, is_active=True)
    }
    top = max(sizes, key=lambda category: (sizes[category], -category.pk), default=None)
    if top is not None:
        targets.append(Target(f"category {top.name!r}", f"/c/{top.slug}/"))
    product = (
        Product.objects.filter(is_active=True, in_stock=True)
        .order_by("-offer_count", "-sales_count", "pk")
        .only("slug", "title", "offer_count")
        .first()
    )
    if product is not None:
        targets.append(Target(f"product ({product.offer_count} offers)", f"/p/{product.slug}/"))
    return targets


def count_queries(targets: list[Target], *, show: bool = False) -> None:
    """Fetch each page twice with Django's test client; count the second (warm) request's queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for target in targets:
        client.get(target.path)  # Warm the caches a running server has warm too.
        with CaptureQueriesContext(connection) as captured:
            response = client.get(target.path)
        target.queries = len(captured.captured_queries)
        target.status = response.status_code
        if show:
            log(f"{target.path}: HTTP {target.status}, {target.queries} queries")
            for query in captured.captured_queries:
                print(f"    {query['sql'][:300]}", flush=True)


# --- gunicorn -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(environment: dict[str, str], port: int, workers: int, log_file) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "marketplace.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--keep-alive",
        "5",
        "--graceful-timeout",
        "5",
    ]
    log(f"starting: {shlex.join(command)}")
    return subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        command,
        cwd=BASE_DIR,
        env={**os.environ, **environment},
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_healthy(base_url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}; see its log above")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise SystemExit(f"gunicorn did not answer {base_url}/healthz within {timeout:.0f} s")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log("gunicorn stopped")


# --- wrk ----------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(
            "wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install wrk) and rerun."
        )
    command = ["apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=300", "wrk"]
    log(f"wrk is not installed; installing the Debian package: {shlex.join(command)}")
    installed = subprocess.run(  # noqa: S603
        command, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, check=False
    )
    if installed.returncode != 0:
        log("apt-get install failed; refreshing the package lists (apt-get update) and trying again")
        subprocess.run(["apt-get", "update", "-qq"], check=False)  # noqa: S607
        subprocess.run(command, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, check=False)  # noqa: S603
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("Could not install wrk (apt-get install wrk failed); install it and rerun.")
    return found


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """Pull requests/s, latency percentiles, request count and errors out of ``wrk --latency``."""
    result = {"percentiles": {}, "socket_errors": 0, "non_2xx": 0}
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    for percent, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.MULTILINE):
        result["percentiles"][int(percent)] = to_ms(value)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        result["socket_errors"] = sum(int(n) for n in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        result["non_2xx"] = int(non_2xx.group(1))
    return result


def load(wrk: str, url: str, args, duration: int) -> tuple[dict, str]:
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return parse_wrk(output), output


# --- report -------------------------------------------------------------------------------


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def table(targets: list[Target]) -> str:
    bare = targets[0].result.get("rps") or None
    rows = [
        "| page | path | req/s | p50 | p99 | errors | req/s vs bare | queries/request |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for target in targets:
        result = target.result
        errors = result.get("socket_errors", 0) + result.get("non_2xx", 0)
        ratio = f"{result['rps'] / bare:.3f}" if bare else "-"
        status = "" if target.status == 200 else f" (HTTP {target.status})"
        rows.append(
            f"| {target.label}{status} | `{target.path}` | {result.get('rps', 0):,.0f} "
            f"| {fmt_ms(result['percentiles'].get(50))} | {fmt_ms(result['percentiles'].get(99))} "
            f"| {errors} of {result.get('requests', 0):,} | {ratio} | {target.queries} |"
        )
    return "\n".join(rows)


LOAD_BEFORE = "unknown"


def load_average() -> str:
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def machine_busy() -> bool:
    return LOAD_BEFORE != "unknown" and float(LOAD_BEFORE.split(",")[0]) > 0.5 * (os.cpu_count() or 1)


def machine() -> dict[str, str]:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total_kb = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    cpu = ""
    if Path("/proc/cpuinfo").exists():
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = model.group(1).strip() if model else ""
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu": cpu or platform.processor() or "unknown",
        "memory": f"{int(total_kb.group(1)) / 1024 / 1024:.1f} GiB" if total_kb else "unknown",
        "os": platform.platform(),
        "python": platform.python_version(),
        "load average before the run (1, 5, 15 min)": LOAD_BEFORE,
    }


def versions() -> dict[str, str]:
    import django
    import gunicorn
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": postgres,
        "commit": commit,
    }


def report(args, targets, *, command, database, seeded, workers, wrk_version) -> str:
    info = {**machine(), **versions()}
    lines = [
        f"# Storefront benchmark, {args.products:,} products ({dt.date.today().isoformat()})",
        "",
        table(targets),
        "",
        "req/s vs bare: the page's requests/s divided by the bare Django view's, same server, same run.",
        "p50/p99 include queueing: 32 connections share the workers.",
        "queries/request: SQL queries of one warm request (Django test client, caches warm).",
        "",
        *(
            [
                f"Note: the machine was busy before the run (load average {LOAD_BEFORE} on "
                f"{os.cpu_count()} CPUs); absolute figures are low, compare ratios.",
                "",
            ]
            if machine_busy()
            else []
        ),
        "## How it was run",
        "",
        f"- command: `{command}`",
        f"- server: gunicorn, {workers} sync workers, production settings (DEBUG off), "
        "persistent DB connections",
        f"- load: {wrk_version}, {args.threads} threads, {args.connections} connections, "
        f"{args.duration} s per page after a {args.warmup} s warm-up, on the same machine",
        f"- database: {database}; {seeded}",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        "",
    ]
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=10_000, help="catalog size to seed (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="seed_demo random seed (default 1)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load first (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default 2 x CPUs)")
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL (warm request)")
    parser.add_argument("--no-write", action="store_true", help="print the table, do not write results/")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    command = shlex.join([".venv/bin/python", "bench/run.py", *(sys.argv[1:] if argv is None else argv)])
    wrk = ensure_wrk()
    wrk_version = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    wrk_version = (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip() or "wrk"

    database_url, database, _keep_alive = bench_database_url()
    environment = production_environment(database_url)
    setup_django(environment)
    log(f"database: {database} ({redact(database_url)})")
    seeded = seed(args.products, args.seed)
    log(seeded)

    from django.core.management import call_command

    log("collectstatic --noinput")
    call_command("collectstatic", "--noinput", verbosity=0)
    targets = pick_targets()
    count_queries(targets, show=args.show_queries)

    global LOAD_BEFORE  # noqa: PLW0603 (one figure for the report, taken before the load starts)
    LOAD_BEFORE = load_average()
    if machine_busy():
        log(f"the machine is busy (load average {LOAD_BEFORE}); figures will be low and noisy")
    workers = args.workers or 2 * (os.cpu_count() or 1)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log") as gunicorn_log:
        process = start_gunicorn(environment, port, workers, gunicorn_log)
        try:
            wait_healthy(base_url, process)
            for target in targets:
                log(f"{target.label}: {target.path} ({args.duration} s)")
                if args.warmup:
                    load(wrk, base_url + target.path, args, args.warmup)
                target.result, _ = load(wrk, base_url + target.path, args, args.duration)
        finally:
            stop_gunicorn(process)
            gunicorn_log.seek(0)
            server_output = gunicorn_log.read()
        problems = [
            line for line in server_output.splitlines() if re.search(r"ERROR|Traceback|CRITICAL", line)
        ]
        if problems:
            log("gunicorn logged errors:\n" + "\n".join(problems[:20]))

    text = report(
        args,
        targets,
        command=command,
        database=database,
        seeded=seeded,
        workers=workers,
        wrk_version=wrk_version,
    )
    print()
    print(text)
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{dt.date.today().isoformat()}-{args.products}.md"
        path.write_text(text)
        log(f"written to {path.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
