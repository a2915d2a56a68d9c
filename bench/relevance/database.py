"""The benchmark's database: created when missing, migrated, seeded once, then reused.

It seeds only a database that holds no products, so pointing ``--database-url`` at a database
with another catalog stops the run instead of adding products to it.
"""

from __future__ import annotations

import os
import subprocess  # noqa: S404 (our own manage.py, fixed arguments)
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import search as search_bench

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/marketplace_relevance"


def log(message: str) -> None:
    print(f"[bench-relevance] {message}", file=sys.stderr, flush=True)


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(url: str) -> None:
    """Create the database named by the URL when the server does not have it."""
    import psycopg2

    name = database_name(url)
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                log(f"creating database {name}")
                cursor.execute(f'CREATE DATABASE "{name}"')  # the name is ours, not a request's
    finally:
        conn.close()


def product_count(url: str) -> int:
    """Products in the database (0 when the catalog tables do not exist yet): bench/search.py's."""
    return search_bench.product_count(url) or 0


def manage(url: str, *args: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="marketplace.settings.dev")
    env.pop("REDIS_URL", None)  # no worker: Celery runs eagerly in the process
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, check=True, cwd=BASE_DIR)  # noqa: S603


def prepare(url: str, *, products: int, seed: int) -> int:
    """Make sure the database holds the demo catalog of ``products`` (seeded with ``seed``)."""
    ensure_database(url)
    manage(url, "migrate", "--no-input", "-v", "0")
    have = product_count(url)
    name = database_name(url)
    if products <= have <= products * 1.01:  # seed_demo writes whole variation families
        log(f"{name} already holds {have:,} products")
        return have
    if have:
        sys.exit(
            f"{name} holds {have:,} products, not {products:,}: pass another --database-url, or drop it "
            f"(dropdb -h 127.0.0.1 -U postgres {name})."
        )
    log(f"seeding {name} with {products:,} products (seed {seed}); about 2 minutes")
    manage(url, "seed_demo", "--products", str(products), "--seed", str(seed))
    return product_count(url)
