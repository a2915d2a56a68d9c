"""The sandbox carrier's services, its clock and its tracking numbers."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fulfillment.models import SandboxClock, Shipment
from marketplace.core.errors import ApplicationError

CARRIER_NAME = "Sandbox Carrier"


CURRENCY = "USD"


MAX_WEIGHT_GRAMS = 30_000


MAX_ADVANCE_SECONDS = 400 * 86400


TRACKING_NUMBER_RE = re.compile(r"SB[0-9]{16}")


TRACKING_NUMBER_ATTEMPTS = 5


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


def draw_number(tracking_number: str, purpose: str, choices: int) -> int:
    """Return a number in ``range(choices)`` fixed by the tracking number and the purpose."""
    digest = hashlib.sha256(f"{tracking_number}:{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % choices
