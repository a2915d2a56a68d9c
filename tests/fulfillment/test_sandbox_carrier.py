"""The sandbox carrier: rates, labels, simulated time, scans, voiding and signed webhooks."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fulfillment.carriers.base import (
    CarrierError,
    LabelRequest,
    Parcel,
    PostalAddress,
    RateQuote,
    ScanEvent,
    TrackingReport,
    WebhookRejected,
)
from fulfillment.carriers.registry import carrier_get
from fulfillment.carriers.sandbox import (
    SandboxCarrier,
    sandbox_clock_advance,
    sandbox_now,
    sandbox_parcel_replan,
    sandbox_webhook_sign,
    sandbox_webhooks_due,
    tracking_number_generate,
    tracking_number_valid,
)
from fulfillment.models import SandboxClock, SandboxParcel
from marketplace.core.errors import ApplicationError
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db

DAY = 86400
WAREHOUSE = PostalAddress(
    name="Reno Warehouse", line1="1 Commerce St", city="Reno", region="NV", postal_code="89501", country="US"
)
NEIGHBOUR = PostalAddress(
    name="Ann Shopper", line1="22 Elm St", city=" reno ", region="nv", postal_code="89502", country="US"
)
SHOPPER = PostalAddress(
    name="Bea Shopper", line1="5 Congress Ave", city="Austin", region="TX", postal_code="78701", country="US"
)
BOX = Parcel(weight_grams=2500, length_cm=30, width_cm=20, height_cm=10)
CARRIER = SandboxCarrier()


def buy_label(**fields):
    request = {
        "service": "ground",
        "ship_from": WAREHOUSE,
        "ship_to": SHOPPER,
        "parcel": BOX,
        "reference": "SO-1",
    }
    return CARRIER.label_create(request=LabelRequest(**(request | fields)))


def parcel_in(scenario, **fields):
    """Buy a label and force the parcel's scenario."""
    label = buy_label(**fields)
    return sandbox_parcel_replan(tracking_number=label.tracking_number, scenario=scenario)


def seconds_until(moment):
    return int((moment - sandbox_now()).total_seconds()) + 1


def pickup_of(tracking_number):
    return datetime.fromisoformat(
        SandboxParcel.objects.get(tracking_number=tracking_number).events[0]["occurred_at"]
    )


def tracked(parcel):
    return CARRIER.track(tracking_number=parcel.tracking_number).events


def signed(payload, **sign):
    body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    return body, sandbox_webhook_sign(body=body, **sign)


def test_a_2_5_kg_parcel_is_quoted_per_started_kg_cheapest_first():
    assert CARRIER.rates(ship_from=WAREHOUSE, ship_to=SHOPPER, parcel=BOX) == [
        RateQuote("ground", "Sandbox Ground", Decimal("7.30"), "USD", 5),
        RateQuote("express", "Sandbox Express", Decimal("17.60"), "USD", 2),
    ]


def test_the_courier_is_offered_only_within_the_same_city_and_region():
    assert CARRIER.rates(ship_from=WAREHOUSE, ship_to=NEIGHBOUR, parcel=BOX) == [
        RateQuote("ground", "Sandbox Ground", Decimal("7.30"), "USD", 5),
        RateQuote("courier", "Sandbox Same-Day Courier", Decimal("9.99"), "USD", 0),
        RateQuote("express", "Sandbox Express", Decimal("17.60"), "USD", 2),
    ]
    reno_texas = PostalAddress(
        name="C", line1="1 Main", city="Reno", region="TX", postal_code="1", country="US"
    )
    quotes = CARRIER.rates(ship_from=WAREHOUSE, ship_to=reno_texas, parcel=BOX)
    assert [quote.service for quote in quotes] == ["ground", "express"]
    with pytest.raises(CarrierError, match="Sandbox Same-Day Courier only carries within one city"):
        buy_label(service="courier")
    assert buy_label(service="courier", ship_to=NEIGHBOUR).postage_amount == Decimal("9.99")


def test_a_parcel_over_30_kg_is_refused_and_30_kg_is_carried():
    heavy = Parcel(weight_grams=30_001, length_cm=60, width_cm=40, height_cm=40)
    limit = Parcel(weight_grams=30_000, length_cm=60, width_cm=40, height_cm=40)

    with pytest.raises(CarrierError, match=r"up to 30 kg; this one weighs 30\.001 kg"):
        CARRIER.rates(ship_from=WAREHOUSE, ship_to=SHOPPER, parcel=heavy)
    with pytest.raises(CarrierError, match="up to 30 kg"):
        buy_label(parcel=heavy)
    assert buy_label(parcel=limit).postage_amount == Decimal("23.50")
    assert SandboxParcel.objects.count() == 1


