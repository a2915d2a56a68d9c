"""The inventory history: one ``InventoryChange`` row per stock row and cause, one INSERT per call.

The stock services know, from the rows they locked, each row's levels before they change it,
so the levels after are computed here instead of read back: a change costs one bulk insert.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fulfillment.models import InventoryChange

Cause = InventoryChange.Cause


@dataclass(frozen=True, slots=True)
class Move:
    """``units`` of one stock row moved for ``reference``: on hand and reserved change by these signs."""

    stock_id: int
    on_hand: int
    reserved: int
    reference: str = ""


def history_record(
    *,
    levels: dict[int, tuple[int, int]],
    moves: Iterable[Move],
    cause: str,
    actor=None,
) -> list[InventoryChange]:
    """Write one row per move, in stock-row then reference order, in one INSERT.

    ``levels`` maps each stock id to its (on hand, reserved) before the moves (from the locked
    rows); several moves of one row follow each other, each row saying what it left.
    """
    current = dict(levels)
    rows = []
    for move in sorted(moves, key=lambda m: (m.stock_id, m.reference)):
        if move.on_hand == 0 and move.reserved == 0 and cause != Cause.SALE:
            continue
        on_hand, reserved = current[move.stock_id]
        on_hand, reserved = on_hand + move.on_hand, reserved + move.reserved
        current[move.stock_id] = (on_hand, reserved)
        rows.append(
            InventoryChange(
                stock_id=move.stock_id,
                delta_on_hand=move.on_hand,
                delta_reserved=move.reserved,
                on_hand_after=on_hand,
                reserved_after=reserved,
                cause=cause,
                reference=(move.reference or "")[:40],
                actor=actor,
            )
        )
    if rows:
        InventoryChange.objects.bulk_create(rows)
    return rows


def moves_by_reference(
    taken: Iterable[tuple[int, str, int]], *, on_hand_sign: int, reserved_sign: int
) -> list[Move]:
    """Sum ``(stock id, reference, units)`` per stock row and reference into moves."""
    totals: dict[tuple[int, str], int] = {}
    for stock_id, reference, units in taken:
        key = (stock_id, reference or "")
        totals[key] = totals.get(key, 0) + units
    return [
        Move(stock_id, on_hand_sign * units, reserved_sign * units, reference)
        for (stock_id, reference), units in totals.items()
    ]
