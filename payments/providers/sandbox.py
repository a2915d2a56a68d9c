"""The sandbox provider: Stripe's test mode, kept in our own database.

Test cards (any future expiry, any 3- or 4-digit CVC):

==================== ==============================================
4242 4242 4242 4242  succeeds
4000 0000 0000 0002  declined (card_declined / generic_decline)
4000 0000 0000 9995  declined (card_declined / insufficient_funds)
4000 0025 0000 3155  asks for 3-D Secure: the sandbox bank page
==================== ==============================================

Any other number that passes the Luhn check is declined, as Stripe's test
mode declines real cards. After a confirmation the sandbox signs a webhook
event the way Stripe does (``Sandbox-Signature: t=<unix time>,v1=<hex
HMAC-SHA256 of "t.body">``) and delivers it after commit through a Celery task
that hands the raw bytes to ``payments.services.webhook_receive``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from payments.models import SandboxPayment, SandboxRefund, SandboxTransfer

from . import base, payloads
from .base import (
    InvalidWebhook,
    PaymentProvider,
    ProviderError,
    ProviderEvent,
    ProviderPayment,
    ProviderRefund,
)

SIGNATURE_HEADER = "Sandbox-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class TestCard:
    number: str
    outcome: str  # "succeeds", "declines" or "authenticates"
    decline_code: str = ""
    message: str = ""
    description: str = ""


TEST_CARDS = (
    TestCard("4242424242424242", "succeeds", description="Succeeds"),
    TestCard(
        "4000000000000002",
        "declines",
        "generic_decline",
        "Your card was declined.",
        description="Declined (generic decline)",
    ),
    TestCard(
        "4000000000009995",
        "declines",
        "insufficient_funds",
        "Your card has insufficient funds.",
        description="Declined (insufficient funds)",
    ),
    TestCard("4000002500003155", "authenticates", description="Asks for 3-D Secure authentication"),
)
_CARDS_BY_NUMBER = {card.number: card for card in TEST_CARDS}

# What confirm, authenticate and the decline paths change.
_CHANGED_FIELDS = [
    "status",
    "error_code",
    "decline_code",
    "error_message",
    "card_last4",
    "return_url",
    "updated_at",
]

_STATUS = {
    SandboxPayment.Status.REQUIRES_ACTION: base.REQUIRES_ACTION,
    SandboxPayment.Status.SUCCEEDED: base.SUCCEEDED,
    SandboxPayment.Status.CANCELED: base.CANCELLED,
}


@dataclass(frozen=True)
class CardError:
    code: str
    message: str
    decline_code: str = ""


def luhn_valid(number: str) -> bool:
    """Return whether ``number`` (digits only) passes the Luhn checksum."""
    if not number.isdigit():
        return False
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_error(card: Mapping, *, today) -> CardError | None:
    """Check a card as a card network would before trying to charge it."""
    number = "".join(str(card.get("number", "")).split())
    if not (12 <= len(number) <= 19) or not luhn_valid(number):
        return CardError("incorrect_number", "Your card number is incorrect.")
    try:
        month, year = int(card.get("exp_month")), int(card.get("exp_year"))
    except (TypeError, ValueError):
        return CardError("invalid_expiry_month", "Your card's expiration date is incomplete.")
    if not 1 <= month <= 12:
        return CardError("invalid_expiry_month", "Your card's expiration month is invalid.")
    year = year + 2000 if year < 100 else year
    if (year, month) < (today.year, today.month):
        return CardError("expired_card", "Your card has expired.")
    if year > today.year + 50:
        return CardError("invalid_expiry_year", "Your card's expiration year is invalid.")
    cvc = str(card.get("cvc", "")).strip()
    if not (cvc.isdigit() and 3 <= len(cvc) <= 4):
        return CardError("invalid_cvc", "Your card's security code is invalid.")
    test_card = _CARDS_BY_NUMBER.get(number)
    if test_card is None:
        return CardError(
            "card_declined",
            "Your card was declined. The sandbox accepts only its test cards.",
            "test_mode_live_card",
        )
    if test_card.outcome == "declines":
        return CardError("card_declined", test_card.message, test_card.decline_code)
    return None


def webhook_secret() -> str:
    """The key sandbox events are signed with (derived from SECRET_KEY if unset)."""
    if settings.SANDBOX_WEBHOOK_SECRET:
        return settings.SANDBOX_WEBHOOK_SECRET
    return hmac.new(settings.SECRET_KEY.encode(), b"sandbox-webhook", hashlib.sha256).hexdigest()


def sign(payload: bytes, *, timestamp: int | None = None, secret: str | None = None) -> str:
    """Return the signature header value for ``payload``: ``t=...,v1=...``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new((secret or webhook_secret()).encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _verify(payload: bytes, header: str, *, now: float) -> None:
    parts = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise InvalidWebhook("The webhook signature has no timestamp.") from None
    if abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        raise InvalidWebhook("The webhook timestamp is outside the tolerance.")
    expected = sign(payload, timestamp=timestamp).partition(",v1=")[2]
    if not any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", [])):
        raise InvalidWebhook("The webhook signature does not match.")


class SandboxProvider(PaymentProvider):
    name = "sandbox"
    test_cards = TEST_CARDS

    # -- the interface -----------------------------------------------------

    @transaction.atomic
    def create_payment(self, *, amount: Decimal, currency: str, reference: str, idempotency_key: str):
        amount_minor = base.to_minor_units(amount, currency)
        payment_id = f"pi_sb_{secrets.token_hex(12)}"
        sandbox_payment, created = SandboxPayment.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "payment_id": payment_id,
                "client_secret": f"{payment_id}_secret_{secrets.token_urlsafe(18)}",
                "amount_minor": amount_minor,
                "currency": currency.upper(),
                "reference": reference,
            },
        )
        if not created and (
            sandbox_payment.amount_minor,
            sandbox_payment.currency,
            sandbox_payment.reference,
        ) != (
            amount_minor,
            currency.upper(),
            reference,
        ):
            raise ProviderError("This idempotency key was used with different parameters.")
        return self._provider_payment(sandbox_payment)

    @transaction.atomic
    def confirm_payment(
        self, *, payment_id: str, payment_method: dict, return_url: str = "", idempotency_key: str = ""
    ):
        # No key is stored: the sandbox runs in our database, in the caller's transaction,
        # so there is no lost answer to replay, and a confirmed payment refuses a second try.
        sandbox_payment = self._lock(payment_id)
        if sandbox_payment.status != SandboxPayment.Status.REQUIRES_PAYMENT_METHOD:
            raise ProviderError(f"This payment cannot be confirmed: it is {sandbox_payment.status}.")
        error = _card_error(payment_method, today=timezone.localdate())
        number = "".join(str(payment_method.get("number", "")).split())
        sandbox_payment.card_last4 = number[-4:] if number.isdigit() else ""
        sandbox_payment.return_url = return_url
        if error is not None:
            self._fail(sandbox_payment, error)
        elif _CARDS_BY_NUMBER[number].outcome == "authenticates":
            sandbox_payment.status = SandboxPayment.Status.REQUIRES_ACTION
            self._clear_error(sandbox_payment)
            sandbox_payment.save(update_fields=_CHANGED_FIELDS)
        else:
            self._succeed(sandbox_payment)
        return self._provider_payment(sandbox_payment)

    def retrieve_payment(self, *, payment_id: str):
        return self._provider_payment(self._get(payment_id))

    @transaction.atomic
    def cancel_payment(self, *, payment_id: str, idempotency_key: str = ""):
        sandbox_payment = self._lock(payment_id)
        if sandbox_payment.status == SandboxPayment.Status.SUCCEEDED:
            raise ProviderError("A payment that succeeded cannot be cancelled; refund it instead.")
        if sandbox_payment.status != SandboxPayment.Status.CANCELED:
            sandbox_payment.status = SandboxPayment.Status.CANCELED
            sandbox_payment.save(update_fields=["status", "updated_at"])
            self._emit(base.EVENT_PAYMENT_CANCELED, sandbox_payment)
        return self._provider_payment(sandbox_payment)

    @transaction.atomic
    def refund(self, *, payment_id: str, amount: Decimal, idempotency_key: str):
        sandbox_payment = self._lock(payment_id)
        existing = SandboxRefund.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return self._provider_refund(existing, sandbox_payment)
        if sandbox_payment.status != SandboxPayment.Status.SUCCEEDED:
            raise ProviderError("Only a payment that succeeded can be refunded.")
        amount_minor = base.to_minor_units(amount, sandbox_payment.currency)
        already = sum(
            refund.amount_minor
            for refund in sandbox_payment.refunds.all()
            if refund.status != SandboxRefund.Status.FAILED
        )
        if amount_minor <= 0 or already + amount_minor > sandbox_payment.amount_minor:
            raise ProviderError("The refund is more than what is left of the payment.")
        refund = SandboxRefund.objects.create(
            refund_id=f"re_sb_{secrets.token_hex(12)}",
            payment=sandbox_payment,
            amount_minor=amount_minor,
            idempotency_key=idempotency_key,
        )
        return self._provider_refund(refund, sandbox_payment)

    @transaction.atomic
    def refund_fail(self, *, refund_id: str, failure_reason: str = "declined") -> ProviderRefund:
        """Make a refund fail at the sandbox, as a card network sometimes does days later.

        Its amount can be refunded again. The sandbox sends no webhook for it:
        tell our side with ``payments.refunds.refund_fail`` (tests, demos).
        """
        refund = SandboxRefund.objects.select_for_update().select_related("payment").get(refund_id=refund_id)
        if refund.status != SandboxRefund.Status.FAILED:
            refund.status = SandboxRefund.Status.FAILED
            refund.failure_reason = failure_reason[:100]
            refund.save(update_fields=["status", "failure_reason"])
        return self._provider_refund(refund, refund.payment)

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        lowered = {key.lower(): value for key, value in headers.items()}
        header = lowered.get(SIGNATURE_HEADER.lower())
        if not header:
            raise InvalidWebhook("The webhook call is not signed.")
        _verify(payload, header, now=time.time())
        envelope = payloads.event_envelope(payload, not_an_event="The webhook body is not an event.")
        payment = None
        if envelope.object.data.get("object") == "payment_intent":
            payment = self._payment_from_object(envelope.object)
        return ProviderEvent(id=envelope.id, type=envelope.type, data=envelope.data, payment=payment)

    def list_payments(self, *, created_since) -> list[ProviderPayment]:
        payments = (
            SandboxPayment.objects.filter(created_at__gte=created_since)
            .annotate(
                refunded_minor=Sum(
                    "refunds__amount_minor", filter=~Q(refunds__status=SandboxRefund.Status.FAILED)
                )
            )
            .order_by("created_at", "pk")
        )
        return [
            replace(
                self._provider_payment(sandbox_payment),
                amount_refunded=base.from_minor_units(
                    sandbox_payment.refunded_minor or 0, sandbox_payment.currency
                ),
            )
            for sandbox_payment in payments
        ]

    @transaction.atomic
    def transfer(self, *, account_id: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        """Record a transfer to a sandbox account; the same key, the same transfer.

        With ``settings.SANDBOX_TRANSFERS_UNAVAILABLE`` the service is "down":
        nothing is recorded and ``ProviderError`` is raised, as after a timeout.
        """
        if getattr(settings, "SANDBOX_TRANSFERS_UNAVAILABLE", False):
            raise ProviderError("The sandbox transfer service is unavailable; try again later.")
        amount_minor = base.to_minor_units(amount, currency)
        if amount_minor <= 0:
            raise ProviderError("A transfer must be of a positive amount.")
        transfer, created = SandboxTransfer.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "transfer_id": f"tr_sb_{secrets.token_hex(12)}",
                "account_id": account_id,
                "amount_minor": amount_minor,
                "currency": currency.upper(),
            },
        )
        if not created and (transfer.account_id, transfer.amount_minor, transfer.currency) != (
            account_id,
            amount_minor,
            currency.upper(),
        ):
            raise ProviderError("This idempotency key was used with different parameters.")
        return transfer.transfer_id

    # -- the sandbox bank's 3-D Secure page ---------------------------------

    @transaction.atomic
    def authenticate(self, *, payment_id: str, succeed: bool) -> ProviderPayment:
        """Complete or fail the 3-D Secure step of a payment (the shopper's click)."""
        sandbox_payment = self._lock(payment_id)
        if sandbox_payment.status == SandboxPayment.Status.REQUIRES_ACTION:
            if succeed:
                self._succeed(sandbox_payment)
            else:
                self._fail(
                    sandbox_payment,
                    CardError(
                        "payment_intent_authentication_failure",
                        "Your bank could not authenticate this payment. Try again or use another card.",
                    ),
                )
        return self._provider_payment(sandbox_payment)

    def get_payment_for_authentication(self, *, payment_id: str) -> SandboxPayment | None:
        return SandboxPayment.objects.filter(payment_id=payment_id).first()

    def return_url(self, *, payment_id: str) -> str:
        return self._get(payment_id).return_url

    # -- helpers -------------------------------------------------------------

    def _get(self, payment_id: str) -> SandboxPayment:
        try:
            return SandboxPayment.objects.get(payment_id=payment_id)
        except SandboxPayment.DoesNotExist:
            raise ProviderError(f"No such payment: {payment_id}.") from None

    def _lock(self, payment_id: str) -> SandboxPayment:
        try:
            return SandboxPayment.objects.select_for_update().get(payment_id=payment_id)
        except SandboxPayment.DoesNotExist:
            raise ProviderError(f"No such payment: {payment_id}.") from None

    @staticmethod
    def _clear_error(sandbox_payment: SandboxPayment) -> None:
        sandbox_payment.error_code = sandbox_payment.decline_code = sandbox_payment.error_message = ""

    def _succeed(self, sandbox_payment: SandboxPayment) -> None:
        sandbox_payment.status = SandboxPayment.Status.SUCCEEDED
        self._clear_error(sandbox_payment)
        sandbox_payment.save(update_fields=_CHANGED_FIELDS)
        self._emit(base.EVENT_PAYMENT_SUCCEEDED, sandbox_payment)

    def _fail(self, sandbox_payment: SandboxPayment, error: CardError) -> None:
        sandbox_payment.status = SandboxPayment.Status.REQUIRES_PAYMENT_METHOD
        sandbox_payment.error_code = error.code
        sandbox_payment.decline_code = error.decline_code
        sandbox_payment.error_message = error.message
        sandbox_payment.save(update_fields=_CHANGED_FIELDS)
        self._emit(base.EVENT_PAYMENT_FAILED, sandbox_payment)

    def _object(self, sandbox_payment: SandboxPayment) -> dict:
        error = None
        if sandbox_payment.error_code:
            error = {
                "code": sandbox_payment.error_code,
                "decline_code": sandbox_payment.decline_code or None,
                "message": sandbox_payment.error_message,
            }
        return {
            "id": sandbox_payment.payment_id,
            "object": "payment_intent",
            "amount": sandbox_payment.amount_minor,
            "currency": sandbox_payment.currency.lower(),
            "status": sandbox_payment.status,
            "metadata": {"reference": sandbox_payment.reference},
            "last_payment_error": error,
        }

    def event_payload(self, *, event_type: str, payment_id: str, event_id: str = "") -> bytes:
        """Return the JSON body of an event about a payment, as the sandbox sends it."""
        event = {
            "id": event_id or f"evt_sb_{secrets.token_hex(12)}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": self._object(self._get(payment_id))},
        }
        return json.dumps(event, sort_keys=True).encode()

    def _emit(self, event_type: str, sandbox_payment: SandboxPayment) -> None:
        """Deliver a signed event to our webhook intake after this commits."""
        from payments.tasks import sandbox_webhook_deliver_task

        payload = self.event_payload(event_type=event_type, payment_id=sandbox_payment.payment_id)
        sandbox_webhook_deliver_task.delay_on_commit(payload.decode())

    def _payment_from_object(self, obj: dict | payloads.Reader) -> ProviderPayment:
        """Map a payment intent's JSON (``payloads`` checks every field it reads)."""
        intent = obj if isinstance(obj, payloads.Reader) else payloads.Reader(obj, kind="sandbox payment")
        status = intent.text("status", max_length=30, choices=SandboxPayment.Status.values)
        error = intent.obj("last_payment_error")
        if status == SandboxPayment.Status.REQUIRES_PAYMENT_METHOD:
            status = base.FAILED if error.data else base.CREATED
        else:
            status = _STATUS[status]
        payment_id = intent.identifier("id")
        currency = intent.currency()
        amount = base.from_minor_units(intent.minor_amount("amount"), currency)
        next_action_url = ""
        if status == base.REQUIRES_ACTION:
            next_action_url = reverse("payments:sandbox-authenticate", kwargs={"payment_id": payment_id})
        return ProviderPayment(
            id=payment_id,
            status=status,
            amount=amount,
            currency=currency,
            client_secret=intent.text("client_secret", required=False, max_length=80),
            next_action_url=next_action_url,
            failure_code=error.text("code", required=False, max_length=60),
            decline_code=error.text("decline_code", required=False, max_length=60),
            failure_message=error.text("message", required=False, max_length=300, cut=True),
            reference=intent.obj("metadata").text("reference", required=False, max_length=40),
        )

    def _provider_payment(self, sandbox_payment: SandboxPayment) -> ProviderPayment:
        obj = self._object(sandbox_payment)
        obj["client_secret"] = sandbox_payment.client_secret
        return self._payment_from_object(obj)

    @staticmethod
    def _provider_refund(refund: SandboxRefund, sandbox_payment: SandboxPayment) -> ProviderRefund:
        failed = refund.status == SandboxRefund.Status.FAILED
        return ProviderRefund(
            id=refund.refund_id,
            status=base.REFUND_FAILED if failed else base.REFUND_SUCCEEDED,
            amount=base.from_minor_units(refund.amount_minor, sandbox_payment.currency),
            currency=sandbox_payment.currency,
            payment_id=sandbox_payment.payment_id,
            failure_reason=refund.failure_reason,
        )
