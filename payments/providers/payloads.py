"""Provider JSON read into typed values: the one place that decides what fits.

Every field the providers read from a webhook body (and from an API answer)
goes through a ``Reader``: text of a bounded length, whole minor-unit amounts,
ISO currency codes, statuses from a known set, nested objects. What does not
fit raises ``InvalidPayload`` (an ``InvalidWebhook``) naming the field and the
problem, before anything is stored or applied, so the webhook views answer
HTTP 400 with the reason: the provider stops retrying (or shows us the
failure), and no payment, refund or ledger row is half-written. A body that
would not fit the database at all (a NUL in any string: PostgreSQL's jsonb
refuses it) is refused whole by ``event_envelope``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass

from .base import InvalidWebhook

ID_MAX_LENGTH = 100  # WebhookEvent.event_id, Payment.provider_payment_id, Refund.provider_refund_id
TEXT_MAX_LENGTH = 255
_IDENTIFIER_RE = re.compile(r"[A-Za-z0-9_.:-]+")  # pi_3Q..., evt_sb_..., re_..., dp_...
MAX_MINOR_AMOUNT = 10**10 - 1  # fits Decimal(12, 2) in every currency; Stripe's own cap is far lower


class InvalidPayload(InvalidWebhook):
    """A provider's JSON, correctly signed, that does not have the shape we read."""


_MISSING = object()


class Reader:
    """Typed reads of one JSON object found at ``path``; each refuses what does not fit."""

    def __init__(self, data, *, path: str = "", kind: str = "event"):
        self.path, self.kind = path, kind
        if not isinstance(data, dict):
            raise self.error(path or "the body", "is not an object")
        self.data = data

    def error(self, where: str, problem: str) -> InvalidPayload:
        return InvalidPayload(f"Malformed {self.kind}: {where} {problem}.")

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool):
        value = self.data.get(key, _MISSING)
        if value is _MISSING or (value is None and required):
            if required:
                raise self.error(self._where(key), "is missing")
            return None
        return value

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        max_length: int = TEXT_MAX_LENGTH,
        cut: bool = False,
        choices: Collection[str] | None = None,
    ) -> str:
        """A string (``""`` when optional and absent or null); longer than ``max_length`` is
        refused, or cut to it with ``cut=True`` (free text such as a decline message)."""
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(self._where(key), "is not text")
        if len(value) > max_length:
            if not cut:
                raise self.error(self._where(key), f"is longer than {max_length} characters")
            value = value[:max_length]
        if choices is not None and value not in choices:
            raise self.error(f"{self._where(key)} {value[:40]!r}", "is not one we know")
        return value

    def identifier(self, key: str, *, required: bool = True) -> str:
        """A provider's id: letters, digits and ``_.:-`` only, at most ``ID_MAX_LENGTH`` long."""
        value = self.text(key, required=required, max_length=ID_MAX_LENGTH)
        if (required or value) and not _IDENTIFIER_RE.fullmatch(value):
            raise self.error(self._where(key), "is not an id")
        return value

    def minor_amount(self, key: str, *, required: bool = True) -> int:
        """A whole number of minor units (cents), from 0 to ``MAX_MINOR_AMOUNT``; 0 when optional."""
        value = self._get(key, required)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINOR_AMOUNT:
            raise self.error(self._where(key), "is not a whole number of minor units")
        return value

    def currency(self, key: str = "currency") -> str:
        """An ISO 4217 code, upper-cased."""
        value = self.text(key)
        if len(value) != 3 or not value.isascii() or not value.isalpha():
            raise self.error(self._where(key), "is not a currency code")
        return value.upper()

    def obj(self, key: str, *, required: bool = False) -> Reader:
        """The nested object at ``key`` (an empty one when optional and absent or null)."""
        value = self._get(key, required)
        return Reader({} if value is None else value, path=self._where(key), kind=self.kind)

    def obj_or_id(self, key: str) -> Reader | str:
        """An expandable field: the object itself, or only its id (Stripe's ``latest_charge``)."""
        value = self._get(key, False)
        if isinstance(value, str):
            return self.identifier(key)
        return self.obj(key)

    def objects(self, key: str) -> list[Reader] | None:
        """A list of objects (None when absent or null)."""
        value = self._get(key, False)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.error(self._where(key), "is not a list")
        return [Reader(item, path=f"{self._where(key)}[{i}]", kind=self.kind) for i, item in enumerate(value)]

    def flag(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.error(self._where(key), "is not true or false")
        return value


@dataclass(frozen=True)
class Envelope:
    """A webhook event's outer fields, checked; ``object`` reads ``data.object``."""

    id: str
    type: str
    data: dict  # the whole event, as sent (it fits the database: no NUL anywhere)
    object: Reader


def _has_nul(value) -> bool:
    """Whether a NUL is in any string or key of ``value`` (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def event_envelope(payload: bytes, *, not_an_event: str) -> Envelope:
    """Parse a verified webhook body; ``not_an_event`` is said when it is not JSON at all."""
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, a 5,000-digit number, too deep
        raise InvalidWebhook(not_an_event) from None
    if not isinstance(event, dict):
        raise InvalidWebhook(not_an_event)
    if _has_nul(event):
        raise InvalidPayload("Malformed event: it contains a NUL character.")
    reader = Reader(event)
    return Envelope(
        id=reader.identifier("id"),
        type=reader.text("type", max_length=100),
        data=event,
        object=reader.obj("data", required=True).obj("object", required=True),
    )
