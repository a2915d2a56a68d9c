"""Load benchmark of the storefront: gunicorn with production settings, measured by wrk.

    .venv/bin/python bench/run.py --products 10000

Seeds a dedicated database, serves it with gunicorn, loads the storefront's paths with wrk
(home, category, product, search, add to cart as a guest, the checkout page signed in) and
prints a markdown table, each figure next to its ratio to a bare Django view in the same run.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
BENCH_DB = "marketplace_bench"
WRK_DIR = BASE_DIR / "bench" / "wrk"
SHOPPER_EMAIL = "shopper@bench.example"
GUEST_SESSIONS = 600  # guest carts the add-to-cart load spreads over (100 units each at most)
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
        # Product pictures are served by Django here, standing in for the object storage or CDN
        # of a real deployment, so the page weight includes them.
        "SERVE_MEDIA": "true",
        # A shared cache, as production has: the page cache's versions must reach every worker.
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"),
        # Orders are paid and e-mailed through the stand-ins here (production refuses them).
        "SANDBOX_ALLOWED": "payments,carrier,email",
        # The baseline every figure is a ratio to (off in production).
        "BENCH_VIEWS": "true",
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
        from catalog.search.indexing import search_index_rebuild

        # A catalog seeded before search existed has no documents: the search path would be empty.
        indexed = search_index_rebuild(batch_size=5000)
        return f"reused the {count:,} products already there" + (
            f" (indexed {indexed:,} for search)" if indexed else ""
        )
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
    method: str = "GET"
    cookie: str = ""  # a Cookie header for every request (the signed-in checkout)
    post_lines: list[tuple[str, str]] | None = None  # POST: (Cookie, body) per request, in turn
    post_data: dict | None = None  # the POST body of the query count (test client)
    count_cookies: dict | None = None  # cookies of the query count's client
    reset: Callable[[], None] | None = None  # before each wrk run
    verify: Callable[[dict], str] | None = None  # after the measured run: a note for the report
    ok_statuses: tuple[int, ...] = (200,)
    note: str = ""
    weight: dict = field(default_factory=dict)  # page weight of a GET page: bytes by kind, requests


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
    word = search_word()
    if word:
        targets.append(Target(f"search {word!r}", f"/search/?q={quote(word)}"))
    return targets


def search_word() -> str | None:
    """A common word of the catalog: the first word of the brand with the most listed products."""
    from django.db.models import Count

    from catalog.models import Brand

    brands = (
        Brand.objects.filter(products__is_active=True)
        .annotate(n=Count("products"))
        .order_by("-n", "pk")
        .values_list("name", flat=True)[:20]
    )
    for name in brands:
        for word in re.findall(r"[A-Za-z]{4,}", name):
            return word.lower()
    return None


def buyable_offers(limit: int):
    """In-stock offers of active products from approved sellers, at least 10 units each."""
    from catalog.buybox import offers_with_availability
    from catalog.models import Offer
    from sellers.models import Seller

    return list(
        offers_with_availability(
            Offer.objects.filter(
                is_active=True, product__is_active=True, seller__status=Seller.Status.APPROVED
            )
        )
        .filter(available__gte=10)
        .order_by("pk")
        .select_related("seller")[:limit]
    )


def guest_session() -> tuple[str, str]:
    """A guest session with an empty cart already made; returns (session key, CSRF secret)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    from orders.cart import SESSION_CART_ID
    from orders.models import Cart

    session = SessionStore()
    session.create()
    cart = Cart.objects.create(session_key=session.session_key)
    session[SESSION_CART_ID] = cart.pk
    session.save()
    return session.session_key, _get_new_csrf_string()


