"""What the stock services share: the out-of-stock refusal, distances, the pages' refresh, the
one-UPDATE change of locked rows."""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from catalog.cache import page_versions_bump
from catalog.services import product_refresh_buy_box
from fulfillment.models import Stock
from marketplace.core.errors import ApplicationError

EARTH_RADIUS_KM = 6371.0

Allocation = tuple[int, int]  # (stock id, quantity)


class OutOfStock(ApplicationError):
    """A line of an order cannot be met from the stock that is left."""

    def __init__(self, *, offer_id: int, title: str, requested: int, available: int):
        message = f"Only {available} left of {title}." if available > 0 else f"{title} is out of stock."
        super().__init__(
            message, extra={"offer_id": offer_id, "requested": requested, "available": available}
        )
        self.offer_id = offer_id
        self.title = title
        self.requested = requested
        self.available = available


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def stock_refresh_after_commit(*, changed: Iterable[int], crossed: Iterable[int]) -> None:
    """Once the stock change is committed, drop the cached pages of the ``changed`` products
    (they show units left) and recompute the buy box (and search document) of the ``crossed``
    ones, those with an offer whose available units went to or from zero: the buy box, the
    in-stock flag and the search document only depend on whether an offer has units left."""
    crossed = sorted(set(crossed))
    page_versions_bump(product_ids=changed, listings=False)
    if crossed:
        transaction.on_commit(lambda: product_refresh_buy_box(product_ids=crossed), robust=True)


def stock_rows_add(per_stock: dict[int, int], *, sign: int = 1, on_hand: bool = False) -> None:
    """Change ``reserved`` (and ``on_hand`` if asked) of locked rows in one UPDATE."""
    delta = Case(
        *(When(pk=stock_id, then=Value(sign * quantity)) for stock_id, quantity in per_stock.items()),
        output_field=IntegerField(),
    )
    changes = {"reserved": F("reserved") + delta, "updated_at": timezone.now()}
    if on_hand:
        changes["on_hand"] = F("on_hand") + delta
    Stock.objects.filter(pk__in=list(per_stock)).update(**changes)
