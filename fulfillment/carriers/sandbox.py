"""The sandbox carrier: a carrier that behaves like a real one over simulated time.

Buying a label records a ``SandboxParcel`` and plans all its scan events at
once, deterministically from the tracking number: pick-up, sort facility, a
hub, the delivery station, out for delivery and delivery, or a failed
attempt first (the scenario, drawn against the late and exception shares in
settings, or forced with ``sandbox_parcel_replan``). The events become
visible as the sandbox clock (the real time plus ``SandboxClock``'s offset,
moved with ``sandbox_clock_advance``) passes them: ``track`` reports them and
``sandbox_webhooks_due`` pushes them as webhooks signed the way Stripe signs
its own (``Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256>``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

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
    WebhookRejected,
)
from fulfillment.labels import LabelData, shipping_label_pdf
from fulfillment.models import SandboxClock, SandboxParcel, Shipment, TrackingEvent
from marketplace.core.errors import ApplicationError
from marketplace.core.money import quantize

CARRIER_NAME = "Sandbox Carrier"
CURRENCY = "USD"
MAX_WEIGHT_GRAMS = 30_000
MAX_ADVANCE_SECONDS = 400 * 86400
TRACKING_NUMBER_RE = re.compile(r"SB[0-9]{16}")
TRACKING_NUMBER_ATTEMPTS = 5
SIGNATURE_HEADER = "Sandbox-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300
HUBS = ("Memphis, TN Hub", "Louisville, KY Hub", "Indianapolis, IN Hub", "Dallas, TX Hub", "Ontario, CA Hub")
ATTEMPT_TEXT = "Delivery attempted: no access to the building"
ST = Shipment.Status
STATUS_OF_CODE = dict.fromkeys(("picked_up", "departed", "arrived"), ST.IN_TRANSIT.value) | {
    "out_for_delivery": ST.OUT_FOR_DELIVERY.value,
    "delivered": ST.DELIVERED.value,
    "exception": ST.EXCEPTION.value,
    "returned": ST.RETURNED_TO_SENDER.value,
}
EVENT_FIELDS = ("event_id", "code", "status", "description", "location", "occurred_at")
# A scan may carry any shipment status but voided, which only we decide.
SCAN_STATUSES = frozenset(ST.values) - {ST.VOIDED.value}
# The webhook's text fields and the longest each may be, as TrackingEvent stores them.
WEBHOOK_TEXT_FIELDS = {
    name: TrackingEvent._meta.get_field(name).max_length
    for name in ("event_id", "code", "description", "location")
}


@dataclass(frozen=True)
class SandboxService:
    code: str
    name: str
    min_days: int
    max_days: int
    base_amount: Decimal
    per_kg_amount: Decimal
    same_city_only: bool = False


SERVICES = {
    service.code: service
    for service in (
        SandboxService("ground", "Sandbox Ground", 3, 5, Decimal("5.50"), Decimal("0.60")),
        SandboxService("express", "Sandbox Express", 1, 2, Decimal("14.00"), Decimal("1.20")),
        SandboxService(
            "courier", "Sandbox Same-Day Courier", 0, 0, Decimal("9.99"), Decimal("0"), same_city_only=True
        ),
    )
}


def _clock_offset() -> int:
    clock, _created = SandboxClock.objects.get_or_create(pk=1)
    return clock.offset_seconds


def sandbox_now() -> datetime:
    """Return the sandbox carrier's time: the real time plus the clock's offset."""
    return timezone.now() + timedelta(seconds=_clock_offset())


@transaction.atomic
def sandbox_clock_advance(*, seconds: int) -> datetime:
    """Move the sandbox clock ``seconds`` forward and return the new sandbox time."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= MAX_ADVANCE_SECONDS:
        raise ApplicationError(
            f"The sandbox clock moves forward by 0 to 400 days at a time, not {seconds!r} seconds.",
            extra={"seconds": seconds},
        )
    _clock_offset()  # create the row if missing
    SandboxClock.objects.filter(pk=1).update(offset_seconds=F("offset_seconds") + seconds)
    return sandbox_now()


