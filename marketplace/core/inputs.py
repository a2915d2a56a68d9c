"""Numbers and text typed into a request, parsed once, the same way everywhere.

Every quantity, id or count read from a form or a query string goes through
``parse_int`` (or ``parse_quantity``): ASCII digits only (``"²"`` and ``"١"``
pass ``str.isdigit`` but are not numbers a shopper typed), at most
``MAX_INT_DIGITS`` significant digits (Python's ``int()`` refuses more than 4,300
digits with a ValueError, and PostgreSQL's bigint holds 19), and every refusal an
``ApplicationError`` with a sentence a person can read, never a 500.

``has_control_characters`` finds what a text field must never carry to the
database or a search engine (NUL above all: PostgreSQL refuses it in text).
"""

from __future__ import annotations

import re
import unicodedata

from marketplace.core.errors import ApplicationError

# Any value we accept fits in 18 digits, and so in a PostgreSQL bigint.
MAX_INT_DIGITS = 18
_INT_RE = re.compile(r"([+-]?)([0-9]+)")


def parse_int(
    raw,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    invalid: str = "Enter a whole number.",
    too_small: str | None = None,
    too_large: str | None = None,
) -> int:
    """Return the whole number in ``raw`` (a str, an int or None), or raise ApplicationError.

    ``invalid`` is said for anything that is not a whole number, ``too_small`` /
    ``too_large`` for one outside ``[minimum, maximum]``. A number of more than
    ``MAX_INT_DIGITS`` digits is outside every range: it gets ``too_large`` (or
    ``too_small`` when negative) and is never handed to ``int()``.
    """
    if isinstance(raw, bool):
        raise ApplicationError(invalid)
    if isinstance(raw, int):
        value = raw
    else:
        match = _INT_RE.fullmatch("" if raw is None else str(raw).strip())
        if match is None:
            raise ApplicationError(invalid)
        sign, digits = match.group(1), match.group(2).lstrip("0") or "0"
        # Never hand int() more digits than any accepted value has (nor its 4,300-digit limit).
        value = (
            int(sign + digits) if len(digits) <= MAX_INT_DIGITS else int(sign + "1" + "0" * MAX_INT_DIGITS)
        )
    if abs(value) >= 10**MAX_INT_DIGITS:
        if value < 0:
            raise ApplicationError(too_small or _below(minimum) or "That number is too small.")
        raise ApplicationError(too_large or _above(maximum) or "That number is too large.")
    if minimum is not None and value < minimum:
        raise ApplicationError(too_small or _below(minimum))
    if maximum is not None and value > maximum:
        raise ApplicationError(too_large or _above(maximum))
    return value


def _below(minimum: int | None) -> str:
    return f"Enter a number of at least {minimum}." if minimum is not None else ""


def _above(maximum: int | None) -> str:
    return f"Enter a number of at most {maximum}." if maximum is not None else ""


def parse_quantity(
    raw,
    *,
    minimum: int = 1,
    maximum: int | None = None,
    invalid: str = "Enter a whole number of items.",
    too_small: str | None = None,
    too_large: str | None = None,
) -> int:
    """Return a quantity of units typed in a request (``minimum`` 1 unless said), or refuse it."""
    return parse_int(
        raw,
        minimum=minimum,
        maximum=maximum,
        invalid=invalid,
        too_small=too_small or f"The quantity must be at least {minimum}.",
        too_large=too_large,
    )


def parse_id(raw, *, message: str) -> int:
    """Return a primary key typed in a request (a positive whole number), or refuse it with ``message``."""
    return parse_int(raw, minimum=1, invalid=message, too_small=message, too_large=message)


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a control character (NUL, escape, line breaks, DEL, C1 controls)."""
    return any(unicodedata.category(char) == "Cc" for char in text)


def without_control_characters(text: str) -> str:
    """``text`` with its control characters removed."""
    return "".join(char for char in text if unicodedata.category(char) != "Cc")


# Line breaks and tabs are how people write in a text area; every other control character is refused.
_TEXT_AREA_WHITESPACE = frozenset("\n\r\t")


def parse_text(raw, *, name: str, limit: int, missing: str | None = None) -> str:
    """Return free text typed in a form, stripped; refuse it with a sentence naming the field.

    ``name`` is the field as the message says it ("note", "comment"); ``missing``,
    when given, makes the text required and is the sentence said when it is empty.
    """
    text = (raw or "").strip() if isinstance(raw, str) or raw is None else str(raw).strip()
    if any(unicodedata.category(char) == "Cc" and char not in _TEXT_AREA_WHITESPACE for char in text):
        raise ApplicationError(f"The {name} contains a character that is not allowed.")
    if missing and not text:
        raise ApplicationError(missing)
    if len(text) > limit:
        raise ApplicationError(f"The {name} is too long: at most {limit} characters.")
    return text
