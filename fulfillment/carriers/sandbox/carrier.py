"""The sandbox carrier behind the ``Carrier`` interface."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

from django.db import transaction

from fulfillment.carriers.base import (
    Carrier,
    CarrierError,
    LabelRequest,
    LabelResult,
    Parcel,
    PostalAddress,
    RateQuote,
    ScanEvent,
    TrackingReport,
)
from fulfillment.carriers.sandbox.common import (
    CARRIER_NAME,
    CURRENCY,
    MAX_WEIGHT_GRAMS,
    SERVICES,
    SandboxService,
    sandbox_now,
)
from fulfillment.carriers.sandbox.plan import event_time, parcel_create, parcel_get
from fulfillment.carriers.sandbox.webhooks import scan_from_webhook, verify_signature, webhook_payload
from fulfillment.labels import LabelData, shipping_label_pdf
from marketplace.core.money import quantize


def _check_weight(parcel: Parcel) -> None:
    grams = parcel.weight_grams
    if isinstance(grams, bool) or not isinstance(grams, int) or grams <= 0:
        raise CarrierError(f"A parcel's weight is a whole number of grams above 0, not {grams!r}.")
    if grams > MAX_WEIGHT_GRAMS:
        raise CarrierError(
            f"{CARRIER_NAME} takes parcels up to 30 kg; this one weighs {Decimal(grams) / 1000} kg.",
            extra={"weight_grams": grams},
        )


def _same_city(one: PostalAddress, other: PostalAddress) -> bool:
    return all(
        getattr(one, part).strip().casefold() == getattr(other, part).strip().casefold()
        for part in ("city", "region", "country")
    )


def _postage(service: SandboxService, weight_grams: int) -> Decimal:
    started_kg = (weight_grams + 999) // 1000
    return quantize(service.base_amount + service.per_kg_amount * started_kg)


def _service_for(request: LabelRequest) -> SandboxService:
    """Return the requested service; raise ``CarrierError`` if it cannot carry the parcel."""
    _check_weight(request.parcel)
    for role, address in (("ship-from", request.ship_from), ("ship-to", request.ship_to)):
        if not address.city.strip() or not address.country.strip():
            raise CarrierError(f"The {role} address needs a city and a country.")
    service = SERVICES.get(request.service)
    if service is None:
        choices = ", ".join(SERVICES)
        raise CarrierError(f"{CARRIER_NAME} has no service {request.service!r}; choose one of {choices}.")
    if service.same_city_only and not _same_city(request.ship_from, request.ship_to):
        raise CarrierError(f"{service.name} only carries within one city; choose another service.")
    return service


class SandboxCarrier(Carrier):
    """A carrier over simulated time, with no outside service behind it."""

    code = "sandbox"
    name = CARRIER_NAME

    def rates(self, *, ship_from: PostalAddress, ship_to: PostalAddress, parcel: Parcel) -> list[RateQuote]:
        """Return the services that can carry ``parcel``, cheapest first."""
        _check_weight(parcel)
        same_city = _same_city(ship_from, ship_to)
        quotes = [
            RateQuote(s.code, s.name, _postage(s, parcel.weight_grams), CURRENCY, s.max_days)
            for s in SERVICES.values()
            if same_city or not s.same_city_only
        ]
        return sorted(quotes, key=lambda quote: (quote.amount, quote.transit_days))

    def label_create(self, *, request: LabelRequest) -> LabelResult:
        """Record the parcel, plan its scans and return the label."""
        service = _service_for(request)
        with transaction.atomic():
            parcel = parcel_create(request=request, service=service)
        label = LabelData(
            carrier_name=CARRIER_NAME,
            service_name=service.name,
            tracking_number=parcel.tracking_number,
            ship_from=request.ship_from,
            ship_to=request.ship_to,
            weight_grams=request.parcel.weight_grams,
            reference=request.reference,
            shipped_on=parcel.label_created_at.astimezone(UTC).date(),
            is_return=request.is_return,
        )
        pdf = shipping_label_pdf(label)
        postage = _postage(service, request.parcel.weight_grams)
        return LabelResult(parcel.tracking_number, service.code, service.name, postage, CURRENCY, pdf)

    @transaction.atomic
    def label_void(self, *, tracking_number: str) -> None:
        """Void the label; refuse one already voided or picked up."""
        parcel = parcel_get(tracking_number, lock=True)
        if parcel.voided_at is not None:
            raise CarrierError(f"The label {tracking_number} is already voided.")
        now = sandbox_now()
        if parcel.events and event_time(parcel.events[0]) <= now:
            raise CarrierError(f"Parcel {tracking_number} was already picked up; its label cannot be voided.")
        parcel.voided_at = now
        parcel.save(update_fields=["voided_at"])

    def track(self, *, tracking_number: str) -> TrackingReport:
        """Return the parcel's scans up to the sandbox time, oldest first."""
        parcel = parcel_get(tracking_number)
        if parcel.voided_at is not None:
            return TrackingReport(tracking_number=tracking_number)
        now = sandbox_now()
        scans = [
            ScanEvent(tracking_number=tracking_number, **{**event, "occurred_at": moment})
            for event in parcel.events
            if (moment := event_time(event)) <= now
        ]
        return TrackingReport(tracking_number, sorted(scans, key=lambda scan: scan.occurred_at))

    def webhook_parse(self, *, body: bytes, headers: dict[str, str]) -> list[ScanEvent]:
        """Verify the webhook's signature and age and return its scans."""
        verify_signature(body=body, headers=headers)
        tracking_number, items = webhook_payload(body)
        return [scan_from_webhook(tracking_number, item) for item in items]