def shopping_targets(args) -> tuple[list[Target], Callable[[], None]]:
    """Add to cart (many guest sessions) and the checkout page (a signed-in shopper with a cart).

    Returns the targets and a clean-up that deletes the guest sessions and carts made here.
    """
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.db.models import Sum
    from django.test import Client

    from marketplace.accounts.models import Address, User
    from orders.models import Cart, CartLine

    engine = settings.SESSION_ENGINE
    if engine != "django.contrib.sessions.backends.db":
        log(f"SESSION_ENGINE is {engine}; add to cart is skipped (the bench writes db sessions)")
        return [], lambda: None
    offers = buyable_offers(50)
    if not offers:
        return [], lambda: None
    targets = []
    # Add to cart: each request adds one unit of one offer to one guest's cart. A cart takes at
    # most 50 lines and 100 units, so the requests go round GUEST_SESSIONS carts, and each cart
    # gets the 50 offers in turn (two rounds: 100 units); the carts are emptied before each run.
    guests = [guest_session() for _ in range(GUEST_SESSIONS)]
    cookie_name, csrf_name = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
    lines = [
        (
            f"{cookie_name}={key}; {csrf_name}={secret}",
            f"csrfmiddlewaretoken={secret}&offer={offers[turn % len(offers)].pk}&quantity=1",
        )
        for turn in range(2 * len(offers))
        for key, secret in guests
    ]
    keys = [key for key, _ in guests]
    count_key, _ = guest_session()
    keys.append(count_key)
    carts = Cart.objects.filter(session_key__in=keys)

    def empty_carts() -> None:
        CartLine.objects.filter(cart__in=carts).delete()

    def units_added(result: dict) -> str:
        added = CartLine.objects.filter(cart__in=carts).aggregate(n=Sum("quantity"))["n"] or 0
        sent = result.get("requests", 0)
        result["units_added"] = added
        return (
            f"add to cart: {added:,} units are in the guest carts after the run, for {sent:,} "
            "requests wrk counted (a refused add also answers 302, so this is the check that "
            "each one added; a few more than counted are requests still in flight at the end)."
        )

    targets.append(
        Target(
            f"add to cart (guest, {GUEST_SESSIONS} carts)",
            "/cart/add/",
            method="POST",
            post_lines=lines,
            post_data={"offer": offers[0].pk, "quantity": 1},
            count_cookies={cookie_name: count_key},
            reset=empty_carts,
            verify=units_added,
            ok_statuses=(302,),
        )
    )

    # The checkout page: a signed-in shopper (verified e-mail, an address in California) with
    # three lines from up to two sellers in the cart.
    user = User.objects.filter(email=SHOPPER_EMAIL).first() or User.objects.create_user(
        email=SHOPPER_EMAIL, password=None
    )
    EmailAddress.objects.get_or_create(
        user=user, email=SHOPPER_EMAIL, defaults={"verified": True, "primary": True}
    )
    if not Address.objects.filter(user=user).exists():
        Address.objects.create(
            user=user,
            full_name="Bench Shopper",
            line1="1 Market St",
            city="San Francisco",
            region="CA",
            postal_code="94103",
            country="US",
            is_default=True,
        )
    cart = Cart.objects.get_or_create(user=user)[0]
    CartLine.objects.filter(cart=cart).delete()
    by_seller: dict[int, list] = {}
    for offer in offers:
        by_seller.setdefault(offer.seller_id, []).append(offer)
    picked = [offer for group in list(by_seller.values())[:2] for offer in group[:2]][:3]
    for offer in picked:
        CartLine.objects.create(cart=cart, offer=offer, quantity=1, price_seen_amount=offer.price_amount)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session_key = client.cookies[cookie_name].value
    sellers = len({offer.seller_id for offer in picked})
    targets.append(
        Target(
            f"checkout page (signed in, {len(picked)} lines, {sellers} sellers)",
            "/checkout/",
            cookie=f"{cookie_name}={session_key}",
            count_cookies={cookie_name: session_key},
        )
    )
    keys.append(session_key)

    def clean_up() -> None:
        Cart.objects.filter(session_key__in=keys).delete()
        Session.objects.filter(session_key__in=keys).delete()

    return targets, clean_up


