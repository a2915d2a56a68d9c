"""Order numbers a person can read out on the phone: ``112-4829133-2911``.

Fourteen random digits in three groups (about 10**14 possibilities), drawn
from the operating system's random source, so numbers reveal neither the
order count nor the time and cannot be guessed from one another. Uniqueness
is the database's job (``Order.number`` is unique): ``order_place`` draws a
new number and retries in the unlikely case of a collision.

A seller's part of the order is ``<order number>-<n>``: ``112-4829133-2911-2``.
"""

from __future__ import annotations

import re
import secrets

ORDER_NUMBER_RE = re.compile(r"^\d{3}-\d{7}-\d{4}$")


def order_number_new() -> str:
    """Return a fresh random order number (not yet checked for uniqueness)."""
    digits = f"{secrets.randbelow(9 * 10**13) + 10**13:014d}"  # no leading zero
    return f"{digits[:3]}-{digits[3:10]}-{digits[10:]}"


def seller_order_number(order_number: str, index: int) -> str:
    """Return the number of the ``index``-th (from 1) seller order of an order."""
    return f"{order_number}-{index}"
