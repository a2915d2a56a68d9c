"""Celery tasks of ``payments``: thin wrappers around services, safe to run twice."""

from celery import shared_task

from payments.providers.sandbox import SIGNATURE_HEADER, sign
from payments.services import webhook_receive


@shared_task(bind=True, acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=8)
def sandbox_webhook_deliver_task(self, payload: str) -> None:
    """Deliver a sandbox event to our webhook intake, signed at delivery time.

    Like Stripe, every delivery attempt carries a fresh timestamp; the event
    id inside the payload makes a repeated delivery a no-op.
    """
    body = payload.encode()
    webhook_receive(provider_name="sandbox", payload=body, headers={SIGNATURE_HEADER: sign(body)})


@shared_task(acks_late=True)
def payout_run_task(period_end: str | None = None) -> dict:
    """Pay sellers for the week that ended last Sunday (or ``period_end``, ISO date); safe to repeat."""
    from datetime import date

    from django.utils import timezone

    from payments.payouts import payout_period_end_for, payout_run

    now = timezone.now()
    end = date.fromisoformat(period_end) if period_end else payout_period_end_for(now=now)
    summary = payout_run(period_end=end, now=now)
    return {
        "period_end": end.isoformat(),
        "paid": [payout.pk for payout in summary.paid],
        "failed": [payout.pk for payout in summary.failed],
        "already": [payout.pk for payout in summary.already],
        "skipped": [
            {"seller_id": s.seller_id, "reason": s.reason, "amount": str(s.amount)} for s in summary.skipped
        ],
    }


@shared_task(acks_late=True)
def payout_retry_task() -> list[int]:
    """Retry failed payouts with their own idempotency keys; return the ids now paid."""
    from django.utils import timezone

    from payments.payouts import payout_retry

    return [payout.pk for payout in payout_retry(now=timezone.now()) if payout.status == "paid"]


@shared_task(bind=True, acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def reconciliation_run_task(self) -> int:
    """Compare the provider's recent payments with our orders; return how many flags were opened."""
    from payments.reconciliation import reconciliation_run

    return len(reconciliation_run())
