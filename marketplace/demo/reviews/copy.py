"""Bulk writing for the demo history: ids taken from the tables' sequences, rows sent with COPY.

``COPY`` writes every column as given (an ``auto_now_add`` timestamp keeps the
past moment the history needs) and is the fastest way into PostgreSQL. Rows
that others point at get their ids first (``ids_take``), so a whole batch of
orders, lines, parcels and reviews goes in with one ``COPY`` per table.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Model


def ids_take(model: type[Model], count: int) -> list[int]:
    """Reserve ``count`` primary keys of ``model``'s table from its sequence."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return [row[0] for row in cursor.fetchall()]


def as_json(value) -> str:
    return json.dumps(value, separators=(",", ":"))


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escaped(text: str) -> str:
    return text.translate(_ESCAPES)


# How each type is written, looked up by its exact class (the hot path of the seed).
_WRITERS = {
    int: str,
    str: _escaped,
    Decimal: str,
    uuid.UUID: str,
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    datetime: datetime.isoformat,  # aware: ISO 8601 with its offset
    date: date.isoformat,
}


def copy_text(value) -> str:
    """``value`` as a field of ``COPY``'s text format: ``\\N`` for NULL, special characters escaped."""
    writer = _WRITERS.get(value.__class__)
    return writer(value) if writer else _escaped(str(value))


class Table:
    """The rows of one model for one ``COPY``, in the order of ``fields`` (names, or one string of them)."""

    def __init__(self, model: type[Model], fields: str | Sequence[str]):
        names = fields.split() if isinstance(fields, str) else fields
        self.name = model._meta.db_table
        self.columns = [model._meta.get_field(name).column for name in names]
        self.rows: list[tuple] = []

    @classmethod
    def raw(cls, name: str, columns: Sequence[str]) -> Table:
        """A table that is no model's (a temporary one), by its name and columns."""
        table = cls.__new__(cls)
        table.name, table.columns, table.rows = name, list(columns), []
        return table

    def add(self, *values) -> None:
        self.rows.append(values)

    def copy(self) -> int:
        """Send the rows; return how many."""
        if not self.rows:
            return 0
        quote = connection.ops.quote_name
        statement = (
            f"COPY {quote(self.name)} "  # noqa: S608 (names from the models and this package)
            f"({', '.join(quote(column) for column in self.columns)}) FROM STDIN"
        )
        data = "".join("\t".join(map(copy_text, row)) + "\n" for row in self.rows)
        with connection.cursor() as cursor:
            cursor.copy_expert(statement, io.StringIO(data))
        count, self.rows = len(self.rows), []
        return count


def copy_all(tables: Iterable[Table]) -> int:
    """``COPY`` every table in turn (foreign keys are checked at commit); return the rows written."""
    return sum(table.copy() for table in tables)
