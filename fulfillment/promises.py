"""Was a delivery promise kept? One definition for the order page and the seller scorecard.

The promise made at checkout is a range of calendar dates
(``SellerOrder.promised_from`` .. ``promised_to``) as the shopper reads them.
A parcel's ``delivered_at`` is an instant; which date it falls on depends on
the time zone. No time zone is stored for a shopper or an address, so the
date is taken in ``settings.TIME_ZONE`` (see docs/scorecard.md); when one is
stored, ``delivery_date`` is the one place to change.

Like ``fulfillment.shipping`` this module sits below ``orders``: it reads
only values and prefetched rows, never queries, so the shopper's order page
calls it without a query more.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings


def delivery_date(at: datetime) -> date:
    """Return the calendar date the shopper saw ``at`` on (``settings.TIME_ZONE``)."""
    return at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def delivered_late(*, delivered_at: datetime | None, promised_to: date | None) -> bool:
    """Whether a delivery arrived after the last promised date (False without either)."""
    if delivered_at is None or promised_to is None:
        return False
    return delivery_date(delivered_at) > promised_to


def days_from_promise(*, delivered_at: datetime, promised_to: date) -> int:
    """Days between the delivery date and the last promised date: positive late, negative early."""
    return (delivery_date(delivered_at) - promised_to).days


def late_shipment_ids(*, seller_orders: Iterable) -> set[int]:
    """The ids of the parcels to the shopper delivered later than their seller order promised.

    Reads ``seller_order.shipments.all()``, so pass seller orders with their
    shipments prefetched (the order page does) to stay within its queries.
    """
    return {
        shipment.pk
        for seller_order in seller_orders
        for shipment in seller_order.shipments.all()
        if not shipment.is_return
        and delivered_late(delivered_at=shipment.delivered_at, promised_to=seller_order.promised_to)
    }
