"""Fulfilment's models, one module per subject; every model is importable from here."""

from fulfillment.models.returns import Claim, ReturnLine, ReturnPolicy, ReturnRequest
from fulfillment.models.sandbox import SandboxClock, SandboxParcel
from fulfillment.models.scorecard import OrderDefect, SellerScorecard, SellerScorecardWindow
from fulfillment.models.shipments import (
    OPEN_SHIPMENT_STATUSES,
    Shipment,
    ShipmentLabel,
    ShipmentLine,
    TrackingEvent,
)
from fulfillment.models.shipping import Holiday, ShippingMethod, ShippingRate, ShippingZone
from fulfillment.models.stock import Stock, Warehouse, validate_timezone

__all__ = [
    "OPEN_SHIPMENT_STATUSES",
    "Claim",
    "Holiday",
    "OrderDefect",
    "ReturnLine",
    "ReturnPolicy",
    "ReturnRequest",
    "SandboxClock",
    "SandboxParcel",
    "SellerScorecard",
    "SellerScorecardWindow",
    "Shipment",
    "ShipmentLabel",
    "ShipmentLine",
    "ShippingMethod",
    "ShippingRate",
    "ShippingZone",
    "Stock",
    "TrackingEvent",
    "Warehouse",
    "validate_timezone",
]
