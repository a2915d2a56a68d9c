"""Reconciliation: compare the provider's payments with our orders and flag mismatches.

``reconciliation_run`` (hourly, ``payments.tasks.reconciliation_run_task``)
lists the payments created at the provider in the last
``settings.RECONCILIATION_WINDOW_HOURS`` and our orders placed in that window,
and opens a ``ReconciliationFlag`` for each case staff must look at:

* ``payment_without_order``: the provider captured money (not fully refunded)
  but no order took it: no payment row of ours, or its order is not paid,
  held or completed;
* ``order_without_payment``: an order is paid, held or completed but no
  payment of ours captured it, or the provider does not say it succeeded;
* ``amount_mismatch``: the provider captured a different amount than the
  order's total.

Payments younger than ``settings.RECONCILIATION_GRACE_MINUTES`` are left for
the next run (their webhooks may still be on the way). A case has at most
one open flag: a run that finds it again changes nothing; once staff resolve
it, a later run may open a new flag if the mismatch is still there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from orders.models import Order
from payments.models import Payment, ReconciliationFlag
from payments.providers import base, get_provider
from payments.providers.base import ProviderPayment

Kind = ReconciliationFlag.Kind
OS = Order.Status
# Orders that took the money (held orders too: captured, waiting for review).
ORDER_TOOK_PAYMENT = (OS.PAID, OS.ON_HOLD, OS.COMPLETED)
CAPTURED = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)
# Serialises runs so two never open the same flag (flags without an order are not unique in the table).
_LOCK_KEY = 0x7265636F6E  # "recon"


@dataclass(frozen=True)
class Mismatch:
    kind: str
    provider_payment_id: str = ""
    order: Order | None = None
    details: dict | None = None


def _payment_mismatches(provider_payments: list[ProviderPayment], ours: dict[str, Payment]) -> list[Mismatch]:
    found = []
    for provider_payment in provider_payments:
        if provider_payment.status != base.SUCCEEDED:
            continue
        if provider_payment.amount_refunded >= provider_payment.amount:
            continue
        payment = ours.get(provider_payment.id)
        order = payment.order if payment is not None else None
        details = {
            "amount": str(provider_payment.amount),
            "currency": provider_payment.currency,
            "amount_refunded": str(provider_payment.amount_refunded),
            "reference": provider_payment.reference,
        }
        if order is None or order.status not in ORDER_TOOK_PAYMENT:
            details["order_status"] = order.status if order is not None else ""
            found.append(Mismatch(Kind.PAYMENT_WITHOUT_ORDER, provider_payment.id, order, details))
        elif provider_payment.amount != order.total_amount or provider_payment.currency != order.currency:
            details |= {"order_total": str(order.total_amount), "order_currency": order.currency}
            found.append(Mismatch(Kind.AMOUNT_MISMATCH, provider_payment.id, order, details))
    return found


def _order_mismatches(*, since: datetime, until: datetime, provider_status: dict[str, str]) -> list[Mismatch]:
    captured = Payment.objects.filter(order=OuterRef("pk"), status__in=CAPTURED)
    orders = (
        Order.objects.filter(status__in=ORDER_TOOK_PAYMENT, placed_at__gte=since, placed_at__lt=until)
        .annotate(has_capture=Exists(captured))
        .prefetch_related("payments")
        .order_by("pk")
    )
    found = []
    for order in orders:
        if not order.has_capture:
            found.append(Mismatch(Kind.ORDER_WITHOUT_PAYMENT, "", order, {"reason": "no captured payment"}))
            continue
        # Our row says captured: the provider must agree for every payment it listed.
        for payment in order.payments.all():
            listed = provider_status.get(payment.provider_payment_id)
            if payment.status in CAPTURED and listed is not None and listed != base.SUCCEEDED:
                found.append(
                    Mismatch(
                        Kind.ORDER_WITHOUT_PAYMENT,
                        payment.provider_payment_id,
                        order,
                        {"reason": f"the provider says the payment is {listed}"},
                    )
                )
    return found


def reconciliation_mismatches(*, now: datetime | None = None) -> list[Mismatch]:
    """Compare the provider's recent payments with our orders; return what does not match."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.RECONCILIATION_WINDOW_HOURS)
    until = now - timedelta(minutes=settings.RECONCILIATION_GRACE_MINUTES)
    provider = get_provider()
    listed = provider.list_payments(created_since=since)
    ours = {
        payment.provider_payment_id: payment
        for payment in Payment.objects.filter(
            provider=provider.name, provider_payment_id__in=[p.id for p in listed]
        ).select_related("order")
    }
    # Leave payments created during the grace period for the next run.
    settled = [p for p in listed if p.id not in ours or ours[p.id].created_at < until]
    return [
        *_payment_mismatches(settled, ours),
        *_order_mismatches(since=since, until=until, provider_status={p.id: p.status for p in listed}),
    ]


@transaction.atomic
def reconciliation_run(*, now: datetime | None = None) -> list[ReconciliationFlag]:
    """Flag every mismatch that has no open flag yet; return the flags opened."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    open_cases = set(
        ReconciliationFlag.objects.filter(resolved_at__isnull=True).values_list(
            "kind", "provider_payment_id", "order_id"
        )
    )
    opened = []
    for mismatch in reconciliation_mismatches(now=now):
        case = (mismatch.kind, mismatch.provider_payment_id, mismatch.order.pk if mismatch.order else None)
        if case not in open_cases:
            open_cases.add(case)
            opened.append(
                ReconciliationFlag.objects.create(
                    kind=mismatch.kind,
                    provider_payment_id=mismatch.provider_payment_id,
                    order=mismatch.order,
                    details=mismatch.details or {},
                )
            )
    return opened


def reconciliation_flag_resolve(*, flags, now: datetime | None = None) -> int:
    """Mark open flags resolved; return how many were."""
    return ReconciliationFlag.objects.filter(
        pk__in=[flag.pk for flag in flags], resolved_at__isnull=True
    ).update(resolved_at=now or timezone.now())
