"""Seller payouts: pay each seller what its ledger makes available, once per period.

``payout_run`` (weekly, Monday 06:00 UTC) creates at most one ``Payout`` per
seller and period (a unique constraint) together with its PAYOUT ledger
debit, in one transaction with the seller row locked, then asks the
provider for the transfer with the payout's idempotency key. A failed
transfer leaves the payout FAILED with its debit in place: the money is
earmarked for that payout, so no later run pays it again, and
``payout_retry`` tries the same transfer, with the same key, until it goes
through (the provider pays a key once). Staff may cancel a failed payout:
an ADJUSTMENT credit then puts the amount back into the balance for the
next run (ADR 0032).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from payments.ledger import ledger_available, ledger_available_by_seller
from payments.models import LedgerEntry, Payout, SellerPayoutAccount
from payments.providers import get_provider
from payments.providers.base import ProviderError
from sellers.models import Seller

logger = logging.getLogger(__name__)

PS = Payout.Status
# A payout still pending this long after its creation lost its transfer call (a crash): retry it.
PENDING_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class PayoutSkip:
    seller_id: int
    seller_name: str
    amount: Decimal
    reason: str


@dataclass
class PayoutRunSummary:
    period_end: date
    paid: list[Payout] = field(default_factory=list)
    failed: list[Payout] = field(default_factory=list)
    already: list[Payout] = field(default_factory=list)  # made by an earlier run of this period
    skipped: list[PayoutSkip] = field(default_factory=list)


def payout_minimum() -> Decimal:
    return Decimal(str(settings.PAYOUT_MINIMUM))


def payout_idempotency_key(*, seller_id: int, period_end: date) -> str:
    return f"payout-{seller_id}-{period_end.isoformat()}"


def payout_period_end_for(*, now: datetime) -> date:
    """The last Sunday before ``now``'s day: the end of the week being paid out."""
    today = now.astimezone(UTC).date()
    return today - timedelta(days=today.weekday() + 1)


def _skip_reason(seller: Seller, amount: Decimal) -> str:
    if amount <= 0:
        return "nothing available"
    if amount < payout_minimum():
        return f"below the minimum payout of {payout_minimum()}"
    account = getattr(seller, "payout_account", None)
    if account is None:
        return "no payout account"
    if not account.payouts_enabled:
        return "payouts are disabled on the payout account"
    if seller.status == Seller.Status.SUSPENDED:
        return "seller suspended"
    return ""


def payout_create(*, seller: Seller, period_end: date, now: datetime) -> Payout | None:
    """Create the seller's payout for the period with its PAYOUT debit; None if nothing is due.

    The seller row is locked, so two runs (of this period or another) cannot
    both count the same balance; an existing payout for the period is returned.
    """
    return _payout_create(seller=seller, period_end=period_end, now=now)[0]


@transaction.atomic
def _payout_create(*, seller: Seller, period_end: date, now: datetime) -> tuple[Payout | None, bool]:
    seller = Seller.objects.select_for_update().get(pk=seller.pk)
    existing = Payout.objects.filter(seller=seller, period_end=period_end).first()
    if existing is not None:
        return existing, False
    account = SellerPayoutAccount.objects.filter(seller=seller).first()
    cutoff = min(period_end, now.astimezone(UTC).date())
    amount = ledger_available(seller=seller, now=now, cutoff=cutoff)
    if account is None or amount < payout_minimum() or amount <= 0:
        return None, False
    currency = LedgerEntry.objects.filter(seller=seller).values_list("currency", flat=True).first() or "USD"
    payout = Payout.objects.create(
        seller=seller,
        period_end=period_end,
        amount=amount,
        currency=currency,
        provider=account.provider,
        account_id=account.account_id,
        idempotency_key=payout_idempotency_key(seller_id=seller.pk, period_end=period_end),
    )
    LedgerEntry.objects.create(
        seller=seller,
        kind=LedgerEntry.Kind.PAYOUT,
        amount=-amount,
        currency=currency,
        key=f"payout:{payout.pk}",
        payout=payout,
        description=f"Payout for the period ending {period_end.isoformat()}",
    )
    return payout, True