def count_queries(targets: list[Target], *, show: bool = False) -> None:
    """Fetch each page twice with Django's test client; count the second (warm) request's queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for target in targets:
        client = Client(HTTP_HOST="127.0.0.1")
        for name, value in (target.count_cookies or {}).items():
            client.cookies[name] = value
        if target.method == "POST":
            client.post(target.path, target.post_data)  # Warm, as for the pages below.
            with CaptureQueriesContext(connection) as captured:
                response = client.post(target.path, target.post_data)
        else:
            client.get(target.path)  # Warm the caches a running server has warm too.
            with CaptureQueriesContext(connection) as captured:
                response = client.get(target.path)
        target.queries = len(captured.captured_queries)
        target.status = response.status_code
        if target.reset is not None:
            target.reset()
        if show:
            log(f"{target.method} {target.path}: HTTP {target.status}, {target.queries} queries")
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
    # bench/wrk/*.lua print p50/p95/p99 in microseconds from wrk's own histogram (done()).
    for percent, micros in re.findall(r"^bench-latency p(\d+) (\d+)$", output, re.MULTILINE):
        result["percentiles"][int(percent)] = int(micros) / 1000
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        result["socket_errors"] = sum(int(n) for n in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        result["non_2xx"] = int(non_2xx.group(1))
    return result


def load(
    wrk: str, base_url: str, target: Target, args, duration: int, lines_file: str = ""
) -> tuple[dict, str]:
    if target.reset is not None:
        target.reset()
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency"]
    if target.cookie:
        command += ["-H", f"Cookie: {target.cookie}"]
    if target.post_lines is not None:
        command += ["-s", str(WRK_DIR / "post_cycle.lua"), base_url + target.path]
        command += ["--", lines_file, target.path, str(args.threads)]
    else:
        command += ["-s", str(WRK_DIR / "latency.lua"), base_url + target.path]
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
        "| page | path | req/s | p50 | p95 | p99 | errors | req/s vs bare | queries/request |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for target in targets:
        result = target.result
        errors = result.get("socket_errors", 0) + result.get("non_2xx", 0)
        ratio = f"{result['rps'] / bare:.3f}" if bare else "-"
        status = "" if target.status in target.ok_statuses else f" (HTTP {target.status})"
        path = f"{target.method} {target.path}" if target.method != "GET" else target.path
        percentiles = result.get("percentiles", {})
        rows.append(
            f"| {target.label}{status} | `{path}` | {result.get('rps', 0):,.0f} "
            f"| {fmt_ms(percentiles.get(50))} | {fmt_ms(percentiles.get(95))} "
            f"| {fmt_ms(percentiles.get(99))} "
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


# --- page weight -----------------------------------------------------------------------------


class _Assets(HTMLParser):
    """The stylesheets, scripts and eagerly loaded images a page asks for."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, url)
        self.lazy_images = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.found.append(("css", attrs["href"]))
        elif tag == "script" and attrs.get("src"):
            self.found.append(("js", attrs["src"]))
        elif tag == "img" and attrs.get("src"):
            if attrs.get("loading") == "lazy":
                self.lazy_images += 1
            else:
                self.found.append(("img", attrs["src"]))


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own loopback server)
        return response.read()


def page_weight(base_url: str, path: str) -> dict:
    """Bytes of the page's HTML, CSS, JS and eager images, as a first visit fetches them."""
    html = _fetch(base_url + path)
    parser = _Assets()
    parser.feed(html.decode("utf-8", "replace"))
    weight = {"html": len(html), "css": 0, "js": 0, "img": 0, "requests": 1, "lazy": parser.lazy_images}
    weight["missing"] = 0
    for kind, url in dict.fromkeys(parser.found):
        if url.startswith("//") or (url.startswith("http") and not url.startswith(base_url)):
            continue  # an external script (Stripe.js) is not ours to weigh
        weight["requests"] += 1
        try:
            weight[kind] += len(_fetch(url if url.startswith("http") else base_url + url))
        except urllib.error.HTTPError:
            weight["missing"] += 1
    return weight