def test_an_unknown_service_or_an_address_without_a_city_is_refused():
    no_city = PostalAddress(name="D", line1="1 Main", city=" ", postal_code="1", country="US")

    with pytest.raises(CarrierError, match="no service 'drone'; choose one of ground, express, courier"):
        buy_label(service="drone")
    with pytest.raises(CarrierError, match="The ship-to address needs a city and a country"):
        buy_label(ship_to=no_city)
    assert not SandboxParcel.objects.exists()


def test_tracking_numbers_carry_a_luhn_check_digit_and_a_changed_digit_is_invalid():
    numbers = [tracking_number_generate() for _ in range(50)]
    number = numbers[0]
    changed = [number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1 :] for i in range(2, 18)]

    assert {(len(n), n[:2], tracking_number_valid(n)) for n in numbers} == {(18, "SB", True)}
    assert [tracking_number_valid(n) for n in changed] == [False] * 16
    assert tracking_number_valid("SB0000079927398713") is True  # 79927398713 is the textbook Luhn number
    assert [
        tracking_number_valid(n) for n in ("SB0000079927398714", "XX0000079927398713", "SB000007992739871")
    ] == [
        False,
        False,
        False,
    ]


def test_a_tracking_number_already_taken_is_drawn_again(monkeypatch):
    taken = buy_label().tracking_number
    draws = iter([int(taken[2:17]), 123])
    monkeypatch.setattr("fulfillment.carriers.sandbox.common.secrets.randbelow", lambda _limit: next(draws))

    label = buy_label()

    assert label.tracking_number == "SB0000000000001230" and tracking_number_valid(label.tracking_number)
    assert SandboxParcel.objects.count() == 2


def test_a_label_is_a_pdf_and_records_the_parcel_with_its_planned_scans():
    label = buy_label(reference="SO-1042")

    parcel = SandboxParcel.objects.get()
    assert label.label_pdf.startswith(b"%PDF")
    assert (label.tracking_number, label.service, label.service_name) == (
        parcel.tracking_number,
        "ground",
        "Sandbox Ground",
    )
    assert (label.postage_amount, label.currency) == (Decimal("7.30"), "USD")
    assert parcel.origin == {"city": "Reno", "region": "NV", "postal_code": "89501", "country": "US"}
    assert parcel.destination == {"city": "Austin", "region": "TX", "postal_code": "78701", "country": "US"}
    assert (parcel.service, parcel.is_return, parcel.voided_at, parcel.pushed_through) == (
        "ground",
        False,
        None,
        None,
    )
    assert parcel.events[0]["code"] == "picked_up" and parcel.events[0]["location"] == "Reno, NV"
    assert carrier_get("sandbox").name == "Sandbox Carrier"


def test_a_new_label_has_no_scans_before_the_clock_moves():
    label = buy_label()

    assert CARRIER.track(tracking_number=label.tracking_number) == TrackingReport(label.tracking_number, [])


def test_the_clock_advances_by_whole_seconds_and_refuses_going_back_or_past_400_days():
    before = sandbox_now()

    after = sandbox_clock_advance(seconds=3 * DAY)

    assert SandboxClock.objects.get(pk=1).offset_seconds == 3 * DAY
    assert timedelta(days=3) <= after - before < timedelta(days=3, seconds=5)
    for seconds in (-1, 400 * DAY + 1, 1.5, True):
        with pytest.raises(ApplicationError, match="0 to 400 days at a time"):
            sandbox_clock_advance(seconds=seconds)
    sandbox_clock_advance(seconds=400 * DAY)
    assert SandboxClock.objects.get(pk=1).offset_seconds == 403 * DAY