def _luhn_digit(digits: str) -> int:
    """Return the check digit that makes ``digits`` followed by it pass the Luhn test."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def tracking_number_generate() -> str:
    """Return a new random tracking number: SB, 15 digits and a Luhn check digit."""
    payload = f"{secrets.randbelow(10**15):015d}"
    return f"SB{payload}{_luhn_digit(payload)}"


def tracking_number_valid(value: str) -> bool:
    """Return whether ``value`` is a sandbox tracking number with a correct check digit."""
    if not isinstance(value, str) or not TRACKING_NUMBER_RE.fullmatch(value):
        return False
    return _luhn_digit(value[2:17]) == int(value[17])


def _draw(tracking_number: str, purpose: str, choices: int) -> int:
    """Return a number in ``range(choices)`` fixed by the tracking number and the purpose."""
    digest = hashlib.sha256(f"{tracking_number}:{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % choices


def _scenario_for(tracking_number: str) -> str:
    draw = _draw(tracking_number, "scenario", 10_000) / 10_000
    late = settings.CARRIER_SANDBOX_LATE_SHARE
    if draw < late:
        return SandboxParcel.Scenario.LATE.value
    if draw < late + settings.CARRIER_SANDBOX_EXCEPTION_SHARE:
        return SandboxParcel.Scenario.EXCEPTION.value
    return SandboxParcel.Scenario.ON_TIME.value


def _add_days(day: date, days: int) -> date:
    """Return the day ``days`` delivery days after ``day``; Sunday is not one."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() != 6:
            days -= 1
    return day


def _at(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minutes)


def _place(address: dict) -> str:
    return ", ".join(part for part in (address["city"], address["region"] or address["country"]) if part)


def _pickup_at(parcel: SandboxParcel) -> datetime:
    """Pick up a few hours after the label is bought; after 17:00 UTC, the next morning."""
    bought = parcel.label_created_at.astimezone(UTC).replace(second=0, microsecond=0)
    if bought.hour >= 17:
        return _at(bought.date() + timedelta(days=1), 8 * 60 + _draw(parcel.tracking_number, "pickup", 151))
    return bought + timedelta(minutes=120 + _draw(parcel.tracking_number, "pickup", 181))


def _delivery_day(parcel: SandboxParcel, service: SandboxService, pickup_day: date) -> date:
    """Return the day an on-time parcel arrives: the promised one when it can be met."""
    earliest = _add_days(pickup_day, service.min_days)
    if parcel.promised_by:
        return max(parcel.promised_by, earliest)
    spread = service.max_days - service.min_days + 1
    return _add_days(pickup_day, service.min_days + _draw(parcel.tracking_number, "transit", spread))


def _route(parcel: SandboxParcel, service: SandboxService, pickup: datetime, day: date) -> list[tuple]:
    """Return the scans from pick-up to out for delivery on ``day``, as (code, text, place, time)."""
    number, origin, destination = parcel.tracking_number, _place(parcel.origin), _place(parcel.destination)
    out = max(_at(day, 8 * 60 + _draw(number, "out", 121)), pickup + timedelta(minutes=30))
    steps = [("picked_up", "Picked up", origin, pickup)]
    if not service.same_city_only:
        departed = pickup + timedelta(minutes=120 + _draw(number, "departed", 121))
        hub, gap = HUBS[_draw(number, "hub", len(HUBS))], out - departed
        steps += [
            ("departed", "Departed origin sort facility", origin, departed),
            ("arrived", "Arrived at hub", hub, departed + gap * 3 / 10),
            ("departed", "Departed hub", hub, departed + gap * 5 / 10),
            ("arrived", "Arrived at destination delivery station", destination, departed + gap * 17 / 20),
        ]
    return [*steps, ("out_for_delivery", "Out for delivery", destination, out)]


def _events(tracking_number: str, steps: list[tuple]) -> list[dict]:
    """Number the steps as events, each at least a minute after the one before."""
    events, previous = [], None
    for index, (code, description, location, moment) in enumerate(steps):
        moment = moment.replace(second=0, microsecond=0)
        if previous is not None and moment <= previous:
            moment = previous + timedelta(minutes=1)
        values = (f"{tracking_number}-{index:02d}-{code}", code, STATUS_OF_CODE[code], description, location)
        events.append(dict(zip(EVENT_FIELDS, (*values, moment.isoformat()), strict=True)))
        previous = moment
    return events


def _plan(parcel: SandboxParcel) -> list[dict]:
    """Plan the parcel's scan events for its scenario, in time order."""
    number, scenario, service = parcel.tracking_number, parcel.scenario, SERVICES[parcel.service]
    pickup = _pickup_at(parcel)
    day = _delivery_day(parcel, service, pickup.date())
    if scenario == SandboxParcel.Scenario.LATE:
        day = _add_days(day, 1 + _draw(number, "late", 3))
    steps = _route(parcel, service, pickup, day)
    destination = _place(parcel.destination)
    if scenario in (SandboxParcel.Scenario.EXCEPTION, SandboxParcel.Scenario.RETURNED):
        attempt = steps[-1][3] + timedelta(minutes=60 + _draw(number, "attempt", 241))
        steps.append(("exception", ATTEMPT_TEXT, destination, attempt))
        if scenario == SandboxParcel.Scenario.RETURNED:
            back = _at(_add_days(day, 2 + _draw(number, "returned", 3)), 10 * 60 + _draw(number, "back", 361))
            steps.append(("returned", "Returned to sender", _place(parcel.origin), back))
            return _events(number, steps)
        day = _add_days(day, 1)
        again = _at(day, 8 * 60 + _draw(number, "out again", 121))
        steps.append(("out_for_delivery", "Out for delivery", destination, again))
    if parcel.is_return:
        text = "Delivered, received at the warehouse"
    else:
        text = ("Delivered, front door", "Delivered, handed to resident")[_draw(number, "door", 2)]
    delivered = max(_at(day, 12 * 60 + _draw(number, "delivered", 361)), steps[-1][3] + timedelta(minutes=45))
    return _events(number, [*steps, ("delivered", text, destination, delivered)])


