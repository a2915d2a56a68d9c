"""The payment provider interface.

Every provider (the sandbox now, Stripe later) implements ``PaymentProvider``.
The rest of the project talks to providers through it only, with ``Decimal``
amounts and ISO currencies; amounts cross into minor units (cents) inside the
provider, with ``to_minor_units`` / ``from_minor_units``.

The shape follows Stripe's PaymentIntents, so the Stripe adapter is a thin
mapping: ``create_payment`` returns a client secret for the browser,
``confirm_payment`` either succeeds, fails with a decline code, or asks for an
extra step (3-D Secure) at ``next_action_url``; webhook events carry ids, so
each is processed once.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from marketplace.core.errors import ApplicationError

# ISO 4217 currencies without a minor unit (Stripe's "zero-decimal" list).
ZERO_DECIMAL_CURRENCIES = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)

# Payment states as the project sees them, whatever the provider calls them.
CREATED = "created"
REQUIRES_ACTION = "requires_action"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELLED = "cancelled"

# Refund states as the project sees them (``Refund.Status``): a refund on its way is
# pending, and a refund that failed (or was cancelled) at the provider gave nothing back.
REFUND_PENDING = "pending"
REFUND_SUCCEEDED = "succeeded"
REFUND_FAILED = "failed"

# Event types (Stripe's names; other providers map theirs onto these).
EVENT_PAYMENT_SUCCEEDED = "payment_intent.succeeded"
EVENT_PAYMENT_FAILED = "payment_intent.payment_failed"
EVENT_PAYMENT_CANCELED = "payment_intent.canceled"
EVENT_CHARGE_REFUNDED = "charge.refunded"
EVENT_CHARGE_REFUND_UPDATED = "charge.refund.updated"
EVENT_REFUND_CREATED = "refund.created"
EVENT_REFUND_UPDATED = "refund.updated"
EVENT_REFUND_FAILED = "refund.failed"


def _exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Return ``amount`` in the currency's minor unit: 49.99 USD -> 4999.

    Refuse amounts finer than the currency allows instead of rounding them.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("Amounts must be Decimal.")
    minor = amount.scaleb(_exponent(currency))
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency.upper()} allows.")
    return int(minor)


def from_minor_units(value: int, currency: str) -> Decimal:
    """Return the ``Decimal`` amount of ``value`` minor units: 4999 USD -> 49.99."""
    exponent = _exponent(currency)
    return (Decimal(int(value)).scaleb(-exponent)).quantize(Decimal(1).scaleb(-exponent))


class ProviderError(ApplicationError):
    """The provider refused a request (a bug or a misuse, not a card decline)."""


class InvalidWebhook(ProviderError):
    """A webhook call whose signature, timestamp or body cannot be trusted."""


@dataclass(frozen=True)
class ProviderPayment:
    """A payment as the provider reports it (Stripe: a PaymentIntent)."""

    id: str
    status: str  # CREATED, REQUIRES_ACTION, SUCCEEDED, FAILED or CANCELLED
    amount: Decimal
    currency: str
    client_secret: str = ""
    next_action_url: str = ""  # where the shopper authenticates, when REQUIRES_ACTION
    failure_code: str = ""  # card_declined, incorrect_number, expired_card, ...
    decline_code: str = ""  # generic_decline, insufficient_funds, ... (card_declined only)
    failure_message: str = ""  # for the shopper, as the provider words it
    reference: str = ""  # our order number
    # For fraud screening: the provider's fingerprint of the card (Stripe:
    # payment_method_details.card.fingerprint) and the card's country; "" if unknown.
    card_fingerprint: str = ""
    card_country: str = ""
    # For reconciliation: how much of it was refunded at the provider.
    amount_refunded: Decimal = Decimal("0")


@dataclass(frozen=True)
class ProviderRefund:
    """A refund as the provider reports it, its status mapped to ours."""

    id: str
    status: str  # REFUND_PENDING, REFUND_SUCCEEDED or REFUND_FAILED
    amount: Decimal
    currency: str
    payment_id: str = ""  # the payment it refunds, when the provider says
    failure_reason: str = ""  # why it failed (Stripe: expired_or_canceled_card, ..., canceled)


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook event: ``data`` is the provider's JSON as sent."""

    id: str
    type: str
    data: dict = field(default_factory=dict)
    payment: ProviderPayment | None = None  # the payment the event is about, if any


class PaymentProvider(abc.ABC):
    """What the project needs from a payment provider."""

    name: str

    @abc.abstractmethod
    def create_payment(
        self, *, amount: Decimal, currency: str, reference: str, idempotency_key: str
    ) -> ProviderPayment:
        """Create a payment for ``amount``; the same key returns the same payment."""

    @abc.abstractmethod
    def confirm_payment(
        self, *, payment_id: str, payment_method: dict, return_url: str = "", idempotency_key: str = ""
    ) -> ProviderPayment:
        """Charge ``payment_method``; ``return_url`` is where an extra step ends.

        The same ``idempotency_key`` gets the first answer again, never a
        second charge. Without one, the provider makes it from the payment
        and the payment method, so a retry of the same confirmation reuses it.
        """

    @abc.abstractmethod
    def retrieve_payment(self, *, payment_id: str) -> ProviderPayment:
        """Return the payment's current state (after an extra step, say)."""

    @abc.abstractmethod
    def cancel_payment(self, *, payment_id: str, idempotency_key: str = "") -> ProviderPayment:
        """Cancel a payment that has not succeeded (idempotent: key made from the payment if none)."""

    @abc.abstractmethod
    def refund(self, *, payment_id: str, amount: Decimal, idempotency_key: str) -> ProviderRefund:
        """Refund ``amount`` of a succeeded payment; the same key, the same refund."""

    @abc.abstractmethod
    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify and parse a webhook call; raise ``InvalidWebhook`` if untrusted."""

    def list_payments(self, *, created_since: datetime) -> list[ProviderPayment]:
        """Return the payments created at the provider since ``created_since`` (reconciliation).

        Each carries ``amount_refunded``. Stripe: ``PaymentIntent.list`` with
        ``created[gte]``, paged, expanding ``latest_charge``.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot list its payments yet.")

    def transfer(self, *, account_id: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        """Send ``amount`` to a seller's connected account; return the transfer id.

        The same ``idempotency_key`` returns the same transfer and moves no
        money again, so a payout retried after an error or a timeout is paid
        once. Raise ``ProviderError`` when the transfer is refused or the
        provider cannot be reached. Stripe: ``Transfer.create`` to the Connect
        account with the key as the ``Idempotency-Key`` header.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot make transfers yet.")
