"""Low-stock alerts: one e-mail per crossing of a listing's threshold, never lost, never twice.

A stock service that changes what an offer has available passes the offers that have a
threshold (it read them with its locked rows, so offers without one cost nothing). When the
units available fall to or below the threshold and the alert is armed, one conditional UPDATE
sets ``alerted_at`` and the ``inventory.low_stock`` event goes to the outbox in the same
transaction (its handler sends the e-mail); when they go back above it, ``alerted_at`` is
cleared, which re-arms the alert.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Sum
from django.utils import timezone

from fulfillment.models import Stock, StockAlertSetting
from marketplace.core import events

LOW_STOCK_EVENT = "inventory.low_stock"


@dataclass(frozen=True, slots=True)
class AlertState:
    """An offer with a threshold: whether its alert went out, and its units available if known."""

    offer_id: int
    threshold: int
    alerted: bool
    available: int | None = None


def alert_of(offer) -> StockAlertSetting | None:
    """The offer's alert setting when it was selected with it (``select_related("stock_alert")``)."""
    try:
        return offer.stock_alert
    except ObjectDoesNotExist:
        return None


def offers_available(*, offer_ids: Iterable[int]) -> dict[int, int]:
    """Units available to sell per offer, over its stock in active warehouses (one query)."""
    rows = (
        Stock.objects.filter(offer_id__in=list(offer_ids), warehouse__is_active=True)
        .values("offer_id")
        .annotate(units=Sum(F("on_hand") - F("reserved")))
        .values_list("offer_id", "units")
    )
    return dict(rows)


def stock_alerts_check(*, states: Iterable[AlertState], now: datetime | None = None) -> list[int]:
    """Fire or re-arm the alerts of ``states``; return the offers whose alert fired.

    Costs nothing when no offer has a threshold, one aggregate when an availability is unknown,
    and one UPDATE (plus the outbox row) per alert that changes.
    """
    states = [state for state in states if state.threshold is not None]
    if not states:
        return []
    unknown = [state.offer_id for state in states if state.available is None]
    known = offers_available(offer_ids=unknown) if unknown else {}
    now = now or timezone.now()
    fired = []
    for state in sorted(states, key=lambda s: s.offer_id):
        available = state.available if state.available is not None else known.get(state.offer_id, 0)
        if available <= state.threshold:
            if state.alerted:
                continue
            armed = StockAlertSetting.objects.filter(offer_id=state.offer_id, alerted_at__isnull=True)
            if armed.update(alerted_at=now, updated_at=now):
                events.emit(
                    LOW_STOCK_EVENT,
                    durable=True,
                    offer_id=state.offer_id,
                    available=max(available, 0),
                    threshold=state.threshold,
                )
                fired.append(state.offer_id)
        elif state.alerted:
            StockAlertSetting.objects.filter(offer_id=state.offer_id, alerted_at__isnull=False).update(
                alerted_at=None, updated_at=now
            )
    return fired
