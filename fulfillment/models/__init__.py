"""Fulfilment's models, one module per subject; every model is importable from here."""

from fulfillment.models.imports import ImportJob, ImportRow
from fulfillment.models.inventory import InventoryChange, SellerShippingSettings, StockAlertSetting
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
    "ImportJob",
    "ImportRow",
    "InventoryChange",
    "OrderDefect",
    "ReturnLine",
    "ReturnPolicy",
    "ReturnRequest",
    "SandboxClock",
    "SandboxParcel",
    "SellerScorecard",
    "SellerScorecardWindow",
    "SellerShippingSettings",
    "Shipment",
    "ShipmentLabel",
    "ShipmentLine",
    "ShippingMethod",
    "ShippingRate",
    "ShippingZone",
    "Stock",
    "StockAlertSetting",
    "TrackingEvent",
    "Warehouse",
    "validate_timezone",
]
