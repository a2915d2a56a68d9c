"""Shipping a seller order: parcels, their labels, stock leaving the warehouse, and tracking.

This module sits above ``orders`` (it moves seller orders along their state
machine), unlike ``fulfillment.stock`` and ``fulfillment.shipping``, which
orders build on; see docs/decisions/0050-shipments-and-carriers.md. Locks are
taken as everywhere else: the order, the seller order, then allocations and
stock rows, then the shipment.
"""

from fulfillment.shipments.parcels import (
    ParcelSpec,
    order_address,
    parcel_buy,
    shipment_create,
    shipment_void,
    warehouse_address,
)
from fulfillment.shipments.tracking import (
    carrier_webhook_receive,
    shipment_record_scans,
    shipment_track,
    shipments_track_open,
)

__all__ = [
    "ParcelSpec",
    "carrier_webhook_receive",
    "order_address",
    "parcel_buy",
    "shipment_create",
    "shipment_record_scans",
    "shipment_track",
    "shipment_void",
    "shipments_track_open",
    "warehouse_address",
]