def payout_attempt(*, payout: Payout, now: datetime) -> Payout:
    """Ask the provider for the payout's transfer (same key every time); record the outcome.

    The payout row is locked while the provider is called (SKIP LOCKED: a
    concurrent attempt returns at once), and a paid or cancelled payout is
    left alone, so a payout is transferred once whatever the retries.
    """
    with transaction.atomic():
        # of=("self",) and no ordering: Payout's default ordering joins the seller, whose row a
        # concurrent payout_create holds; SKIP LOCKED would then skip this payout.
        locked = (
            Payout.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=payout.pk, status__in=[PS.PENDING, PS.FAILED])
            .order_by()
            .first()
        )
        if locked is None:
            return Payout.objects.get(pk=payout.pk)
        locked.attempts += 1
        try:
            transfer_id = get_provider(locked.provider or None).transfer(
                account_id=locked.account_id,
                amount=locked.amount,
                currency=locked.currency,
                idempotency_key=locked.idempotency_key,
            )
        except (ProviderError, NotImplementedError) as error:
            locked.status = PS.FAILED
            locked.last_error = str(getattr(error, "message", error))[:300]
            locked.save(update_fields=["status", "attempts", "last_error"])
            logger.warning(
                "Payout %s to seller %s failed (attempt %s): %s",
                locked.pk,
                locked.seller_id,
                locked.attempts,
                locked.last_error,
            )
        else:
            locked.status = PS.PAID
            locked.provider_transfer_id = transfer_id
            locked.paid_at = now
            locked.last_error = ""
            locked.save(update_fields=["status", "attempts", "last_error", "provider_transfer_id", "paid_at"])
    return locked


def payout_run(*, period_end: date, now: datetime) -> PayoutRunSummary:
    """Pay every seller what is available for the period ending on ``period_end``.

    Sellers with a payout for this period already are listed as ``already``
    and not paid again; sellers below ``PAYOUT_MINIMUM``, without a payout
    account (or with payouts disabled) or suspended are skipped and
    reported, with the amount they are owed.
    """
    summary = PayoutRunSummary(period_end=period_end)
    cutoff = min(period_end, now.astimezone(UTC).date())
    available = ledger_available_by_seller(cutoff=cutoff, now=now)
    existing = {payout.seller_id: payout for payout in Payout.objects.filter(period_end=period_end)}
    sellers = Seller.objects.filter(pk__in=available).select_related("payout_account").order_by("pk")
    for seller in sellers:
        if seller.pk in existing:
            summary.already.append(existing[seller.pk])
            continue
        amount = available[seller.pk]
        reason = _skip_reason(seller, amount)
        if reason:
            summary.skipped.append(PayoutSkip(seller.pk, seller.name, amount, reason))
            log = logger.warning if reason == "no payout account" else logger.info
            log("Payout for %s (seller %s, %s) skipped: %s", period_end, seller.pk, amount, reason)
            continue
        payout, created = _payout_create(seller=seller, period_end=period_end, now=now)
        if payout is None:  # another run paid it meanwhile
            summary.skipped.append(PayoutSkip(seller.pk, seller.name, amount, "nothing available"))
            continue
        if not created:
            summary.already.append(payout)
            continue
        payout = payout_attempt(payout=payout, now=now)
        (summary.paid if payout.status == PS.PAID else summary.failed).append(payout)
    logger.info(
        "Payout run for %s: %s paid, %s failed, %s already made, %s skipped",
        period_end,
        len(summary.paid),
        len(summary.failed),
        len(summary.already),
        len(summary.skipped),
    )
    return summary


def payout_retry(*, now: datetime) -> list[Payout]:
    """Retry failed payouts (and pending ones whose attempt was lost) with their own keys."""
    due = (
        Payout.objects.filter(status=PS.FAILED, attempts__lt=settings.PAYOUT_MAX_ATTEMPTS)
        | Payout.objects.filter(status=PS.PENDING, created_at__lt=now - PENDING_GRACE)
    ).order_by("pk")
    return [payout_attempt(payout=payout, now=now) for payout in due]


@transaction.atomic
def payout_cancel(*, payout: Payout, actor=None, reason: str = "") -> Payout:
    """Give up a failed payout: an ADJUSTMENT credit puts its amount back in the balance.

    Only a FAILED payout can be cancelled (check the provider first: a
    transfer that timed out may have gone through). Idempotent.
    """
    locked = Payout.objects.select_for_update(of=("self",)).order_by().get(pk=payout.pk)
    if locked.status == PS.CANCELLED:
        return locked
    if locked.status != PS.FAILED:
        raise ApplicationError(
            f"Payout {locked.pk} is {locked.get_status_display().lower()}; "
            "only a failed one can be cancelled."
        )
    locked.status = PS.CANCELLED
    locked.last_error = (reason or locked.last_error)[:300]
    locked.save(update_fields=["status", "last_error"])
    audit_record(
        action="payout.cancelled",
        target=locked,
        before={"status": PS.FAILED},
        after={"status": PS.CANCELLED, "amount": locked.amount, "currency": locked.currency},
        reason=reason,
        actor=actor,
    )
    who = getattr(actor, "email", "") or "staff"
    LedgerEntry.objects.create(
        seller_id=locked.seller_id,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        amount=locked.amount,
        currency=locked.currency,
        key=f"payout-cancelled:{locked.pk}",
        payout=locked,
        description=f"Payout {locked.pk} cancelled by {who}; amount back in the balance"[:300],
    )
    return locked
