"""The carrier interface every adapter implements, and the values it passes.

An adapter talks to one carrier: it quotes rates for a parcel, buys a label
(which gives the tracking number), voids an unused label, reports the scan
events of a tracking number, and reads the carrier's webhooks. It knows
nothing of orders: the shipment services in ``fulfillment.shipments`` pass it
plain values and record what it returns. A real carrier's adapter is a module
beside the ``sandbox`` package that implements these five methods over the carrier's
HTTP API and is listed in ``settings.CARRIERS`` (see docs/fulfillment.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from marketplace.core.errors import ApplicationError


class CarrierError(ApplicationError):
    """The carrier refused or failed a request (bad address, label already used, ...)."""


class WebhookRejected(ApplicationError):
    """A carrier webhook whose signature, age or body is not acceptable; nothing was recorded."""


@dataclass(frozen=True)
class PostalAddress:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    region: str = ""
    line2: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Parcel:
    weight_grams: int
    length_cm: int
    width_cm: int
    height_cm: int


@dataclass(frozen=True)
class RateQuote:
    service: str  # the adapter's service code, e.g. "ground"
    service_name: str  # what a person reads, e.g. "Sandbox Ground"
    amount: Decimal
    currency: str
    transit_days: int


@dataclass(frozen=True)
class LabelRequest:
    service: str
    ship_from: PostalAddress
    ship_to: PostalAddress
    parcel: Parcel
    reference: str  # our seller order number, printed on the label
    promised_by: date | None = None  # the date the shopper was promised (the sandbox plans around it)
    is_return: bool = False


@dataclass(frozen=True)
class LabelResult:
    tracking_number: str
    service: str
    service_name: str
    postage_amount: Decimal
    currency: str
    label_pdf: bytes


@dataclass(frozen=True)
class ScanEvent:
    """One scan, as any carrier reports it, mapped to our shipment statuses."""

    event_id: str  # unique per tracking number at the carrier
    tracking_number: str
    code: str  # picked_up, departed, arrived, out_for_delivery, delivered, exception, returned
    status: str  # a fulfillment.models.Shipment.Status value
    description: str
    location: str
    occurred_at: datetime


@dataclass(frozen=True)
class TrackingReport:
    tracking_number: str
    events: list[ScanEvent] = field(default_factory=list)


class Carrier:
    """The interface. ``code`` names the adapter in ``Shipment.carrier``."""

    code: str = ""
    name: str = ""

    def rates(self, *, ship_from: PostalAddress, ship_to: PostalAddress, parcel: Parcel) -> list[RateQuote]:
        """Return the services that can carry ``parcel``, cheapest first."""
        raise NotImplementedError

    def label_create(self, *, request: LabelRequest) -> LabelResult:
        """Buy a label; raise ``CarrierError`` if the carrier refuses."""
        raise NotImplementedError

    def label_void(self, *, tracking_number: str) -> None:
        """Void an unused label; raise ``CarrierError`` once the parcel was scanned."""
        raise NotImplementedError

    def track(self, *, tracking_number: str) -> TrackingReport:
        """Return every scan event of the parcel so far, oldest first."""
        raise NotImplementedError

    def webhook_parse(self, *, body: bytes, headers: dict[str, str]) -> list[ScanEvent]:
        """Verify a webhook's signature and return its events; raise ``WebhookRejected``."""
        raise NotImplementedError
