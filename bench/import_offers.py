"""Bulk import of offers: a 10,000-row CSV for one seller, timed end to end (issue 10 wants < 60 s).

    .venv/bin/python bench/import_offers.py                 # 10,000 rows: half new listings, half updates
    .venv/bin/python bench/import_offers.py --rows 2000

Not a test: nothing passes or fails. ``DATABASE_URL`` if set, else a dedicated database
``marketplace_bench_import`` on the PostgreSQL at 127.0.0.1:5432 (created if missing, migrated).
The run makes (once) a category, ``--rows`` products with GTINs and a seller with a warehouse; it
then deletes the seller's offers and imports, gives it ``--rows / 2`` offers with stock (bulk
inserts), writes a CSV whose first half updates those (a new price and quantity each) and whose
second half lists the other products (by GTIN, with a quantity), and times what an upload costs:
``import_job_create`` (reading and checking the file, storing the job) and the Celery task
(``import_job_run``, run in-process as in the embedded mode), then prints rows/s and the counts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_DB = "marketplace_bench_import"
PREFIX = "bench-import"


def log(message: str) -> None:
    print(f"[bench-import] {message}", file=sys.stderr, flush=True)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    import psycopg2

    conn = psycopg2.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    conn.close()
    return f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"


def prepare(rows: int):
    from django.core.management import call_command
    from django.db import transaction

    from catalog.models import Category, Offer, Product
    from catalog.services import category_create
    from fulfillment.models import ImportJob, InventoryChange, Stock, Warehouse
    from marketplace.accounts.models import User
    from sellers.models import Seller

    log("migrate")
    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        category = Category.objects.filter(slug=PREFIX).first() or category_create(
            name="Bench import", slug=PREFIX
        )
        have = Product.objects.filter(category=category).count()
        if have < rows:
            Product.objects.bulk_create(
                [
                    Product(
                        category=category, title=f"Bench import {i}", slug=f"{PREFIX}-{i}", gtin=f"9{i:012d}"
                    )
                    for i in range(have, rows)
                ],
                batch_size=2000,
            )
        seller, _ = Seller.objects.get_or_create(
            slug=PREFIX, defaults={"name": "Bench import", "status": Seller.Status.APPROVED}
        )
        warehouse, _ = Warehouse.objects.get_or_create(
            code=f"{PREFIX}-main",
            defaults={
                "seller": seller,
                "name": "Main",
                "city": "Reno",
                "latitude": 39.5,
                "longitude": -119.8,
            },
        )
        user, _ = User.objects.get_or_create(email=f"{PREFIX}@bench.example")
        InventoryChange.objects.filter(stock__offer__seller=seller).delete()
        Offer.objects.filter(seller=seller).delete()
        ImportJob.objects.filter(seller=seller).delete()
        products = list(Product.objects.filter(category=category).order_by("pk")[:rows])
        half = rows // 2
        offers = Offer.objects.bulk_create(
            [
                Offer(seller=seller, product=p, sku=f"B-{i:06d}", price_amount=Decimal("10.00"))
                for i, p in enumerate(products[:half])
            ],
            batch_size=2000,
        )
        Stock.objects.bulk_create(
            [Stock(offer=o, warehouse=warehouse, on_hand=5) for o in offers], batch_size=2000
        )
    lines = [
        f"sku,gtin,product_slug,condition,condition_note,price,shipping,handling_days,active,qty:{warehouse.code}"
    ]
    for i, product in enumerate(products):
        if i < half:
            lines.append(f"B-{i:06d},,,new,,11.{i % 100:02d},0.00,2,yes,{6 + i % 7}")
        else:
            lines.append(f"B-{i:06d},{product.gtin},,new,,12.99,1.50,2,yes,{1 + i % 9}")
    return seller, user, ("\r\n".join(lines) + "\r\n").encode()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = database_url()
    os.environ.pop("REDIS_URL", None)  # the task runs in-process (eager), as in the embedded mode
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log
    from fulfillment.imports.services import import_job_create

    seller, user, content = prepare(args.rows)
    log(f"importing {args.rows:,} rows ({len(content) / 1024:.0f} KB)")
    started = time.perf_counter()
    job = import_job_create(seller=seller, user=user, filename="bench.csv", content=content)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    print(
        f"{job.total_rows:,} rows in {elapsed:.1f} s: {job.total_rows / elapsed:,.0f} rows/s "
        f"(status {job.status}; created {job.created_count:,}, updated {job.updated_count:,}, "
        f"unchanged {job.unchanged_count:,}, errors {job.error_count:,})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
