"""Bulk import of offers: the upload becomes a job; a Celery task applies it row by row.

``import_job_create`` checks the whole file first (size, type, encoding, header, row count) and
refuses it with a sentence, storing nothing; an accepted file is kept in the job and the task is
queued after commit. ``import_job_run`` applies the rows ``BATCH_SIZE`` at a time in one
transaction, each row in its own savepoint, through catalog's offer services and the batch stock
path of ``fulfillment.inventory.bulk`` (the checks of ``stock_set_on_hand`` per row, the writes,
history (cause "import"), refreshes and alerts once per chunk): a row that fails changes nothing
and is reported with the reason, the others apply. The offers, stock rows, warehouses and
products the file names are read in bulk first, so an unchanged row costs no query. Progress
(``processed_rows``, the counts and the rows' results) is written every ``BATCH_SIZE`` rows.

Running a job twice is safe: the file states the target values (the same row again is
"unchanged"), results are unique per row, and a job that is already done is left alone.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalog.models import Offer, Product
from catalog.services import (
    CONDITIONS_WITH_NOTE,
    catalog_refreshes_deferred,
    offer_create,
    offer_pause,
    offer_resume,
    offer_update_price,
    product_is_buyable,
)
from fulfillment.imports.files import QTY_PREFIX, offer_file_read
from fulfillment.imports.rows import RowData, row_read
from fulfillment.inventory.bulk import (
    StockBatch,
    stock_batch_add,
    stock_batch_check,
    stock_batch_lock,
    stock_set_on_hand_many,
)
from fulfillment.inventory.history import Cause
from fulfillment.models import ImportJob, ImportRow, Stock, Warehouse
from marketplace.core.errors import ApplicationError
from sellers.models import Seller

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
CHUNK = 2000  # ids per IN (...) when the file's offers and products are read
Outcome = ImportRow.Outcome
Status = ImportJob.Status
NOT_UPDATED_NOTE = (
    "condition, condition note and handling days of an existing listing are not changed by an import"
)


def import_job_create(*, seller: Seller, user, filename: str, content: bytes) -> ImportJob:
    """Check the upload whole and queue it; refuse it (ApplicationError) with nothing stored."""
    if seller.status != Seller.Status.APPROVED:
        raise ApplicationError("Only approved sellers can import listings.")
    offer_file = offer_file_read(filename=filename, content=content)
    with transaction.atomic():
        job = ImportJob.objects.create(
            seller=seller,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            filename=(filename or "upload")[-200:],
            file_format=offer_file.file_format,
            content=content,
            total_rows=len(offer_file.rows),
        )
        from fulfillment.tasks import import_job_run_task

        import_job_run_task.delay_on_commit(job.pk)
    return job


@dataclass(slots=True)
class _Context:
    """What the rows of one file need, read in bulk before the first row."""

    job: ImportJob
    seller: Seller
    actor: object
    offers: dict[str, Offer]
    stocks: dict[tuple[int, int], int]  # (offer id, warehouse id) -> on hand
    warehouses: dict[str, Warehouse]
    by_gtin: dict[str, Product]
    by_slug: dict[str, Product]
    first_row_of: dict[str, int] = field(default_factory=dict)
    batch: StockBatch | None = None  # the current chunk's locked stock rows

    @property
    def reference(self) -> str:
        return f"import {self.job.pk}"


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _context(job: ImportJob, rows: list[RowData], actor) -> _Context:
    seller = job.seller
    skus = sorted({row.sku for row in rows})
    offers = {}
    for chunk in _chunks(skus):
        for offer in Offer.objects.filter(seller=seller, sku__in=chunk).select_related("product"):
            offers[offer.sku] = offer
    stocks = {}
    offer_ids = [offer.pk for offer in offers.values()]
    for chunk in _chunks(offer_ids):
        for offer_id, warehouse_id, on_hand in Stock.objects.filter(offer_id__in=chunk).values_list(
            "offer_id", "warehouse_id", "on_hand"
        ):
            stocks[(offer_id, warehouse_id)] = on_hand
    warehouses = {w.code: w for w in Warehouse.objects.filter(seller=seller)}
    gtins = sorted({row.gtin for row in rows if row.gtin})
    slugs = sorted({row.product_slug for row in rows if row.product_slug})
    by_gtin, by_slug = {}, {}
    for chunk in _chunks(gtins):
        by_gtin.update({p.gtin: p for p in Product.objects.filter(gtin__in=chunk).select_related("parent")})
    for chunk in _chunks(slugs):
        by_slug.update({p.slug: p for p in Product.objects.filter(slug__in=chunk).select_related("parent")})
    return _Context(job, seller, actor, offers, stocks, warehouses, by_gtin, by_slug)


def _product(row: RowData, ctx: _Context) -> Product | None:
    product = None
    if row.gtin:
        product = ctx.by_gtin.get(row.gtin)
        if product is None:
            raise ApplicationError(f"No product has the GTIN {row.gtin}.")
    if row.product_slug:
        by_slug = ctx.by_slug.get(row.product_slug)
        if by_slug is None:
            raise ApplicationError(f"No product has the slug “{row.product_slug}”.")
        if product is not None and by_slug.pk != product.pk:
            raise ApplicationError(
                f"The GTIN {row.gtin} and the slug “{row.product_slug}” name two different products."
            )
        product = by_slug
    return product


def _stock_changes(row: RowData, ctx: _Context, offer_id: int | None) -> list[tuple[Warehouse, int]]:
    changes = []
    for code, quantity in row.quantities.items():
        warehouse = ctx.warehouses.get(code)
        if warehouse is None:
            raise ApplicationError(
                f"You have no warehouse with the code “{code}” (column {QTY_PREFIX}{code}): "
                "see the codes on your warehouses page."
            )
        current = ctx.stocks.get((offer_id, warehouse.pk), 0) if offer_id else 0
        if quantity != current:
            changes.append((warehouse, quantity))
    return changes


def _apply(row: RowData, ctx: _Context) -> tuple[str, str, list]:
    """Apply one row (inside its own transaction); return (outcome, message, cache updates)."""
    first = ctx.first_row_of.setdefault(row.sku, row.number)
    if first != row.number:
        raise ApplicationError(f"The SKU {row.sku} is also in row {first}: each SKU once per file.")
    product = _product(row, ctx)
    if row.condition in CONDITIONS_WITH_NOTE and row.condition_note is not None and not row.condition_note:
        label = Offer.Condition(row.condition).label
        raise ApplicationError(f"A “{label}” item needs a condition note saying what state it is in.")
    offer = ctx.offers.get(row.sku)
    stock_changes = _stock_changes(row, ctx, offer.pk if offer else None)
    said: list[str] = []
    new_offer = offer is None
    if offer is None:
        if product is None:
            raise ApplicationError(
                f"The SKU {row.sku} is not one of your listings: give the gtin or product_slug of the "
                "product to list it."
            )
        if not product_is_buyable(product):
            raise ApplicationError(
                f"{product.title} cannot be offered (inactive, or a product with variations: "
                "list one of its variations)."
            )
        if row.price is None:
            raise ApplicationError("A new listing needs a price.")
        offer = offer_create(
            seller=ctx.seller,
            product=product,
            sku=row.sku,
            condition=row.condition or Offer.Condition.NEW,
            condition_note=row.condition_note or "",
            price=row.price,
            shipping=row.shipping if row.shipping is not None else 0,
            handling_days=row.handling_days if row.handling_days is not None else 2,
        )
        if row.active is False:
            offer = offer_pause(offer=offer, seller=ctx.seller, actor=ctx.actor)
        outcome = Outcome.CREATED
        said.append(f"Listed {product.title}")
    else:
        if product is not None and product.pk != offer.product_id:
            raise ApplicationError(
                f"The SKU {row.sku} is your listing of {offer.product.title}: a SKU cannot move to another "
                "product."
            )
        outcome = Outcome.UNCHANGED
        price = row.price if row.price is not None else offer.price_amount
        shipping = row.shipping if row.shipping is not None else offer.shipping_amount
        if (price, shipping) != (offer.price_amount, offer.shipping_amount):
            offer = offer_update_price(
                offer=offer, seller=ctx.seller, price=price, shipping=shipping, actor=ctx.actor
            )
            outcome = Outcome.UPDATED
            said.append("price")
        if row.active is not None and row.active != offer.is_active:
            offer = (offer_resume if row.active else offer_pause)(
                offer=offer, seller=ctx.seller, actor=ctx.actor
            )
            outcome = Outcome.UPDATED
            said.append("resumed" if row.active else "paused")
    queued = []
    for warehouse, quantity in stock_changes:  # checked here, written for the chunk at its end
        level = stock_batch_check(
            ctx.batch, offer=offer, warehouse=warehouse, on_hand=quantity, new_offer=new_offer
        )
        if level is not None:
            queued.append(("queue", (offer, warehouse, quantity, level)))
        said.append(f"{QTY_PREFIX}{warehouse.code} {quantity}")
    if outcome == Outcome.UNCHANGED and stock_changes:
        outcome = Outcome.UPDATED
    message = ""
    if outcome == Outcome.UPDATED:
        message = "Changed " + ", ".join(said)
    elif outcome == Outcome.CREATED:
        message = said[0] + (" with " + ", ".join(said[1:]) if said[1:] else "")
    if outcome != Outcome.CREATED and _differs(row, offer):
        message = (message + ". " if message else "") + NOT_UPDATED_NOTE.capitalize() + " (yet)."
    updates = [("offer", offer)] + [("stock", (offer.pk, w.pk, q)) for w, q in stock_changes] + queued
    return outcome, message, updates


def _differs(row: RowData, offer: Offer) -> bool:
    return (
        (row.condition is not None and row.condition != offer.condition)
        or (row.condition_note is not None and row.condition_note != offer.condition_note)
        or (row.handling_days is not None and row.handling_days != offer.handling_days)
    )


def _row_result(row_number: int, sku: str, outcome: str, message: str) -> ImportRow:
    return ImportRow(row_number=row_number, sku=sku[:64], outcome=outcome, message=message[:500])


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Apply a queued (or interrupted) job's rows; return the job, or None when there is nothing to do.

    Not one transaction: each chunk of ``BATCH_SIZE`` rows is one (a savepoint per row), committed
    with its progress so the page that polls it sees it move.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("seller", "created_by").get(pk=job_id)
    try:
        offer_file = offer_file_read(filename=job.filename, content=bytes(job.content))
    except ApplicationError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, failure=error.message[:300], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    done = set(ImportRow.objects.filter(job=job).values_list("row_number", flat=True))
    counts = Counter(ImportRow.objects.filter(job=job).values_list("outcome", flat=True))
    parsed: list[tuple[int, RowData | None, str, str]] = []
    for number, cells in offer_file.rows:
        try:
            parsed.append((number, row_read(number, offer_file.header, cells), "", ""))
        except ApplicationError as error:
            sku = str(cells[offer_file.header.index("sku")] or "").strip()
            parsed.append((number, None, sku, error.message))
    ctx = _context(job, [row for _, row, _, _ in parsed if row is not None], job.created_by)
    processed = len(done)
    # Each product's buy box and search document are refreshed once, after the last row.
    # The job is marked done once they are (the listings page shows the new buy boxes).
    with catalog_refreshes_deferred():
        processed, pending = _rows_run(job, ctx, parsed, done, counts, processed)
    _progress_save(job, pending, counts, processed, finished=True)
    job.refresh_from_db()
    return job


def _rows_run(job, ctx, parsed, done, counts: Counter, processed: int) -> tuple[int, list[ImportRow]]:
    """Apply the rows not done yet, ``BATCH_SIZE`` at a time in one transaction (a savepoint per
    row), saving the progress with each chunk; return the number processed and the results not
    saved yet (the last chunk's)."""
    for number, row, sku, _ in parsed:
        if row is not None or sku:
            ctx.first_row_of.setdefault(row.sku if row is not None else sku, number)
    todo = [item for item in parsed if item[0] not in done]
    pending: list[ImportRow] = []
    for start in range(0, len(todo), BATCH_SIZE):
        with transaction.atomic():
            results = _chunk_run(ctx, todo[start : start + BATCH_SIZE])
            pending.extend(results)
            counts.update(result.outcome for result in results)
            processed += len(results)
            if len(pending) >= BATCH_SIZE:
                _progress_save(job, pending, counts, processed)
                pending = []
    return processed, pending


def _chunk_run(ctx: _Context, chunk: list) -> list[ImportRow]:
    """Lock the chunk's stock rows, apply its rows (each in a savepoint), then write their stock."""
    keys = [
        (ctx.offers[row.sku].pk, ctx.warehouses[code].pk)
        for _, row, _, _ in chunk
        if row is not None and row.sku in ctx.offers
        for code in row.quantities
        if code in ctx.warehouses
    ]
    # The seller first, in this transaction: offer_create locks it again in each row's savepoint,
    # which is then free (a row lock taken in 100 savepoints would grow into a multixact).
    Seller.objects.select_for_update().filter(pk=ctx.seller.pk).values_list("pk").first()
    ctx.batch = stock_batch_lock(seller=ctx.seller, keys=keys)
    results = [
        _row_result(number, sku, Outcome.ERROR, refusal) if row is None else _row_run(row, ctx)
        for number, row, sku, refusal in chunk
    ]
    stock_set_on_hand_many(batch=ctx.batch, actor=ctx.actor, cause=Cause.IMPORT, reference=ctx.reference)
    ctx.batch = None
    return results


def _row_run(row: RowData, ctx: _Context) -> ImportRow:
    try:
        with transaction.atomic():
            outcome, message, updates = _apply(row, ctx)
    except ApplicationError as error:
        return _row_result(row.number, row.sku, Outcome.ERROR, error.message)
    except Exception:  # noqa: BLE001 - one row's failure must not stop the file; it rolled back
        logger.exception("Import %s: row %s failed", ctx.job.pk, row.number)
        return _row_result(
            row.number,
            row.sku,
            Outcome.ERROR,
            "This row could not be applied (our error); nothing of it changed.",
        )
    for kind, value in updates:  # only once the row's savepoint is released
        if kind == "offer":
            ctx.offers[value.sku] = value
        elif kind == "queue":
            offer, warehouse, quantity, level = value
            stock_batch_add(ctx.batch, offer=offer, warehouse=warehouse, on_hand=quantity, level=level)
        else:
            offer_id, warehouse_id, quantity = value
            ctx.stocks[(offer_id, warehouse_id)] = quantity
    return _row_result(row.number, row.sku, outcome, message)


def _progress_save(
    job: ImportJob, pending: list[ImportRow], counts: Counter, processed: int, *, finished=False
):
    with transaction.atomic():
        for result in pending:
            result.job = job
        ImportRow.objects.bulk_create(pending, ignore_conflicts=True)
        fields = {
            "processed_rows": min(processed, job.total_rows),
            "created_count": counts[Outcome.CREATED],
            "updated_count": counts[Outcome.UPDATED],
            "unchanged_count": counts[Outcome.UNCHANGED],
            "error_count": counts[Outcome.ERROR],
        }
        if finished:
            fields.update(status=Status.DONE, finished_at=timezone.now())
        ImportJob.objects.filter(pk=job.pk).update(**fields)