def test_an_on_time_parcel_is_delivered_on_the_promised_date():
    promised = sandbox_now().date() + timedelta(days=7)
    parcel = parcel_in("on_time", promised_by=promised)

    sandbox_clock_advance(seconds=10 * DAY)

    scans = tracked(parcel)
    assert [(scan.code, scan.status) for scan in scans] == [
        ("picked_up", "in_transit"),
        ("departed", "in_transit"),
        ("arrived", "in_transit"),
        ("departed", "in_transit"),
        ("arrived", "in_transit"),
        ("out_for_delivery", "out_for_delivery"),
        ("delivered", "delivered"),
    ]
    assert scans[-1].occurred_at.date() == promised
    assert scans[-1].description in ("Delivered, front door", "Delivered, handed to resident")
    assert 8 <= scans[-2].occurred_at.hour < 10 + 1 and 12 <= scans[-1].occurred_at.hour <= 18
    assert (scans[0].location, scans[-1].location) == ("Reno, NV", "Austin, TX")
    assert scans[2].location.endswith(" Hub") and scans[2].location == scans[3].location


def test_an_on_time_parcel_promised_too_soon_arrives_after_the_minimum_transit():
    parcel = parcel_in("on_time", promised_by=sandbox_now().date())
    pickup_day = pickup_of(parcel.tracking_number).date()

    sandbox_clock_advance(seconds=10 * DAY)

    delivered_on = tracked(parcel)[-1].occurred_at.date()
    assert delivery_days(pickup_day, delivered_on) == 3


def delivery_days(start, end):
    """Count the days after ``start`` up to ``end``, Sundays left out."""
    return sum(1 for n in range(1, (end - start).days + 1) if (start + timedelta(days=n)).weekday() != 6)


def test_without_a_promise_ground_takes_3_to_5_and_express_1_to_2_delivery_days():
    parcels = {service: parcel_in("on_time", service=service) for service in ("ground", "express")}

    sandbox_clock_advance(seconds=10 * DAY)

    for service, (low, high) in (("ground", (3, 5)), ("express", (1, 2))):
        scans = tracked(parcels[service])
        days = delivery_days(scans[0].occurred_at.date(), scans[-1].occurred_at.date())
        assert (scans[-1].code, low <= days <= high) == ("delivered", True)


def test_a_late_parcel_is_delivered_one_to_three_days_after_the_promise():
    promised = sandbox_now().date() + timedelta(days=7)
    parcel = parcel_in("late", promised_by=promised)

    sandbox_clock_advance(seconds=20 * DAY)

    scans = tracked(parcel)
    assert scans[-1].code == "delivered"
    assert 1 <= delivery_days(promised, scans[-1].occurred_at.date()) <= 3


def test_an_exception_parcel_is_attempted_on_the_planned_day_and_delivered_the_next():
    promised = sandbox_now().date() + timedelta(days=7)
    parcel = parcel_in("exception", promised_by=promised)

    sandbox_clock_advance(seconds=20 * DAY)

    scans = tracked(parcel)
    assert [(scan.code, scan.status) for scan in scans[-4:]] == [
        ("out_for_delivery", "out_for_delivery"),
        ("exception", "exception"),
        ("out_for_delivery", "out_for_delivery"),
        ("delivered", "delivered"),
    ]
    attempt, delivered = scans[-3], scans[-1]
    assert (attempt.description, attempt.occurred_at.date()) == (
        "Delivery attempted: no access to the building",
        promised,
    )
    assert delivery_days(promised, delivered.occurred_at.date()) == 1


def test_a_returned_parcel_ends_returned_to_sender_and_is_never_delivered():
    parcel = parcel_in("returned", promised_by=sandbox_now().date() + timedelta(days=7))

    sandbox_clock_advance(seconds=20 * DAY)

    scans = tracked(parcel)
    assert [(scan.code, scan.status) for scan in scans[-2:]] == [
        ("exception", "exception"),
        ("returned", "returned_to_sender"),
    ]
    assert (scans[-1].description, scans[-1].location) == ("Returned to sender", "Reno, NV")
    assert "delivered" not in [scan.code for scan in scans]
    assert 2 <= delivery_days(scans[-2].occurred_at.date(), scans[-1].occurred_at.date()) <= 4


def test_a_return_label_goes_from_the_shopper_to_the_warehouse():
    label = buy_label(ship_from=SHOPPER, ship_to=WAREHOUSE, is_return=True, reference="RMA-7")
    parcel = sandbox_parcel_replan(tracking_number=label.tracking_number, scenario="on_time")

    sandbox_clock_advance(seconds=10 * DAY)

    scans = tracked(parcel)
    assert label.label_pdf.startswith(b"%PDF") and parcel.is_return is True
    assert (scans[0].location, scans[-1].location) == ("Austin, TX", "Reno, NV")
    assert scans[-1].description == "Delivered, received at the warehouse"


