"""Stripe's webhooks: verified on the raw body, stored once per event id, applied idempotently.

``stripe_webhook_receive`` verifies the call (``StripeProvider.parse_webhook``:
the signature over the raw bytes and the tolerance window), stores the event
by its id, and handles it in the same transaction; a replay of a processed id
returns the stored row and changes nothing. Each handler maps the event onto
the services the sandbox uses, which are idempotent themselves, so events can
arrive in any order and any number of times:

* ``payment_intent.succeeded`` / ``payment_failed`` / ``canceled``: the intent
  is applied to its ``Payment`` like a confirmation (``services._payment_apply``:
  success marks the order paid once; a success never goes back to failed).
* ``charge.refunded``: the charge proves the payment succeeded (applied first,
  so an early refund event still finds a captured payment), then every refund
  of the charge is brought up to date by its Stripe id
  (``refund_sync_from_provider``), whether we made it or staff made it in
  Stripe's dashboard.
* ``refund.created`` / ``refund.updated`` / ``refund.failed`` and the older
  ``charge.refund.updated``: the refund in the event is brought up to date the
  same way: recorded if new, pending to succeeded, and a failure (``failed``
  or ``canceled``) corrected in full (``refund_fail``: the refund no longer
  counts, its ledger postings are reversed, staff are told). A status only
  moves forward, so a late or repeated event changes nothing.
* ``charge.dispute.created``: a ``Dispute`` row, once, and the durable
  ``dispute.created`` event (the ledger debits the sellers).

Any other type is stored and answered 200.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from marketplace.core import events
from orders.models import OrderEvent
from payments.models import Dispute, Payment, WebhookEvent
from payments.providers import base, get_provider
from payments.providers.base import ProviderEvent, ProviderRefund
from payments.providers.stripe_connect import connect_account_from_object
from payments.refunds import RefundRefused, refund_sync_from_provider
from payments.services import _webhook_process
from payments.stripe_connect import stripe_connect_account_sync

logger = logging.getLogger(__name__)

PROVIDER = "stripe"
DASHBOARD_REFUND_REASON = "Refunded in Stripe."


def stripe_webhook_receive(*, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
    """Verify, store and handle one Stripe webhook call, once per event id.

    Raise ``InvalidWebhook`` (nothing stored) when the signature, timestamp
    or body cannot be trusted. An error while handling rolls the stored row
    back too, so Stripe's retry of the event is handled afresh.
    """
    provider = get_provider(PROVIDER)
    event = provider.parse_webhook(payload=payload, headers=headers)
    with transaction.atomic():
        stored, _ = WebhookEvent.objects.get_or_create(
            event_id=event.id, defaults={"provider": PROVIDER, "type": event.type, "payload": event.data}
        )
        stored = WebhookEvent.objects.select_for_update().get(pk=stored.pk)
        if stored.processed_at is not None:
            return stored
        handler = HANDLERS.get(event.type)
        if handler is not None:
            handler(provider=provider, event=event)
        stored.processed_at = timezone.now()
        stored.save(update_fields=["processed_at"])
    return stored


def _object(event: ProviderEvent) -> dict:
    return event.data["data"]["object"]


def _payment_event(*, provider, event: ProviderEvent) -> None:
    """Apply a PaymentIntent event to its payment (success, decline or cancellation)."""
    if event.type == base.EVENT_PAYMENT_SUCCEEDED:
        # The fraud screen wants the card's fingerprint, which only the charge carries.
        event = replace(event, payment=provider.payment_with_card(intent=_object(event)))
    _webhook_process(provider_name=PROVIDER, event=event)


def _charge_refunded(*, provider, event: ProviderEvent) -> None:
    """Bring each refund of the charge up to date by its Stripe id (ours are found, not doubled)."""
    charge = _object(event)
    if event.payment is not None:
        _webhook_process(provider_name=PROVIDER, event=event)
    payment = _payment(event, charge.get("payment_intent"))
    if payment is None:
        return
    for refund in provider.charge_refunds(charge=charge):
        _refund_sync(event, payment, refund)


def _refund_changed(*, provider, event: ProviderEvent) -> None:
    """Bring the event's refund up to date (``refund.*``, ``charge.refund.updated``)."""
    refund = provider.refund_with_payment(refund=_object(event))
    payment = _payment(event, refund.payment_id)
    if payment is not None:
        _refund_sync(event, payment, refund)


def _payment(event: ProviderEvent, payment_id: str | None) -> Payment | None:
    payment = Payment.objects.filter(provider=PROVIDER, provider_payment_id=payment_id or "").first()
    if payment is None:
        logger.warning("Stripe event %s (%s) refunds unknown payment %s", event.id, event.type, payment_id)
    return payment


def _refund_sync(event: ProviderEvent, payment: Payment, refund: ProviderRefund) -> None:
    try:
        refund_sync_from_provider(payment=payment, provider_refund=refund, reason=DASHBOARD_REFUND_REASON)
    except RefundRefused as error:
        # Our records cannot take it (more than is left here): staff must look, Stripe must not retry.
        logger.error(
            "Stripe event %s: refund %s of %s not recorded: %s", event.id, refund.id, payment, error.message
        )


def _dispute_created(*, provider, event: ProviderEvent) -> None:
    provider_dispute = provider.dispute_from_object(_object(event))
    payment = (
        Payment.objects.select_for_update()
        .filter(provider=PROVIDER, provider_payment_id=provider_dispute.payment_id)
        .first()
    )
    if payment is None:
        logger.warning(
            "Stripe dispute %s is about unknown payment %s", provider_dispute.id, provider_dispute.payment_id
        )
        return
    dispute_open(payment=payment, provider_dispute=provider_dispute)


def dispute_open(*, payment: Payment, provider_dispute) -> Dispute:
    """Record a chargeback against ``payment`` once (by its provider id) and tell the ledger."""
    dispute, created = Dispute.objects.get_or_create(
        provider_dispute_id=provider_dispute.id,
        defaults={
            "payment": payment,
            "amount": provider_dispute.amount,
            "currency": provider_dispute.currency,
            "reason": provider_dispute.reason[:100],
        },
    )
    if created:
        OrderEvent.objects.create(
            order_id=payment.order_id,
            kind="dispute",
            message=f"The shopper's bank disputed {provider_dispute.amount} {provider_dispute.currency}"
            f" ({provider_dispute.reason or 'no reason given'}).",
            data={"dispute_id": dispute.pk, "provider_dispute_id": provider_dispute.id},
        )
        events.emit(
            "dispute.created",
            durable=True,
            dispute_id=dispute.pk,
            payment_id=payment.pk,
            order_id=payment.order_id,
            amount=dispute.amount,
        )
    return dispute


def _account_updated(*, provider, event: ProviderEvent) -> None:
    """A connected account changed at Stripe: payouts follow its ``payouts_enabled``."""
    stripe_connect_account_sync(account=connect_account_from_object(_object(event)))


HANDLERS: dict[str, Callable[..., None]] = {
    base.EVENT_PAYMENT_SUCCEEDED: _payment_event,
    base.EVENT_PAYMENT_FAILED: _payment_event,
    base.EVENT_PAYMENT_CANCELED: _payment_event,
    base.EVENT_CHARGE_REFUNDED: _charge_refunded,
    base.EVENT_CHARGE_REFUND_UPDATED: _refund_changed,
    base.EVENT_REFUND_CREATED: _refund_changed,
    base.EVENT_REFUND_UPDATED: _refund_changed,
    base.EVENT_REFUND_FAILED: _refund_changed,
    "charge.dispute.created": _dispute_created,
    "account.updated": _account_updated,
}
