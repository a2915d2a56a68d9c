"""Reserve, commit, release and ship units of stock without ever overselling.

Every function that changes ``Stock`` locks the rows it touches with
``SELECT ... FOR UPDATE`` in primary-key order first. Because every
transaction takes its locks in the same order, two checkouts that want the
same rows queue behind each other instead of deadlocking. The quantities
themselves change through ``F()`` updates, and the database's CHECK
constraints (``reserved <= on_hand``, both >= 0) stay the last line of
defence.

An allocation (``orders.StockAllocation``) moves ``reserved -> committed`` on
payment, ``reserved|committed -> shipped`` on shipment and
``reserved|committed -> released`` on expiry or cancellation; each move is a
conditional update on the status, so doing it twice changes nothing.

Every service records what it changed in the inventory history
(``fulfillment.inventory.history``: one bulk INSERT per call, the levels after computed from
the locked rows) and checks the low-stock alerts of the offers whose availability moved
(``fulfillment.inventory.alerts``: free for offers without a threshold, whose setting is read
with the locked rows).
"""

from fulfillment.stock.common import (
    EARTH_RADIUS_KM,
    Allocation,
    OutOfStock,
    distance_km,
    stock_refresh_after_commit,
    stock_rows_add,
)
from fulfillment.stock.reservations import stock_commit, stock_release, stock_reserve, stock_ship
from fulfillment.stock.units import stock_restock_units, stock_ship_units, stock_unship_units

__all__ = [
    "EARTH_RADIUS_KM",
    "Allocation",
    "OutOfStock",
    "distance_km",
    "stock_commit",
    "stock_refresh_after_commit",
    "stock_release",
    "stock_reserve",
    "stock_restock_units",
    "stock_rows_add",
    "stock_ship",
    "stock_ship_units",
    "stock_unship_units",
]