def test_scans_are_in_strict_time_order_with_unique_ids_at_every_hour_for_every_service_and_scenario():
    labels = []
    for hour in range(24):
        service = ("ground", "express", "courier")[hour % 3]
        labels.append(buy_label(service=service, ship_to=NEIGHBOUR if service == "courier" else SHOPPER))
        sandbox_clock_advance(seconds=3600)

    for label in labels:
        for scenario in ("on_time", "late", "exception", "returned"):
            events = sandbox_parcel_replan(tracking_number=label.tracking_number, scenario=scenario).events
            times = [datetime.fromisoformat(event["occurred_at"]) for event in events]
            ids = [event["event_id"] for event in events]
            assert all(a < b for a, b in zip(times, times[1:], strict=False)), (label, scenario, events)
            assert len(set(ids)) == len(ids) and all(len(i) <= 64 for i in ids)
            assert all(t.utcoffset() == timedelta(0) for t in times)
            assert ids[0] == f"{label.tracking_number}-00-picked_up"


def test_a_label_bought_after_17_utc_is_picked_up_the_next_morning_and_one_before_the_same_day():
    now = sandbox_now()
    evening = datetime(now.year, now.month, now.day, 18, tzinfo=UTC) + timedelta(days=1)
    morning = evening + timedelta(hours=15)  # 09:00 the day after
    sandbox_clock_advance(seconds=seconds_until(evening))
    bought_in_the_evening = buy_label().tracking_number
    sandbox_clock_advance(seconds=seconds_until(morning))
    bought_in_the_morning = buy_label().tracking_number

    next_morning = morning.replace(hour=0, second=0)
    assert next_morning + timedelta(hours=8) <= pickup_of(bought_in_the_evening)
    assert pickup_of(bought_in_the_evening) <= next_morning + timedelta(hours=10, minutes=30)
    assert timedelta(hours=2) <= pickup_of(bought_in_the_morning) - morning <= timedelta(hours=5)


def test_a_label_can_be_voided_before_pick_up_but_not_twice():
    label = buy_label()

    CARRIER.label_void(tracking_number=label.tracking_number)

    assert SandboxParcel.objects.get().voided_at is not None
    with pytest.raises(CarrierError, match="is already voided"):
        CARRIER.label_void(tracking_number=label.tracking_number)
    sandbox_clock_advance(seconds=10 * DAY)
    assert tracked(SandboxParcel.objects.get()) == []
    assert sandbox_webhooks_due() == []


def test_a_label_cannot_be_voided_once_picked_up():
    label = buy_label()
    sandbox_clock_advance(seconds=seconds_until(pickup_of(label.tracking_number)))

    with pytest.raises(CarrierError, match="was already picked up"):
        CARRIER.label_void(tracking_number=label.tracking_number)
    assert SandboxParcel.objects.get().voided_at is None
    assert [scan.code for scan in CARRIER.track(tracking_number=label.tracking_number).events] == [
        "picked_up"
    ]


def test_an_unknown_tracking_number_or_scenario_is_refused():
    for call in (CARRIER.track, CARRIER.label_void):
        with pytest.raises(CarrierError, match="Sandbox Carrier has no parcel SB0000079927398713"):
            call(tracking_number="SB0000079927398713")
    with pytest.raises(CarrierError, match="no parcel"):
        sandbox_parcel_replan(tracking_number="SB0000079927398713", scenario="late")
    label = buy_label()
    with pytest.raises(ApplicationError, match="'lost' is not a sandbox scenario"):
        sandbox_parcel_replan(tracking_number=label.tracking_number, scenario="lost")


def test_replanning_keeps_the_label_time_and_the_pick_up():
    label = buy_label()
    before = SandboxParcel.objects.get()

    after = sandbox_parcel_replan(tracking_number=label.tracking_number, scenario="returned")

    after.refresh_from_db()
    assert (after.scenario, after.label_created_at) == ("returned", before.label_created_at)
    assert after.events[0] == before.events[0]


