"""Payments: take an order's payment, apply provider results and webhooks, refund.

The same function, ``_payment_apply``, records what the provider says about a
payment whether it comes back from confirming, from the shopper's return after
3-D Secure, or from a webhook, so fulfilment never depends on the shopper
reaching the success page. Applying a result twice, or out of order, changes
nothing the second time: ``order_mark_paid`` is idempotent per payment
reference, and a payment that succeeded never goes back to failed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from marketplace.core.errors import ApplicationError
from orders.lifecycle import OrderNotPayable
from orders.models import Order
from payments.fraud import card_fingerprint_for_number, order_screen_and_pay, payment_attempt_record
from payments.models import Payment, WebhookEvent
from payments.providers import base, get_provider
from payments.refunds import payment_refunded_total, refund_create

logger = logging.getLogger(__name__)

PS = Payment.Status
CAPTURED = (PS.SUCCEEDED, PS.PARTIALLY_REFUNDED)
OPEN = (PS.CREATED, PS.REQUIRES_ACTION)


class PaymentRefused(ApplicationError):
    """The order cannot take a payment (paid, cancelled or expired)."""


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    # Set when the payment succeeded but the order could not take it, so it was refunded.
    refunded_because: str = ""


def order_payable_error(*, order: Order, now=None) -> str:
    """Say why ``order`` cannot be paid now, or return "" when it can."""
    now = now or timezone.now()
    if order.status in (Order.Status.PAID, Order.Status.COMPLETED, Order.Status.ON_HOLD):
        return f"Order {order.number} is already paid."
    if order.status == Order.Status.CANCELLED:
        return f"Order {order.number} was cancelled, so it can no longer be paid."
    if order.reserved_until is not None and order.reserved_until < now:
        return (
            f"Order {order.number} was not paid in time: its items were held until "
            f"{date_format(timezone.localtime(order.reserved_until), 'N j, H:i')} and have been released. "
            "Add them to your cart again to order them."
        )
    return ""


def _lock(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().select_related("order").get(pk=payment_id)


def payment_start(*, order: Order, idempotency_key: str) -> Payment:
    """Create the payment of one attempt to pay ``order``; the same key, the same payment.

    The provider call is idempotent on the key, so a retried or doubled
    request creates one payment at the provider and one row here.
    """
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.order_id != order.pk:
            raise PaymentRefused("This payment attempt belongs to another order.")
        return existing
    reason = order_payable_error(order=order)
    if reason:
        raise PaymentRefused(reason)
    provider = get_provider()
    provider_payment = provider.create_payment(
        amount=order.total_amount,
        currency=order.currency,
        reference=order.number,
        idempotency_key=idempotency_key,
    )
    payment, _ = Payment.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "order": order,
            "provider": provider.name,
            "provider_payment_id": provider_payment.id,
            "amount": order.total_amount,
            "currency": order.currency,
        },
    )
    return payment


def payment_confirm(
    *,
    payment: Payment,
    payment_method: dict,
    return_url: str = "",
    ip_address: str | None = None,
    billing_country: str = "",
) -> PaymentResult:
    """Charge ``payment_method`` for ``payment`` and record the outcome.

    A payment already past ``created`` (a doubled submit) is returned as it
    is. An order that stopped being payable since the page was shown is
    refused (``PaymentRefused``) before anything is charged. The shopper's
    ``ip_address``, ``billing_country`` and (for a card number) the card's
    fingerprint are recorded for fraud screening.
    """
    with transaction.atomic():
        payment = _lock(payment.pk)
        if payment.status != PS.CREATED:
            return PaymentResult(payment)
        reason = order_payable_error(order=payment.order)
        if not reason:
            payment_attempt_record(
                payment=payment,
                ip_address=ip_address,
                card_fingerprint=card_fingerprint_for_number(payment_method.get("number", "")),
                billing_country=billing_country,
            )
            provider_payment = get_provider(payment.provider).confirm_payment(
                payment_id=payment.provider_payment_id, payment_method=payment_method, return_url=return_url
            )
            return _payment_apply(payment=payment, provider_payment=provider_payment)
        _payment_cancel_at_provider(payment)
    raise PaymentRefused(reason)


@transaction.atomic
def payment_sync(*, payment: Payment) -> PaymentResult:
    """Fetch the payment's state from the provider and record it (after 3-D Secure)."""
    payment = _lock(payment.pk)
    provider_payment = get_provider(payment.provider).retrieve_payment(payment_id=payment.provider_payment_id)
    return _payment_apply(payment=payment, provider_payment=provider_payment)


