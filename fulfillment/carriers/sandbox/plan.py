"""How the sandbox carrier plans a parcel's scans when it sells the label, and re-plans them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from fulfillment.carriers.base import (
    CarrierError,
    LabelRequest,
    PostalAddress,
)
from fulfillment.carriers.sandbox.common import (
    ATTEMPT_TEXT,
    CARRIER_NAME,
    EVENT_FIELDS,
    HUBS,
    SERVICES,
    STATUS_OF_CODE,
    TRACKING_NUMBER_ATTEMPTS,
    SandboxService,
    draw_number,
    sandbox_now,
    tracking_number_generate,
)
from fulfillment.models import SandboxParcel
from marketplace.core.errors import ApplicationError


def _scenario_for(tracking_number: str) -> str:
    share = draw_number(tracking_number, "scenario", 10_000) / 10_000
    late = settings.CARRIER_SANDBOX_LATE_SHARE
    if share < late:
        return SandboxParcel.Scenario.LATE.value
    if share < late + settings.CARRIER_SANDBOX_EXCEPTION_SHARE:
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
        return _at(
            bought.date() + timedelta(days=1), 8 * 60 + draw_number(parcel.tracking_number, "pickup", 151)
        )
    return bought + timedelta(minutes=120 + draw_number(parcel.tracking_number, "pickup", 181))


def _delivery_day(parcel: SandboxParcel, service: SandboxService, pickup_day: date) -> date:
    """Return the day an on-time parcel arrives: the promised one when it can be met."""
    earliest = _add_days(pickup_day, service.min_days)
    if parcel.promised_by:
        return max(parcel.promised_by, earliest)
    spread = service.max_days - service.min_days + 1
    return _add_days(pickup_day, service.min_days + draw_number(parcel.tracking_number, "transit", spread))


def _route(parcel: SandboxParcel, service: SandboxService, pickup: datetime, day: date) -> list[tuple]:
    """Return the scans from pick-up to out for delivery on ``day``, as (code, text, place, time)."""
    number, origin, destination = parcel.tracking_number, _place(parcel.origin), _place(parcel.destination)
    out = max(_at(day, 8 * 60 + draw_number(number, "out", 121)), pickup + timedelta(minutes=30))
    steps = [("picked_up", "Picked up", origin, pickup)]
    if not service.same_city_only:
        departed = pickup + timedelta(minutes=120 + draw_number(number, "departed", 121))
        hub, gap = HUBS[draw_number(number, "hub", len(HUBS))], out - departed
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
        day = _add_days(day, 1 + draw_number(number, "late", 3))
    steps = _route(parcel, service, pickup, day)
    destination = _place(parcel.destination)
    if scenario in (SandboxParcel.Scenario.EXCEPTION, SandboxParcel.Scenario.RETURNED):
        attempt = steps[-1][3] + timedelta(minutes=60 + draw_number(number, "attempt", 241))
        steps.append(("exception", ATTEMPT_TEXT, destination, attempt))
        if scenario == SandboxParcel.Scenario.RETURNED:
            back = _at(
                _add_days(day, 2 + draw_number(number, "returned", 3)),
                10 * 60 + draw_number(number, "back", 361),
            )
            steps.append(("returned", "Returned to sender", _place(parcel.origin), back))
            return _events(number, steps)
        day = _add_days(day, 1)
        again = _at(day, 8 * 60 + draw_number(number, "out again", 121))
        steps.append(("out_for_delivery", "Out for delivery", destination, again))
    if parcel.is_return:
        text = "Delivered, received at the warehouse"
    else:
        text = ("Delivered, front door", "Delivered, handed to resident")[draw_number(number, "door", 2)]
    delivered = max(
        _at(day, 12 * 60 + draw_number(number, "delivered", 361)), steps[-1][3] + timedelta(minutes=45)
    )
    return _events(number, [*steps, ("delivered", text, destination, delivered)])


def event_time(event: dict) -> datetime:
    return datetime.fromisoformat(event["occurred_at"])


def _address_json(address: PostalAddress) -> dict:
    return {key: getattr(address, key) for key in ("city", "region", "postal_code", "country")}


def parcel_create(*, request: LabelRequest, service: SandboxService) -> SandboxParcel:
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


def parcel_get(tracking_number: str, *, lock: bool = False) -> SandboxParcel:
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
    parcel = parcel_get(tracking_number, lock=True)
    parcel.scenario = scenario
    parcel.events = _plan(parcel)
    parcel.save(update_fields=["scenario", "events"])
    return parcel