def test_due_webhooks_are_signed_and_parse_back_to_the_tracked_scans_once():
    parcel = parcel_in("on_time")
    sandbox_clock_advance(seconds=10 * DAY)

    ((body, headers),) = sandbox_webhooks_due()

    payload = json.loads(body)
    assert (payload["type"], payload["id"][:4], payload["data"]["tracking_number"]) == (
        "tracking.updated",
        "evt_",
        parcel.tracking_number,
    )
    assert list(headers) == ["Sandbox-Signature"]
    assert CARRIER.webhook_parse(body=body, headers=headers) == tracked(parcel)
    assert len(tracked(parcel)) == 7
    assert sandbox_webhooks_due() == []


def test_after_another_advance_only_the_new_scans_are_pushed():
    parcel = parcel_in("on_time")
    pickup = pickup_of(parcel.tracking_number)
    sandbox_clock_advance(seconds=seconds_until(pickup))
    ((first, first_headers),) = sandbox_webhooks_due()

    sandbox_clock_advance(seconds=10 * DAY)
    ((second, second_headers),) = sandbox_webhooks_due()

    first_ids = [scan.event_id for scan in CARRIER.webhook_parse(body=first, headers=first_headers)]
    second_ids = [scan.event_id for scan in CARRIER.webhook_parse(body=second, headers=second_headers)]
    assert first_ids == [f"{parcel.tracking_number}-00-picked_up"]
    assert first_ids + second_ids == [event["event_id"] for event in parcel.events]
    assert sandbox_webhooks_due() == []


def test_one_webhook_per_parcel_with_due_scans():
    parcels = [parcel_in("on_time") for _ in range(3)]
    CARRIER.label_void(tracking_number=parcels[1].tracking_number)
    sandbox_clock_advance(seconds=10 * DAY)

    webhooks = sandbox_webhooks_due()

    numbers = [json.loads(body)["data"]["tracking_number"] for body, _headers in webhooks]
    assert numbers == [parcels[0].tracking_number, parcels[2].tracking_number]


@pytest.mark.django_db(transaction=True)
def test_two_callers_at_once_never_push_the_same_scans_twice():
    parcels = [parcel_in("on_time") for _ in range(5)]
    sandbox_clock_advance(seconds=10 * DAY)

    outcomes = run_together(2, lambda _i: sandbox_webhooks_due())

    assert [error for _i, _result, error in outcomes] == [None, None]
    pushed = [
        json.loads(body)["data"]["tracking_number"] for _i, result, _e in outcomes for body, _h in result
    ]
    assert sorted(pushed) == sorted(parcel.tracking_number for parcel in parcels)


def test_the_signature_header_is_found_whatever_its_case():
    parcel = parcel_in("on_time")
    sandbox_clock_advance(seconds=10 * DAY)
    ((body, headers),) = sandbox_webhooks_due()

    scans = CARRIER.webhook_parse(body=body, headers={"sandbox-signature": headers["Sandbox-Signature"]})

    assert [scan.event_id for scan in scans] == [event["event_id"] for event in parcel.events]


EVENT = {
    "event_id": "SB0000079927398713-00-picked_up",
    "code": "picked_up",
    "status": "in_transit",
    "description": "Picked up",
    "location": "Reno, NV",
    "occurred_at": "2030-01-02T10:00:00+00:00",
}


def webhook_with(**event):
    return {
        "id": "evt_1",
        "type": "tracking.updated",
        "created": 1,
        "data": {"tracking_number": "SB0000079927398713", "events": [EVENT | event]},
    }


def tampered_body():
    body, headers = signed(webhook_with())
    return body.replace(b"Reno", b"Rena"), headers


