"""The Stripe provider: PaymentIntents through the official ``stripe`` package.

This is the only module that imports ``stripe`` and the only place where
amounts cross into minor units for Stripe (``base.to_minor_units``; JPY and the
other zero-decimal currencies have no cents). The browser confirms the
PaymentIntent with the Payment Element (Stripe.js, the publishable key and the
intent's client secret), so card details never reach our server; the server
creates, retrieves, cancels and refunds intents, and verifies webhooks.

Every write sends an ``Idempotency-Key`` of ours, made from our own ids, so
a retried request (ours, or the library's network retries, which resend the
same headers) gets Stripe's stored response, never a second intent, charge,
refund or transfer: creating an intent (the payment attempt's key), confirming
it (``confirm_key``: the intent and the payment method), cancelling it
(``cancel_key``: the intent), a refund (the refund's key) and a transfer (the
payout's key). The library's own key (a random UUID per call) is never used:
a retry of ours would get a new one and do the write twice.

The HTTP client is Stripe's own unless ``set_http_client`` installs another
``stripe.HTTPClient`` (``HTTPClient`` below): a proxy-aware client, or the
recorded-response stub of the tests.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from . import base, payloads
from .base import (
    InvalidWebhook,
    PaymentProvider,
    ProviderError,
    ProviderEvent,
    ProviderPayment,
    ProviderRefund,
)
from .payloads import Reader

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Stripe-Signature"
# Network retries of the library; safe because every write carries an idempotency key.
MAX_NETWORK_RETRIES = 2

# The HTTP boundary: subclass this to send Stripe's requests elsewhere (tests stub it);
# it raises NetworkError when the request or its answer is lost.
HTTPClient = stripe.HTTPClient
NetworkError = stripe.APIConnectionError

_http_client: stripe.HTTPClient | None = None
_clients: dict[tuple[str, int], stripe.StripeClient] = {}
_clients_lock = threading.Lock()

# PaymentIntent statuses -> ours. ``requires_payment_method`` is a decline when
# the intent carries ``last_payment_error``, otherwise a fresh intent.
_STATUS = {
    "requires_payment_method": base.CREATED,
    "requires_confirmation": base.CREATED,
    "requires_capture": base.CREATED,
    "processing": base.CREATED,
    "requires_action": base.REQUIRES_ACTION,
    "succeeded": base.SUCCEEDED,
    "canceled": base.CANCELLED,
}
CHARGE_STATUSES = ("succeeded", "pending", "failed")
# Refund statuses -> ours. ``requires_action`` waits for the shopper (a refund to a
# method with no card network behind it) and is on its way; ``canceled`` gave nothing back.
_REFUND_STATUS = {
    "pending": base.REFUND_PENDING,
    "requires_action": base.REFUND_PENDING,
    "succeeded": base.REFUND_SUCCEEDED,
    "failed": base.REFUND_FAILED,
    "canceled": base.REFUND_FAILED,
}


def confirm_key(payment_id: str, method_id: str) -> str:
    """The idempotency key of confirming intent ``payment_id`` with ``method_id``.

    A retry of the same confirmation (a lost answer, a doubled submit) sends
    the same key and gets Stripe's first answer, the charge or the decline;
    another payment method is another attempt, with another key. We confirm
    a payment once from our server (``payments.services.payment_confirm``
    takes only a ``created`` one); a caller that means to try the same card
    again on the same intent passes its own key with its attempt number.
    """
    return f"confirm-{payment_id}-{method_id}"


def cancel_key(payment_id: str) -> str:
    """The idempotency key of cancelling intent ``payment_id``: one cancellation, whoever retries it.

    Made from Stripe's intent id rather than our primary key: keys are per
    Stripe account, which several databases (a laptop, staging, the tests)
    may share, and an intent id is unique there.
    """
    return f"cancel-{payment_id}"


def set_http_client(client: stripe.HTTPClient | None) -> None:
    """Make every Stripe request go through ``client`` (``None``: Stripe's default)."""
    global _http_client
    with _clients_lock:
        _http_client = client
        _clients.clear()


def _client(api_key: str) -> stripe.StripeClient:
    """Return the shared ``StripeClient`` for ``api_key`` (one connection pool per key)."""
    with _clients_lock:
        key = (api_key, id(_http_client))
        client = _clients.get(key)
        if client is None:
            client = stripe.StripeClient(
                api_key, http_client=_http_client, max_network_retries=MAX_NETWORK_RETRIES
            )
            _clients[key] = client
        return client


@dataclass(frozen=True)
class ProviderDispute:
    """A chargeback as Stripe reports it (``charge.dispute.*`` events)."""

    id: str
    payment_id: str  # the PaymentIntent it disputes
    amount: Decimal
    currency: str
    reason: str
    status: str  # Stripe's: warning_needs_response, needs_response, under_review, won, lost, ...


def _plain(obj) -> dict:
    """Return a Stripe object as plain JSON data (dicts, lists, ints and strings)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


class StripeProvider(PaymentProvider):
    name = "stripe"

    def __init__(self, *, api_key: str | None = None):
        self.api_key = api_key if api_key is not None else settings.STRIPE_SECRET_KEY

    @property
    def client(self) -> stripe.StripeClient:
        if not self.api_key:
            raise ImproperlyConfigured("STRIPE_SECRET_KEY is not set, so Stripe cannot be called.")
        return _client(self.api_key)

    # -- the interface -----------------------------------------------------

    def create_payment(
        self, *, amount: Decimal, currency: str, reference: str, idempotency_key: str
    ) -> ProviderPayment:
        params = {
            "amount": base.to_minor_units(amount, currency),
            "currency": currency.lower(),
            "automatic_payment_methods": {"enabled": True},
            "description": f"Order {reference}",
            "metadata": {"order_number": reference},
        }
        intent = self._call(
            lambda: self.client.v1.payment_intents.create(params, {"idempotency_key": idempotency_key})
        )
        return self.payment_from_object(_plain(intent))

    def confirm_payment(
        self, *, payment_id: str, payment_method: dict, return_url: str = "", idempotency_key: str = ""
    ) -> ProviderPayment:
        """Confirm with a saved PaymentMethod id (``{"id": "pm_..."}``); never with card numbers.

        Shoppers confirm in the browser with the Payment Element; this is for
        server-side flows with a payment method Stripe already holds. A
        decline (HTTP 402 with the intent in the error) is a ``FAILED``
        payment with its decline code, not an exception.
        """
        method_id = str(payment_method.get("id", ""))
        if not method_id.startswith("pm_"):
            raise ProviderError(
                "Stripe takes card details only in the browser (the Payment Element), never on our server."
            )
        params = {"payment_method": method_id}
        if return_url:
            params["return_url"] = return_url
        options = {"idempotency_key": idempotency_key or confirm_key(payment_id, method_id)}
        try:
            intent = self.client.v1.payment_intents.confirm(payment_id, params, options)
        except stripe.CardError as error:
            # A decline: the intent is back to requires_payment_method with last_payment_error.
            intent = getattr(error.error, "payment_intent", None) if error.error else None
            if intent is None:
                raise ProviderError(error.user_message or "The card was declined.") from error
        except stripe.StripeError as error:
            raise self._error(error) from error
        return self.payment_from_object(_plain(intent))

    def retrieve_payment(self, *, payment_id: str) -> ProviderPayment:
        intent = self._call(
            lambda: self.client.v1.payment_intents.retrieve(payment_id, {"expand": ["latest_charge"]})
        )
        return self.payment_from_object(_plain(intent))

    def list_payments(self, *, created_since: datetime) -> list[ProviderPayment]:
        params = {
            "created": {"gte": int(created_since.timestamp())},
            "limit": 100,
            "expand": ["data.latest_charge"],
        }
        page = self._call(lambda: self.client.v1.payment_intents.list(params))
        return self._call(lambda: [self.payment_from_object(_plain(obj)) for obj in page.auto_paging_iter()])

    def cancel_payment(self, *, payment_id: str, idempotency_key: str = "") -> ProviderPayment:
        options = {"idempotency_key": idempotency_key or cancel_key(payment_id)}
        try:
            intent = self.client.v1.payment_intents.cancel(payment_id, None, options)
        except stripe.InvalidRequestError as error:
            # Already cancelled (a webhook we have not applied yet): that is the outcome we want.
            current = self.retrieve_payment(payment_id=payment_id)
            if current.status == base.CANCELLED:
                return current
            raise self._error(error) from error
        except stripe.StripeError as error:
            raise self._error(error) from error
        return self.payment_from_object(_plain(intent))

    def refund(self, *, payment_id: str, amount: Decimal, idempotency_key: str) -> ProviderRefund:
        currency = self._currency_of(payment_id)
        params = {"payment_intent": payment_id, "amount": base.to_minor_units(amount, currency)}
        refund = self._call(
            lambda: self.client.v1.refunds.create(params, {"idempotency_key": idempotency_key})
        )
        return self.refund_from_object(_plain(refund))

    def transfer(self, *, account_id: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        """Send a seller's payout to its Connect account (``Transfer.create``)."""
        params = {
            "amount": base.to_minor_units(amount, currency),
            "currency": currency.lower(),
            "destination": account_id,
        }
        transfer = self._call(
            lambda: self.client.v1.transfers.create(params, {"idempotency_key": idempotency_key})
        )
        return _plain(transfer)["id"]

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify the signature on the raw body, then parse it.

        ``stripe.Webhook.construct_event`` checks the HMAC of ``t.body`` and
        refuses timestamps older than ``STRIPE_WEBHOOK_TOLERANCE_SECONDS``;
        timestamps that far in the future are refused here too.
        """
        # The platform's endpoint and the Connect endpoint (connected accounts' events) each have
        # their own signing secret; both may post to the same URL.
        signing_secrets = [
            s for s in (settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_CONNECT_WEBHOOK_SECRET) if s
        ]
        if not signing_secrets:
            raise InvalidWebhook("Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET is empty).")
        lowered = {key.lower(): value for key, value in headers.items()}
        header = lowered.get(SIGNATURE_HEADER.lower(), "")
        tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
        for secret in signing_secrets:
            try:
                stripe.Webhook.construct_event(payload, header, secret, tolerance=tolerance)
                break
            except stripe.SignatureVerificationError as error:
                refusal = error.user_message
            except (ValueError, KeyError, TypeError):
                raise InvalidWebhook("The webhook body is not a Stripe event.") from None
        else:
            raise InvalidWebhook(f"The Stripe signature is not valid: {refusal}")
        timestamp = int(header.split("t=", 1)[1].split(",", 1)[0])
        if timestamp > time.time() + tolerance:
            raise InvalidWebhook("The Stripe signature's timestamp is in the future.")
        # Every field a handler reads is checked here, before anything is stored (payloads).
        envelope = payloads.event_envelope(payload, not_an_event="The webhook body is not a Stripe event.")
        obj = envelope.object
        kind = obj.data.get("object")
        if kind == "charge":
            self._checked_charge(obj)
        elif kind == "dispute":
            self._checked_dispute(obj)
        elif kind == "refund":
            self.refund_from_object(obj)
        elif kind == "account":
            from .stripe_connect import connect_account_from_object  # it imports this module

            try:
                connect_account_from_object(obj.data)
            except ProviderError as error:
                raise InvalidWebhook(error.message) from None
        return ProviderEvent(
            id=envelope.id, type=envelope.type, data=envelope.data, payment=self._event_payment(obj)
        )

    # -- what webhook handlers need beyond the interface ----------------------

    def payment_with_card(self, *, intent: dict) -> ProviderPayment:
        """Map an intent whose ``latest_charge`` is only an id (as in events), fetching the charge.

        The charge carries the card's fingerprint and country, which fraud
        screening needs before the order is released.
        """
        charge = Reader(intent, path="data.object").obj_or_id("latest_charge")
        if isinstance(charge, str):
            fetched = self._call(lambda: self.client.v1.charges.retrieve(charge))
            intent = {**intent, "latest_charge": _plain(fetched)}
        return self.payment_from_object(Reader(intent, path="data.object"))

    def charge_refunds(self, *, charge: dict) -> list[ProviderRefund]:
        """Return every refund of a charge (``charge.refunded``).

        Since API version 2022-11-15 a charge no longer embeds its refunds, so
        they are listed from the API unless the event carries them all.
        """
        charge = Reader(charge, path="data.object")
        embedded = charge.obj("refunds")
        refunds = embedded.objects("data")
        if refunds is not None and not embedded.flag("has_more"):
            return [self.refund_from_object(obj) for obj in refunds]
        params = {"payment_intent": charge.identifier("payment_intent"), "limit": 100}
        page = self._call(lambda: self.client.v1.refunds.list(params))
        return [self.refund_from_object(_plain(obj)) for obj in page.auto_paging_iter()]

    def refund_with_payment(self, *, refund: dict) -> ProviderRefund:
        """Map a refund event's object, finding its intent through the charge when it names none."""
        provider_refund = self.refund_from_object(Reader(refund, path="data.object"))
        if provider_refund.payment_id:
            return provider_refund
        charge_id = Reader(refund, path="data.object").identifier("charge")
        charge = self._call(lambda: self.client.v1.charges.retrieve(charge_id))
        payment_id = Reader(_plain(charge), kind="Stripe answer").identifier("payment_intent", required=False)
        return replace(provider_refund, payment_id=payment_id)

    def dispute_from_object(self, obj: dict) -> ProviderDispute:
        dispute = self._checked_dispute(Reader(obj, path="data.object"))
        if not dispute.payment_id:
            charge_id = Reader(obj, path="data.object").identifier("charge")
            charge = self._call(lambda: self.client.v1.charges.retrieve(charge_id))
            payment_id = Reader(_plain(charge), kind="Stripe answer").identifier(
                "payment_intent", required=False
            )
            dispute = replace(dispute, payment_id=payment_id)
        return dispute

    @staticmethod
    def _checked_dispute(obj: Reader) -> ProviderDispute:
        """A dispute's fields, checked; ``payment_id`` is "" when the event names only the charge."""
        payment_id = obj.identifier("payment_intent", required=False)
        if not payment_id:
            obj.identifier("charge")
        currency = obj.currency()
        return ProviderDispute(
            id=obj.identifier("id"),
            payment_id=payment_id,
            amount=base.from_minor_units(obj.minor_amount("amount"), currency),
            currency=currency,
            reason=obj.text("reason", required=False, max_length=100, cut=True),
            status=obj.text("status", required=False, max_length=40),
        )

    # -- mapping Stripe's JSON ------------------------------------------------

    def payment_from_object(self, obj: dict | Reader) -> ProviderPayment:
        """Map a PaymentIntent's JSON to a ``ProviderPayment`` (``payloads`` checks each field)."""
        intent = obj if isinstance(obj, Reader) else Reader(obj, kind="Stripe answer")
        stripe_status = intent.text("status", max_length=40, choices=_STATUS)
        error = intent.obj("last_payment_error")
        status = _STATUS[stripe_status]
        if stripe_status == "requires_payment_method" and error.data:
            status = base.FAILED
        payment_id = intent.identifier("id")
        currency = intent.currency()
        amount = base.from_minor_units(intent.minor_amount("amount"), currency)
        reference = intent.obj("metadata").text("order_number", required=False, max_length=40)
        next_action_url = ""
        if status == base.REQUIRES_ACTION:
            redirect = intent.obj("next_action").obj("redirect_to_url")
            # Other next actions (3-D Secure in a modal) are run by Stripe.js on the pay page.
            next_action_url = redirect.text("url", required=False, max_length=500) or (
                reverse("payments:pay", kwargs={"number": reference}) if reference else ""
            )
        charge = intent.obj_or_id("latest_charge")
        charge = charge if isinstance(charge, Reader) else Reader({}, path=f"{intent.path}.latest_charge")
        card = charge.obj("payment_method_details").obj("card")
        return ProviderPayment(
            id=payment_id,
            status=status,
            amount=amount,
            currency=currency,
            client_secret=intent.text("client_secret", required=False, max_length=200),
            next_action_url=next_action_url,
            failure_code=error.text("code", required=False, max_length=60),
            decline_code=error.text("decline_code", required=False, max_length=60),
            failure_message=error.text("message", required=False, max_length=300, cut=True),
            reference=reference,
            card_fingerprint=card.text("fingerprint", required=False, max_length=100),
            card_country=card.text("country", required=False, max_length=2).upper(),
            amount_refunded=base.from_minor_units(
                charge.minor_amount("amount_refunded", required=False), currency
            ),
        )

    @staticmethod
    def refund_from_object(obj: dict | Reader) -> ProviderRefund:
        """Map a Refund's JSON: its status to ours (``_REFUND_STATUS``), why it failed, its intent."""
        refund = obj if isinstance(obj, Reader) else Reader(obj, kind="Stripe answer")
        currency = refund.currency()
        stripe_status = refund.text("status", max_length=40, choices=_REFUND_STATUS)
        refund.identifier("charge", required=False)
        failure_reason = refund.text("failure_reason", required=False, max_length=100, cut=True)
        if stripe_status == "canceled" and not failure_reason:
            failure_reason = "canceled"
        return ProviderRefund(
            id=refund.identifier("id"),
            status=_REFUND_STATUS[stripe_status],
            amount=base.from_minor_units(refund.minor_amount("amount"), currency),
            currency=currency,
            payment_id=refund.identifier("payment_intent", required=False),
            failure_reason=failure_reason,
        )

    def _checked_charge(self, charge: Reader) -> None:
        """Check the fields of a charge that the handlers read (``charge.refunded``)."""
        charge.identifier("id")
        charge.identifier("payment_intent", required=False)
        charge.text("status", max_length=20, choices=CHARGE_STATUSES)
        charge.currency()
        charge.minor_amount("amount")
        charge.minor_amount("amount_refunded", required=False)
        charge.obj("metadata")
        refunds = charge.obj("refunds").objects("data") or []
        for refund in refunds:
            self.refund_from_object(refund)

    def _event_payment(self, obj: Reader) -> ProviderPayment | None:
        """The payment an event object is about: an intent, or the intent of a captured charge."""
        kind = obj.data.get("object")
        if kind == "payment_intent":
            return self.payment_from_object(obj)
        if kind == "charge" and obj.data.get("payment_intent") and obj.data.get("status") == "succeeded":
            # A refunded charge was captured: whatever order the events arrive in,
            # the payment succeeded before it was refunded.
            intent = {
                "id": obj.data["payment_intent"],
                "status": "succeeded",
                "amount": obj.data["amount"],
                "currency": obj.data["currency"],
                "metadata": obj.data.get("metadata") or {},
                "latest_charge": obj.data,
            }
            return self.payment_from_object(Reader(intent, path=obj.path))
        return None

    # -- helpers -------------------------------------------------------------

    def _currency_of(self, payment_id: str) -> str:
        from payments.models import Payment

        currency = (
            Payment.objects.filter(provider=self.name, provider_payment_id=payment_id)
            .values_list("currency", flat=True)
            .first()
        )
        return currency or self.retrieve_payment(payment_id=payment_id).currency

    def _call(self, request):
        try:
            return request()
        except stripe.StripeError as error:
            raise self._error(error) from error

    @staticmethod
    def _error(error: stripe.StripeError) -> ProviderError:
        logger.warning("Stripe refused a request: %s (%s)", error, getattr(error, "code", ""))
        message = error.user_message or "The payment provider refused the request."
        return ProviderError(f"Stripe: {message}", extra={"code": getattr(error, "code", None) or ""})