def _when(event: dict) -> datetime:
    return datetime.fromisoformat(event["occurred_at"])


def _address_json(address: PostalAddress) -> dict:
    return {key: getattr(address, key) for key in ("city", "region", "postal_code", "country")}


def _parcel_create(*, request: LabelRequest, service: SandboxService) -> SandboxParcel:
    """Record the parcel under a fresh tracking number, retrying on the rare collision."""
    bought = sandbox_now()
    for _attempt in range(TRACKING_NUMBER_ATTEMPTS):
        number = tracking_number_generate()
        parcel = SandboxParcel(
            tracking_number=number,
            service=service.code,
            scenario=_scenario_for(number),
            origin=_address_json(request.ship_from),
            destination=_address_json(request.ship_to),
            label_created_at=bought,
            promised_by=request.promised_by,
            is_return=request.is_return,
        )
        parcel.events = _plan(parcel)
        try:
            with transaction.atomic():
                parcel.save(force_insert=True)
        except IntegrityError:
            continue
        return parcel
    raise CarrierError(f"{CARRIER_NAME} could not issue a unique tracking number; please try again.")


def _parcel_get(tracking_number: str, *, lock: bool = False) -> SandboxParcel:
    parcels = SandboxParcel.objects.select_for_update() if lock else SandboxParcel.objects
    try:
        return parcels.get(tracking_number=tracking_number)
    except SandboxParcel.DoesNotExist:
        raise CarrierError(
            f"{CARRIER_NAME} has no parcel {tracking_number}.", extra={"tracking_number": tracking_number}
        ) from None


@transaction.atomic
def sandbox_parcel_replan(*, tracking_number: str, scenario: str) -> SandboxParcel:
    """Plan the parcel's scans again for ``scenario``, from the same label time."""
    if scenario not in SandboxParcel.Scenario.values:
        choices = ", ".join(SandboxParcel.Scenario.values)
        raise ApplicationError(f"{scenario!r} is not a sandbox scenario; choose one of {choices}.")
    parcel = _parcel_get(tracking_number, lock=True)
    parcel.scenario = scenario
    parcel.events = _plan(parcel)
    parcel.save(update_fields=["scenario", "events"])
    return parcel