def signed_with_another_secret():
    body, timestamp = json.dumps(webhook_with()).encode(), int(time.time())
    digest = hmac.new(b"another-secret", f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Sandbox-Signature": f"t={timestamp},v1={digest}"}


def sent_with(headers):
    return lambda: (json.dumps(webhook_with()).encode(), headers)


def signed_at(offset):
    return lambda: signed(webhook_with(), timestamp=int(time.time()) + offset)


def signed_body(payload):
    return lambda: signed(payload)


def signed_event(**event):
    return lambda: signed(webhook_with(**event))


REFUSED = [
    pytest.param(tampered_body, "signature does not match its body", id="tampered body"),
    pytest.param(signed_with_another_secret, "signature does not match its body", id="wrong secret"),
    pytest.param(signed_at(-301), "signed 301 seconds ago; at most 300", id="old timestamp"),
    pytest.param(signed_at(301), "signed 301 seconds ahead", id="future timestamp"),
    pytest.param(sent_with({}), "Sandbox-Signature header is missing", id="missing header"),
    pytest.param(sent_with({"Sandbox-Signature": "v1=abc"}), "not of the form t=", id="no timestamp"),
    pytest.param(sent_with({"Sandbox-Signature": "t=soon,v1=abc"}), "not of the form t=", id="bad timestamp"),
    pytest.param(signed_body(b"{not json"), "not JSON", id="garbage JSON"),
    pytest.param(signed_body(b"\xff\xfe"), "not JSON", id="not UTF-8"),
    pytest.param(
        signed_body([1, 2]), "needs an id, the type tracking.updated and a data", id="not an object"
    ),
    pytest.param(signed_body({"id": "evt_1", "type": "tracking.updated"}), "and a data object", id="no data"),
    pytest.param(
        signed_body(webhook_with() | {"type": "label.created"}), "the type tracking.updated", id="other type"
    ),
    pytest.param(
        signed_body({"id": "evt_1", "type": "tracking.updated", "data": {"tracking_number": "SB1"}}),
        "needs a tracking_number and a list of events",
        id="no events",
    ),
    pytest.param(signed_body(webhook_with() | {"id": None}), "needs an id", id="no id"),
    pytest.param(signed_event(status="teleported"), "unknown status 'teleported'", id="unknown status"),
    pytest.param(signed_event(status="voided"), "unknown status 'voided'", id="voided status"),
    pytest.param(
        signed_event(occurred_at="2030-01-02T10:00:00"), "not an ISO time with a time zone", id="naive"
    ),
    pytest.param(signed_event(occurred_at="yesterday"), "not an ISO time with a time zone", id="not a time"),
    pytest.param(signed_event(event_id="e" * 65), "event_id must be text of 1 to 64", id="long event id"),
    pytest.param(signed_event(code=""), "code must be text of 1 to 32", id="empty code"),
    pytest.param(signed_event(location="x" * 121), "location must be text of 1 to 120", id="long location"),
    pytest.param(signed_event(description="x" * 201), "description must be text of 1 to 200", id="long text"),
]


@pytest.mark.parametrize(("make", "reason"), REFUSED)
def test_a_webhook_is_refused_with_a_reason_a_person_can_read(make, reason):
    body, headers = make()

    with pytest.raises(WebhookRejected, match=reason):
        CARRIER.webhook_parse(body=body, headers=headers)


def test_a_well_formed_webhook_parses_to_scan_events():
    body, headers = signed(webhook_with(occurred_at="2030-01-02T12:00:00+02:00"))

    assert CARRIER.webhook_parse(body=body, headers=headers) == [
        ScanEvent(
            event_id="SB0000079927398713-00-picked_up",
            tracking_number="SB0000079927398713",
            code="picked_up",
            status="in_transit",
            description="Picked up",
            location="Reno, NV",
            occurred_at=datetime(2030, 1, 2, 10, tzinfo=UTC),
        )
    ]


def test_a_late_share_of_one_makes_every_new_parcel_late(settings):
    settings.CARRIER_SANDBOX_LATE_SHARE = 1.0
    promised = sandbox_now().date() + timedelta(days=7)

    labels = [buy_label(promised_by=promised) for _ in range(10)]

    parcels = SandboxParcel.objects.filter(tracking_number__in=[label.tracking_number for label in labels])
    assert sorted(parcels.values_list("scenario", flat=True)) == ["late"] * 10
    sandbox_clock_advance(seconds=20 * DAY)
    assert all(tracked(parcel)[-1].occurred_at.date() > promised for parcel in parcels)


def test_shares_of_zero_and_one_make_every_new_parcel_on_time_or_an_exception(settings):
    settings.CARRIER_SANDBOX_LATE_SHARE = 0.0
    settings.CARRIER_SANDBOX_EXCEPTION_SHARE = 0.0
    on_time = [buy_label().tracking_number for _ in range(5)]
    settings.CARRIER_SANDBOX_EXCEPTION_SHARE = 1.0
    exception = [buy_label().tracking_number for _ in range(5)]

    scenarios = dict(SandboxParcel.objects.values_list("tracking_number", "scenario"))
    assert [scenarios[n] for n in on_time + exception] == ["on_time"] * 5 + ["exception"] * 5
