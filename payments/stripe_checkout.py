"""The Stripe pay page's service: the PaymentIntent the Payment Element confirms.

The browser confirms the intent with Stripe.js, so the server only has to
hand the page an open intent's client secret. One intent serves every try at
paying an order: a declined card leaves it at ``requires_payment_method`` and
the shopper tries another card on the same intent (Stripe's advice), so a
reload or a decline creates nothing new. A new intent is created, with a fresh
idempotency key per attempt, only when the order has none still open.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from orders.models import Order
from payments.models import Payment
from payments.providers import base, get_provider
from payments.services import PaymentRefused, PaymentResult, _lock, _payment_apply, order_payable_error

PS = Payment.Status
PROVIDER = "stripe"
# Our statuses of a payment whose intent can still be confirmed in the browser.
REUSABLE = (PS.CREATED, PS.REQUIRES_ACTION, PS.FAILED)


@dataclass(frozen=True)
class PaymentElementStart:
    """What the pay page needs: the payment and its client secret, or the result if it is over."""

    payment: Payment
    client_secret: str = ""
    requires_action: bool = False
    created: bool = False  # a new intent was created for this page
    # Set when the intent had already succeeded at Stripe (the order is now paid, or refunded).
    result: PaymentResult | None = None


def payment_element_start(*, order: Order) -> PaymentElementStart:
    """Return the order's open Stripe payment with its client secret, creating one if needed.

    Raise ``PaymentRefused`` when the order cannot be paid (paid, cancelled or
    expired) and ``ProviderError`` when Stripe refuses.
    """
    reason = order_payable_error(order=order)
    if reason:
        raise PaymentRefused(reason)
    provider = get_provider(PROVIDER)
    payment = (
        Payment.objects.filter(order=order, provider=PROVIDER, status__in=REUSABLE)
        .order_by("-created_at", "-pk")
        .first()
    )
    if payment is not None:
        current = provider.retrieve_payment(payment_id=payment.provider_payment_id)
        if current.status in (base.CREATED, base.FAILED, base.REQUIRES_ACTION):
            return PaymentElementStart(
                payment=payment,
                client_secret=current.client_secret,
                requires_action=current.status == base.REQUIRES_ACTION,
            )
        # It moved on at Stripe before its webhook reached us: record that now.
        with transaction.atomic():
            result = _payment_apply(payment=_lock(payment.pk), provider_payment=current)
        if result.payment.status != PS.CANCELLED:
            return PaymentElementStart(payment=result.payment, result=result)
    key = f"pay-{order.number}-{uuid.uuid4()}"
    created = provider.create_payment(
        amount=order.total_amount, currency=order.currency, reference=order.number, idempotency_key=key
    )
    payment = Payment.objects.create(
        order=order,
        provider=PROVIDER,
        provider_payment_id=created.id,
        amount=order.total_amount,
        currency=order.currency,
        idempotency_key=key,
    )
    return PaymentElementStart(payment=payment, client_secret=created.client_secret, created=True)
