"""Carrier adapters: one interface (``base.Carrier``), a sandbox, and a registry by code."""

from fulfillment.carriers.base import Carrier, CarrierError, WebhookRejected
from fulfillment.carriers.registry import carrier_get, carrier_list

__all__ = ["Carrier", "CarrierError", "WebhookRejected", "carrier_get", "carrier_list"]