def weight_table(targets: list[Target]) -> str:
    rows = [
        "| page | HTML kB | CSS kB | JS kB | eager images kB | requests | lazy images | missing |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for target in targets:
        w = target.weight
        if w:
            rows.append(
                f"| {target.label} | {w['html'] / 1000:.1f} | {w['css'] / 1000:.1f} | {w['js'] / 1000:.1f} "
                f"| {w['img'] / 1000:.1f} | {w['requests']} | {w['lazy']} | {w['missing']} |"
            )
    return "\n".join(rows)


def report(args, targets, *, command, database, seeded, workers, wrk_version) -> str:
    info = {**machine(), **versions()}
    lines = [
        f"# Storefront benchmark, {args.products:,} products ({dt.date.today().isoformat()})",
        "",
        table(targets),
        "",
        "req/s vs bare: the page's requests/s divided by the bare Django view's, same server, same run.",
        f"p50/p95/p99 include queueing: {args.connections} connections share the workers.",
        "queries/request: SQL queries of one warm request (Django test client, caches warm).",
        "errors: socket errors and 4xx/5xx answers; a 302 after the add-to-cart POST is success.",
        "Placing orders is measured without HTTP by bench/orders.py (`make bench-orders`).",
        "",
        "## Page weight",
        "",
        weight_table(targets),
        "",
        "Bytes as the server sends them to a first visit (uncompressed; WhiteNoise also serves "
        "pre-compressed CSS and JS). Requests: the HTML, its stylesheets, scripts and eager images; "
        "lazy images load as they scroll into view.",
        "",
        *(note for target in targets if (note := target.note)),
        *([""] if any(target.note for target in targets) else []),
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
    parser.add_argument("--out", default="", help="results file (default bench/results/<date>-<products>.md)")
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
    shopping, clean_up = shopping_targets(args)
    targets += shopping
    try:
        count_queries(targets, show=args.show_queries)
        return measure(
            args,
            targets,
            environment,
            wrk,
            command=command,
            database=database,
            seeded=seeded,
            wrk_version=wrk_version,
        )
    finally:
        clean_up()


def measure(args, targets, environment, wrk, *, command, database, seeded, wrk_version) -> int:

    global LOAD_BEFORE  # noqa: PLW0603 (one figure for the report, taken before the load starts)
    LOAD_BEFORE = load_average()
    if machine_busy():
        log(f"the machine is busy (load average {LOAD_BEFORE}); figures will be low and noisy")
    workers = args.workers or 2 * (os.cpu_count() or 1)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with (
        tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log") as gunicorn_log,
        tempfile.TemporaryDirectory(prefix="bench-wrk-") as scratch,
    ):
        process = start_gunicorn(environment, port, workers, gunicorn_log)
        try:
            wait_healthy(base_url, process)
            for target in targets:
                if target.method == "GET" and not target.cookie and target.path != "/bench/bare/":
                    target.weight = page_weight(base_url, target.path)
            for target in targets:
                log(f"{target.label}: {target.method} {target.path} ({args.duration} s)")
                lines_file = ""
                if target.post_lines is not None:
                    lines_file = str(Path(scratch) / "requests.tsv")
                    Path(lines_file).write_text("".join(f"{c}\t{b}\n" for c, b in target.post_lines))
                if args.warmup:
                    load(wrk, base_url, target, args, args.warmup, lines_file)
                target.result, _ = load(wrk, base_url, target, args, args.duration, lines_file)
                if target.verify is not None:
                    target.note = target.verify(target.result)
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
        path = (
            Path(args.out) if args.out else RESULTS_DIR / f"{dt.date.today().isoformat()}-{args.products}.md"
        )
        path = path if path.is_absolute() else Path.cwd() / path
        path.write_text(text)
        log(f"written to {os.path.relpath(path, BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