def _save(payment: Payment, *fields: str) -> None:
    payment.save(update_fields=[*fields, "updated_at"])


def _payment_apply(*, payment: Payment, provider_payment: base.ProviderPayment) -> PaymentResult:
    """Record the provider's view of a locked payment; mark the order paid on success."""
    status = provider_payment.status
    if status == base.SUCCEEDED:
        if payment.status in (*OPEN, PS.FAILED, PS.CANCELLED):
            payment.status = PS.SUCCEEDED
            payment.failure_code = payment.failure_message = payment.next_action_url = ""
            _save(payment, "status", "failure_code", "failure_message", "next_action_url")
        if payment.status == PS.SUCCEEDED:
            return PaymentResult(payment, refunded_because=_payment_fulfil(payment, provider_payment))
    elif status == base.FAILED and payment.status in OPEN:
        payment.status = PS.FAILED
        payment.failure_code = provider_payment.decline_code or provider_payment.failure_code
        payment.failure_message = provider_payment.failure_message
        payment.next_action_url = ""
        _save(payment, "status", "failure_code", "failure_message", "next_action_url")
    elif status == base.REQUIRES_ACTION and payment.status == PS.CREATED:
        payment.status = PS.REQUIRES_ACTION
        payment.next_action_url = provider_payment.next_action_url
        _save(payment, "status", "next_action_url")
    elif status == base.CANCELLED and payment.status in (*OPEN, PS.FAILED):
        payment.status = PS.CANCELLED
        _save(payment, "status")
    return PaymentResult(payment)


def _payment_fulfil(payment: Payment, provider_payment: base.ProviderPayment) -> str:
    """Screen the order, then mark it paid or hold it; if it cannot take the money, refund it and say why."""
    try:
        with transaction.atomic():
            order_screen_and_pay(
                payment=payment,
                card_fingerprint=provider_payment.card_fingerprint,
                card_country=provider_payment.card_country,
            )
    except OrderNotPayable as error:
        refund_create(
            payment=payment,
            amount=payment.amount - payment_refunded_total(payment=payment),
            reason=f"Not payable: {error.message}"[:300],
            actor=None,
            idempotency_key=f"unpayable-{payment.provider_payment_id}",
        )
        payment.refresh_from_db(fields=["status"])
        return error.message
    return ""


def _payment_cancel_at_provider(payment: Payment) -> None:
    """Cancel an open payment at the provider and here (its order went away)."""
    get_provider(payment.provider).cancel_payment(payment_id=payment.provider_payment_id)
    payment.status = PS.CANCELLED
    payment.next_action_url = ""
    _save(payment, "status", "next_action_url")


def webhook_receive(*, provider_name: str, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
    """Verify, store and process a provider webhook call, once per event id.

    Raise ``InvalidWebhook`` (nothing stored) when the signature, timestamp
    or body cannot be trusted. A replayed event id returns the stored event
    without processing it again.
    """
    provider = get_provider(provider_name)
    event = provider.parse_webhook(payload=payload, headers=headers)
    with transaction.atomic():
        stored, _ = WebhookEvent.objects.get_or_create(
            event_id=event.id, defaults={"provider": provider.name, "type": event.type, "payload": event.data}
        )
        stored = WebhookEvent.objects.select_for_update().get(pk=stored.pk)
        if stored.processed_at is not None:
            return stored
        _webhook_process(provider_name=provider.name, event=event)
        stored.processed_at = timezone.now()
        stored.save(update_fields=["processed_at"])
    return stored


def _webhook_process(*, provider_name: str, event: base.ProviderEvent) -> None:
    if event.payment is None:
        return
    payment = (
        Payment.objects.select_for_update()
        .select_related("order")
        .filter(provider=provider_name, provider_payment_id=event.payment.id)
        .first()
    )
    if payment is None:
        logger.warning("Webhook %s (%s) is about unknown payment %s", event.id, event.type, event.payment.id)
        return
    _payment_apply(payment=payment, provider_payment=event.payment)
