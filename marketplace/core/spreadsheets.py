"""Cells of CSV and spreadsheet files that are safe to open in Excel, LibreOffice or Sheets.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (and a leading tab or carriage return can hide one), so text that a
seller, a shopper or staff typed, written into an export, could make the
reader's spreadsheet fetch a URL or run a command ("CSV injection", OWASP).
On export every text cell goes through ``cell_safe``, which puts an
apostrophe in front of such a value: spreadsheets show it as text and hide
the apostrophe. On import, ``cell_is_formula`` finds the cells to refuse.

Numbers, dates and other non-text values are written as they are: a
negative amount is a number, not a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# What a spreadsheet may take for the start of a formula (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_is_formula(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def cell_safe(value: Any) -> Any:
    """Return ``value`` fit for a spreadsheet cell: text that could be a formula gets a leading ``'``.

    ``None`` becomes an empty cell; any other non-text value (Decimal, int,
    date) is returned unchanged for the writer to format.
    """
    if value is None:
        return ""
    if cell_is_formula(value):
        return "'" + value
    return value


def row_safe(values: Iterable[Any]) -> list[Any]:
    """Return a row with every cell passed through ``cell_safe``."""
    return [cell_safe(value) for value in values]
