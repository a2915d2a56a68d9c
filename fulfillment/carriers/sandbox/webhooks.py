"""The sandbox carrier's webhooks: pushing due scans, signed, and reading them back."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from fulfillment.carriers.base import (
    ScanEvent,
    WebhookRejected,
)
from fulfillment.carriers.sandbox.common import SCAN_STATUSES, sandbox_now
from fulfillment.carriers.sandbox.plan import event_time
from fulfillment.models import SandboxParcel, TrackingEvent

SIGNATURE_HEADER = "Sandbox-Signature"


SIGNATURE_TOLERANCE_SECONDS = 300


# The webhook's text fields and the longest each may be, as TrackingEvent stores them.
WEBHOOK_TEXT_FIELDS = {
    name: TrackingEvent._meta.get_field(name).max_length
    for name in ("event_id", "code", "description", "location")
}


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
            if (since is None or since < event_time(event)) and event_time(event) <= now
        ]
        if due:
            parcel.pushed_through = now
            pushed.append(parcel)
            webhooks.append(_webhook(parcel.tracking_number, due))
    SandboxParcel.objects.bulk_update(pushed, ["pushed_through"])
    return webhooks


def verify_signature(*, body: bytes, headers: dict[str, str]) -> None:
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


def webhook_payload(body: bytes) -> tuple[str, list]:
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


def scan_from_webhook(tracking_number: str, item: object) -> ScanEvent:
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
