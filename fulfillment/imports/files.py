"""The offer file: its header, reading an upload (CSV or XLSX) and writing the export.

The header, in this order (import takes any order; export writes this one)::

    sku, gtin, product_slug, condition, condition_note, price, shipping, handling_days, active,
    qty:<warehouse code>, ... (one column per warehouse of the seller, on hand)

Every upload is checked whole before a job exists: size, type, encoding, header and row count;
a refusal is an ``ApplicationError`` naming what is wrong, and nothing is stored or applied.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from marketplace.core.errors import ApplicationError
from marketplace.core.spreadsheets import cell_safe

BASE_COLUMNS = (
    "sku",
    "gtin",
    "product_slug",
    "condition",
    "condition_note",
    "price",
    "shipping",
    "handling_days",
    "active",
)
QTY_PREFIX = "qty:"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 20_000
MAX_COLUMNS = 200
# An XLSX is a zip: refuse one that unpacks to more than this (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class OfferFile:
    """A checked upload: the normalised header and the data rows (each a list of cell values)."""

    file_format: str
    header: tuple[str, ...]
    rows: list[tuple[int, list]]  # (row number in the file, cells)

    @property
    def warehouse_codes(self) -> list[str]:
        return [name[len(QTY_PREFIX) :] for name in self.header if name.startswith(QTY_PREFIX)]


def file_format_of(filename: str, content: bytes) -> str:
    """``csv`` or ``xlsx`` from the name and the first bytes, or a refusal."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        if not content.startswith(XLSX_MAGIC):
            raise ApplicationError("This file is named .xlsx but is not an Excel (XLSX) workbook.")
        return "xlsx"
    if name.endswith(".csv"):
        if content.startswith(XLSX_MAGIC) or b"\x00" in content[:4096]:
            raise ApplicationError("This file is named .csv but is not a CSV (text) file.")
        return "csv"
    raise ApplicationError("Upload a .csv or .xlsx file (the format of the export).")


def header_check(raw: Iterable) -> tuple[str, ...]:
    """The normalised header, or a refusal naming the missing, unknown or repeated columns."""
    header = tuple(str(cell if cell is not None else "").strip().lower() for cell in raw)
    while header and header[-1] == "":
        header = header[:-1]
    if not header:
        raise ApplicationError("The file is empty: the first row must be the header (as in the export).")
    if header[0].startswith("\ufeff"):
        header = (header[0][1:], *header[1:])
    if len(header) > MAX_COLUMNS:
        raise ApplicationError(f"The file has {len(header)} columns; at most {MAX_COLUMNS} are read.")
    problems = []
    missing = [name for name in BASE_COLUMNS if name not in header]
    if missing:
        problems.append("missing " + ", ".join(missing))
    unknown = [
        name or "(empty)"
        for name in header
        if name not in BASE_COLUMNS and not (name.startswith(QTY_PREFIX) and len(name) > len(QTY_PREFIX))
    ]
    if unknown:
        problems.append("unknown " + ", ".join(unknown))
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append("repeated " + ", ".join(repeated))
    if problems:
        raise ApplicationError(
            "The header row is not the export's: "
            + "; ".join(problems)
            + ". Expected the columns "
            + ", ".join(BASE_COLUMNS)
            + ", then one qty:<warehouse code> column per warehouse."
        )
    return header


def _too_many(count: int) -> ApplicationError:
    return ApplicationError(
        f"The file has more than {MAX_DATA_ROWS:,} rows of data (at least {count:,}): split it into "
        "several files. Nothing was imported."
    )


def _data_rows(rows: Iterator, width: int) -> list[tuple[int, list]]:
    out = []
    for number, cells in enumerate(rows, start=2):
        cells = list(cells)[:width] if cells is not None else []
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        out.append((number, cells + [None] * (width - len(cells))))
        if len(out) > MAX_DATA_ROWS:
            raise _too_many(len(out))
    return out


def _read_csv(content: bytes) -> tuple[tuple[str, ...], list[tuple[int, list]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ApplicationError(
            f"The file is not UTF-8 text (an unreadable byte at position {error.start:,}): save it as "
            "“CSV UTF-8” and upload it again."
        ) from None
    if "\x00" in text:
        raise ApplicationError("This file is not a CSV (text) file.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = header_check(next(reader, []))
        return header, _data_rows(reader, len(header))
    except csv.Error as error:
        raise ApplicationError(f"The CSV could not be read: {error}.") from None


def _read_xlsx(content: bytes) -> tuple[tuple[str, ...], list[tuple[int, list]]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED_BYTES:
                raise ApplicationError("This workbook unpacks to more than 200 MB: it cannot be read.")
        # Not data_only: a formula cell reads as its formula ("=..."), so it is refused, not its value.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except ApplicationError:
        raise
    except Exception:  # noqa: BLE001 - any unreadable workbook is the seller's file, not our error
        raise ApplicationError("This file is not a readable Excel (XLSX) workbook.") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ApplicationError("The workbook has no sheet.")
        rows = sheet.iter_rows(values_only=True)
        header = header_check(next(rows, ()) or ())
        return header, _data_rows(rows, len(header))
    finally:
        workbook.close()


def offer_file_read(*, filename: str, content: bytes) -> OfferFile:
    """Check and read an upload whole; refuse it (ApplicationError) before anything is stored."""
    if len(content) > MAX_FILE_BYTES:
        raise ApplicationError(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; "
            f"the limit is {MAX_FILE_BYTES // 1024 // 1024} MB."
        )
    if not content:
        raise ApplicationError("The file is empty: the first row must be the header (as in the export).")
    file_format = file_format_of(filename, content)
    header, rows = _read_xlsx(content) if file_format == "xlsx" else _read_csv(content)
    if not rows:
        raise ApplicationError("The file has a header but no rows of offers.")
    return OfferFile(file_format=file_format, header=header, rows=rows)


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """UTF-8 with a BOM (Excel reads it as UTF-8), every cell through ``cell_safe``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([cell_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header: Iterable, rows: Iterable[Iterable], *, title: str) -> bytes:
    """One sheet; text cells through ``cell_safe`` and stored as text (never as formulas)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([cell_safe(cell) for cell in header])
    for row in rows:
        sheet.append([cell_safe(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
