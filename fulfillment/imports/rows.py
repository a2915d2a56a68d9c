"""One data row of an offer file, read into typed values, or the sentence saying why it cannot be.

Text columns refuse what a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first);
numeric columns must be numbers (``-1`` is a number, and then refused as negative). An empty
cell means "keep" for a listing that exists and "the default" for a new one (shipping 0,
handling 2 days, active); an empty quantity leaves that warehouse's stock alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from catalog.models import Offer
from catalog.services import offer_amount_check
from fulfillment.imports.files import QTY_PREFIX
from fulfillment.inventory.services import MAX_ON_HAND
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters, parse_int
from marketplace.core.spreadsheets import cell_is_formula

_AMOUNT_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "active"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "paused"})
CONDITION_WORDS = {
    **{value: value for value in Offer.Condition.values},
    **{label.lower(): value for value, label in Offer.Condition.choices},
}


@dataclass(slots=True)
class RowData:
    number: int
    sku: str
    gtin: str = ""
    product_slug: str = ""
    condition: str | None = None
    condition_note: str | None = None
    price: Decimal | None = None
    shipping: Decimal | None = None
    handling_days: int | None = None
    active: bool | None = None
    quantities: dict[str, int] = field(default_factory=dict)  # warehouse code -> on hand


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _text_cell(value, *, column: str, limit: int) -> str:
    text = _text(value)
    if cell_is_formula(text) or (isinstance(value, str) and cell_is_formula(value)):
        raise ApplicationError(f"The {column} cell starts with “{text[:1]}”: formulas are not imported.")
    if has_control_characters(text):
        raise ApplicationError(f"The {column} cell holds control characters (line breaks, tabs).")
    if len(text) > limit:
        raise ApplicationError(f"The {column} is at most {limit} characters.")
    return text


def _amount(value, *, column: str, name: str, allow_zero: bool) -> Decimal | None:
    if isinstance(value, bool):
        raise ApplicationError(f"The {column} must be a number, like 12.99.")
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        text = _text(value)
        if not text:
            return None
        if not _AMOUNT_RE.fullmatch(text):
            raise ApplicationError(f"The {column} “{text[:20]}” is not a number, like 12.99.")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ApplicationError(f"The {column} “{text[:20]}” is not a number, like 12.99.") from None
    return offer_amount_check(amount, name=name, allow_zero=allow_zero)


def _whole(value, *, column: str, minimum: int, maximum: int) -> int | None:
    if isinstance(value, float):
        if not value.is_integer():
            raise ApplicationError(f"The {column} must be a whole number from {minimum} to {maximum:,}.")
        value = int(value)
    text = value if isinstance(value, int) and not isinstance(value, bool) else _text(value)
    if text == "":
        return None
    message = f"The {column} must be a whole number from {minimum} to {maximum:,}"
    shown = f" (not “{str(text)[:20]}”)."
    return parse_int(
        text,
        minimum=minimum,
        maximum=maximum,
        invalid=message + shown,
        too_small=message + shown,
        too_large=message + shown,
    )


def _active(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ApplicationError(f"The active cell “{text[:20]}” must be yes or no.")


def row_read(number: int, header: tuple[str, ...], cells: list) -> RowData:
    """The typed row, or an ApplicationError with the first problem found."""
    values = dict(zip(header, cells, strict=True))
    sku = _text_cell(values["sku"], column="sku", limit=64)
    if not sku:
        raise ApplicationError("The sku is empty: every row needs your SKU.")
    row = RowData(number=number, sku=sku)
    row.gtin = _text_cell(values["gtin"], column="gtin", limit=14)
    row.product_slug = _text_cell(values["product_slug"], column="product_slug", limit=320)
    condition = _text_cell(values["condition"], column="condition", limit=40).lower()
    if condition:
        if condition not in CONDITION_WORDS:
            raise ApplicationError(
                f"The condition “{condition[:40]}” is not one of " + ", ".join(Offer.Condition.values) + "."
            )
        row.condition = CONDITION_WORDS[condition]
    note = values["condition_note"]
    row.condition_note = None if note is None else _text_cell(note, column="condition_note", limit=300)
    row.price = _amount(values["price"], column="price", name="price", allow_zero=False)
    row.shipping = _amount(values["shipping"], column="shipping", name="shipping amount", allow_zero=True)
    row.handling_days = _whole(values["handling_days"], column="handling_days", minimum=0, maximum=30)
    row.active = _active(values["active"])
    for name in header:
        if name.startswith(QTY_PREFIX):
            quantity = _whole(values[name], column=name, minimum=0, maximum=MAX_ON_HAND)
            if quantity is not None:
                row.quantities[name[len(QTY_PREFIX) :]] = quantity
    return row