def _signature(body: bytes, timestamp: int) -> str:
    secret = settings.CARRIER_SANDBOX_WEBHOOK_SECRET.encode()
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sandbox_webhook_sign(*, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Return the headers that sign ``body`` at ``timestamp`` (default: the real time now)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {SIGNATURE_HEADER: f"t={timestamp},v1={_signature(body, timestamp)}"}


def _webhook(tracking_number: str, events: list[dict]) -> tuple[bytes, dict[str, str]]:
    payload = {
        "id": f"evt_{secrets.token_hex(12)}",
        "type": "tracking.updated",
        "created": int(time.time()),
        "data": {"tracking_number": tracking_number, "events": events},
    }
    body = json.dumps(payload).encode()
    return body, sandbox_webhook_sign(body=body)


@transaction.atomic
def sandbox_webhooks_due() -> list[tuple[bytes, dict[str, str]]]:
    """Return one signed webhook per parcel with scans that became due since the last push.

    The parcels are locked, so two callers never push the same scans twice.
    """
    now = sandbox_now()
    parcels = (
        SandboxParcel.objects.select_for_update()
        .filter(Q(pushed_through__isnull=True) | Q(pushed_through__lt=now), voided_at__isnull=True)
        .order_by("pk")
    )
    webhooks, pushed = [], []
    for parcel in parcels:
        since = parcel.pushed_through
        due = [
            event
            for event in parcel.events
            if (since is None or since < _when(event)) and _when(event) <= now
        ]
        if due:
            parcel.pushed_through = now
            pushed.append(parcel)
            webhooks.append(_webhook(parcel.tracking_number, due))
    SandboxParcel.objects.bulk_update(pushed, ["pushed_through"])
    return webhooks


def _verify_signature(*, body: bytes, headers: dict[str, str]) -> None:
    header = next((value for name, value in headers.items() if name.lower() == SIGNATURE_HEADER.lower()), "")
    if not header:
        raise WebhookRejected(f"The {SIGNATURE_HEADER} header is missing.")
    pairs = [part.strip().partition("=")[::2] for part in header.split(",")]
    timestamps = [value for key, value in pairs if key == "t" and re.fullmatch(r"[0-9]{1,12}", value)]
    signatures = [value for key, value in pairs if key == "v1"]
    if len(timestamps) != 1 or not signatures:
        raise WebhookRejected(f"The {SIGNATURE_HEADER} header is not of the form t=<unix seconds>,v1=<hex>.")
    timestamp = int(timestamps[0])
    expected = _signature(body, timestamp).encode()
    if not any(hmac.compare_digest(expected, signature.encode()) for signature in signatures):
        raise WebhookRejected("The webhook's signature does not match its body.")
    age = int(time.time()) - timestamp
    if abs(age) > SIGNATURE_TOLERANCE_SECONDS:
        raise WebhookRejected(
            f"The webhook was signed {abs(age)} seconds {'ago' if age > 0 else 'ahead'}; "
            f"at most {SIGNATURE_TOLERANCE_SECONDS} are allowed."
        )


def _webhook_payload(body: bytes) -> tuple[str, list]:
    """Return the tracking number and the events of a webhook body."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # a UnicodeDecodeError is a ValueError too
        raise WebhookRejected("The webhook body is not JSON.") from None
    payload = payload if isinstance(payload, dict) else {}
    data, kind, event_id = payload.get("data"), payload.get("type"), payload.get("id")
    if not isinstance(data, dict) or not isinstance(event_id, str) or kind != "tracking.updated":
        raise WebhookRejected("The webhook body needs an id, the type tracking.updated and a data object.")
    number, events = data.get("tracking_number"), data.get("events")
    if not isinstance(number, str) or not number or not isinstance(events, list):
        raise WebhookRejected("The webhook's data needs a tracking_number and a list of events.")
    return number, events


def _occurred_at(value: object, event_id: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise WebhookRejected(f"Event {event_id}: occurred_at {value!r} is not an ISO time with a time zone.")
    return moment.astimezone(UTC)


def _scan_from_webhook(tracking_number: str, item: object) -> ScanEvent:
    if not isinstance(item, dict):
        raise WebhookRejected("Each event of the webhook must be an object.")
    text = {}
    for name, limit in WEBHOOK_TEXT_FIELDS.items():
        value = item.get(name)
        if not isinstance(value, str) or len(value) > limit or (not value and name != "location"):
            raise WebhookRejected(f"The event field {name} must be text of 1 to {limit} characters.")
        text[name] = value
    status = item.get("status")
    if not isinstance(status, str) or status not in SCAN_STATUSES:
        raise WebhookRejected(f"Event {text['event_id']}: unknown status {status!r}.")
    occurred_at = _occurred_at(item.get("occurred_at"), text["event_id"])
    return ScanEvent(tracking_number=tracking_number, status=status, occurred_at=occurred_at, **text)


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
            parcel = _parcel_create(request=request, service=service)
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
        parcel = _parcel_get(tracking_number, lock=True)
        if parcel.voided_at is not None:
            raise CarrierError(f"The label {tracking_number} is already voided.")
        now = sandbox_now()
        if parcel.events and _when(parcel.events[0]) <= now:
            raise CarrierError(f"Parcel {tracking_number} was already picked up; its label cannot be voided.")
        parcel.voided_at = now
        parcel.save(update_fields=["voided_at"])

    def track(self, *, tracking_number: str) -> TrackingReport:
        """Return the parcel's scans up to the sandbox time, oldest first."""
        parcel = _parcel_get(tracking_number)
        if parcel.voided_at is not None:
            return TrackingReport(tracking_number=tracking_number)
        now = sandbox_now()
        scans = [
            ScanEvent(tracking_number=tracking_number, **{**event, "occurred_at": moment})
            for event in parcel.events
            if (moment := _when(event)) <= now
        ]
        return TrackingReport(tracking_number, sorted(scans, key=lambda scan: scan.occurred_at))

    def webhook_parse(self, *, body: bytes, headers: dict[str, str]) -> list[ScanEvent]:
        """Verify the webhook's signature and age and return its scans."""
        _verify_signature(body=body, headers=headers)
        tracking_number, items = _webhook_payload(body)
        return [_scan_from_webhook(tracking_number, item) for item in items]
