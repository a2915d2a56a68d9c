"""Payouts: the hold after delivery, the minimum, missing accounts, failures, retries and re-runs."""

import logging
from datetime import date
from decimal import Decimal

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings

from marketplace.core.errors import ApplicationError
from payments.ledger import ledger_available, ledger_balance
from payments.models import LedgerEntry, Payout, SandboxTransfer, SellerPayoutAccount
from payments.payouts import (
    payout_cancel,
    payout_create,
    payout_period_end_for,
    payout_retry,
    payout_run,
)
from payments.providers.sandbox import SandboxProvider
from tests.accounts.factories import UserFactory
from tests.payments.ledger_data import at, day, deliver, dispatch, offer, paid_order, seller

pytestmark = pytest.mark.django_db

D = Decimal
PS = Payout.Status


@pytest.fixture
def shop(settings):
    """A seller at 10% with a sandbox payout account and one order delivered on Wed 4 March 2026.

    3 x $20.00 + $4.00 shipping = $64.00 credited, $6.00 commission: $58.00 owed.
    """
    settings.PAYOUT_HOLD_DAYS = 7
    settings.PAYOUT_MINIMUM = D("25.00")
    settings.SANDBOX_TRANSFERS_UNAVAILABLE = False
    merchant = seller(name="Merchant", commission_rate=D("0.1000"))
    SellerPayoutAccount.objects.create(seller=merchant, provider="sandbox", account_id="acct_sb_merchant")
    item = offer(seller=merchant, price="20.00")
    with at(day(2026, 3, 2)):
        order, _ = paid_order(user=UserFactory(), parts=[[(item, 3)]])
        dispatch()
    with at(day(2026, 3, 4)):
        deliver(order.seller_orders.get())
    return merchant, item


def run(period_end: date, hour_after: int = 6):
    """Run the payouts of the week ending ``period_end`` on the Monday after, at 06:00 UTC."""
    now = day(period_end.year, period_end.month, period_end.day + 1, hour_after)
    with at(now):
        return payout_run(period_end=period_end, now=now)


def test_nothing_is_paid_before_the_hold_after_delivery_has_passed(shop):
    merchant, _ = shop

    with at(day(2026, 3, 10, 23)):
        early = payout_run(period_end=date(2026, 3, 10), now=day(2026, 3, 10, 23))
    with at(day(2026, 3, 11, 23)):
        due = payout_run(period_end=date(2026, 3, 11), now=day(2026, 3, 11, 23))

    # Delivered on 4 March + 7 days: payable from 11 March.
    assert [(s.seller_id, s.reason) for s in early.skipped] == [(merchant.pk, "nothing available")]
    assert [(p.seller_id, p.amount, p.status) for p in due.paid] == [(merchant.pk, D("58.00"), PS.PAID)]
    assert ledger_balance(seller=merchant) == D("0.00")


def test_an_undelivered_order_is_held_however_old(shop):
    merchant, item = shop
    with at(day(2026, 3, 3)):
        paid_order(user=UserFactory(), parts=[[(item, 1)]])  # shipped never
        dispatch()

    summary = run(date(2026, 3, 29))

    assert [p.amount for p in summary.paid] == [D("58.00")]
    assert ledger_balance(seller=merchant) == D("22.00")  # 20.00 + 4.00 - 2.00, still held
    assert ledger_available(seller=merchant, now=day(2026, 3, 30, 7)) == D("0.00")


def test_a_payout_is_a_sandbox_transfer_to_the_sellers_account_with_a_ledger_debit(shop):
    merchant, _ = shop

    summary = run(date(2026, 3, 15))

    payout = summary.paid[0]
    transfer = SandboxTransfer.objects.get()
    assert (payout.provider_transfer_id, payout.attempts, payout.paid_at) == (
        transfer.transfer_id,
        1,
        day(2026, 3, 16, 6),
    )
    assert (transfer.account_id, transfer.amount_minor, transfer.currency, transfer.idempotency_key) == (
        "acct_sb_merchant",
        5800,
        "USD",
        f"payout-{merchant.pk}-2026-03-15",
    )
    debit = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PAYOUT)
    assert (debit.amount, debit.payout, debit.key) == (D("-58.00"), payout, f"payout:{payout.pk}")


def test_a_balance_below_the_minimum_is_skipped_and_reported(shop, settings):
    merchant, _ = shop
    settings.PAYOUT_MINIMUM = D("58.01")

    summary = run(date(2026, 3, 15))

    assert summary.paid == []
    assert [(s.seller_id, s.amount, s.reason) for s in summary.skipped] == [
        (merchant.pk, D("58.00"), "below the minimum payout of 58.01")
    ]
    assert not Payout.objects.exists()


def test_a_seller_without_a_payout_account_is_skipped_reported_and_logged(shop, caplog):
    merchant, _ = shop
    SellerPayoutAccount.objects.filter(seller=merchant).delete()

    with caplog.at_level(logging.WARNING, logger="payments.payouts"):
        summary = run(date(2026, 3, 15))

    assert [(s.seller_id, s.seller_name, s.amount, s.reason) for s in summary.skipped] == [
        (merchant.pk, "Merchant", D("58.00"), "no payout account")
    ]
    assert not Payout.objects.exists()
    assert ledger_balance(seller=merchant) == D("58.00")
    assert f"seller {merchant.pk}" in caplog.text and "no payout account" in caplog.text


def test_running_the_same_period_again_pays_nothing_more(shop):
    merchant, _ = shop
    first = run(date(2026, 3, 15))

    again = run(date(2026, 3, 15), hour_after=9)

    assert [p.pk for p in again.already] == [first.paid[0].pk]
    assert (again.paid, again.skipped) == ([], [])
    assert Payout.objects.count() == 1
    assert SandboxTransfer.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).count() == 1


def test_a_failed_transfer_is_retried_with_the_same_key_and_paid_once(shop, settings):
    merchant, _ = shop
    settings.SANDBOX_TRANSFERS_UNAVAILABLE = True

    failed = run(date(2026, 3, 15)).failed[0]

    assert (failed.status, failed.attempts) == (PS.FAILED, 1)
    assert failed.last_error == "The sandbox transfer service is unavailable; try again later."
    assert SandboxTransfer.objects.count() == 0
    # The debit stays: the money is earmarked for this payout, so next week's run cannot pay it again.
    assert ledger_balance(seller=merchant) == D("0.00")
    assert [s.reason for s in run(date(2026, 3, 22)).skipped] == ["nothing available"]

    with at(day(2026, 3, 16, 7)):
        assert [p.status for p in payout_retry(now=day(2026, 3, 16, 7))] == [PS.FAILED]
    settings.SANDBOX_TRANSFERS_UNAVAILABLE = False
    with at(day(2026, 3, 16, 8)):
        retried = payout_retry(now=day(2026, 3, 16, 8))
        assert payout_retry(now=day(2026, 3, 16, 9)) == []

    payout = Payout.objects.get()
    assert [p.pk for p in retried] == [payout.pk]
    assert (payout.status, payout.attempts, payout.last_error) == (PS.PAID, 3, "")
    transfer = SandboxTransfer.objects.get()
    assert (transfer.idempotency_key, transfer.amount_minor) == (payout.idempotency_key, 5800)
    assert payout.provider_transfer_id == transfer.transfer_id
    with pytest.raises(ApplicationError, match="only a failed one can be cancelled"):
        payout_cancel(payout=payout)


def test_the_provider_pays_a_key_once(shop):
    provider = SandboxProvider()
    kwargs = {"account_id": "acct_sb_x", "amount": D("10.00"), "currency": "USD", "idempotency_key": "k-1"}

    first, second = provider.transfer(**kwargs), provider.transfer(**kwargs)

    assert first == second
    assert SandboxTransfer.objects.count() == 1


def test_a_payout_whose_attempt_was_lost_is_retried_after_a_grace_period(shop):
    merchant, _ = shop
    with at(day(2026, 3, 16, 6)):
        payout = payout_create(seller=merchant, period_end=date(2026, 3, 15), now=day(2026, 3, 16, 6))
        # ... and the worker died before calling the provider.
        assert payout_retry(now=day(2026, 3, 16, 6)) == []
    with at(day(2026, 3, 16, 7)):
        retried = payout_retry(now=day(2026, 3, 16, 7))

    assert [(p.pk, p.status, p.attempts) for p in retried] == [(payout.pk, PS.PAID, 1)]


def test_a_cancelled_failed_payout_puts_the_amount_back_for_the_next_run(shop, settings):
    merchant, _ = shop
    settings.SANDBOX_TRANSFERS_UNAVAILABLE = True
    failed = run(date(2026, 3, 15)).failed[0]

    with at(day(2026, 3, 17)):
        cancelled = payout_cancel(payout=failed, reason="Account closed at the bank")
        payout_cancel(payout=failed)  # twice: nothing more
    settings.SANDBOX_TRANSFERS_UNAVAILABLE = False
    next_week = run(date(2026, 3, 22))

    assert cancelled.status == PS.CANCELLED
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ADJUSTMENT).get().amount == D("58.00")
    assert [(p.amount, p.period_end) for p in next_week.paid] == [(D("58.00"), date(2026, 3, 22))]
    assert payout_retry(now=day(2026, 3, 23, 8)) == []
    assert ledger_balance(seller=merchant) == D("0.00")
    assert SandboxTransfer.objects.count() == 1


def test_a_refund_after_a_payout_leaves_a_debt_recovered_from_the_next_sales(shop):
    from payments.models import Payment
    from payments.refunds import refund_create

    merchant, item = shop
    run(date(2026, 3, 15))
    payment = Payment.objects.get()
    with at(day(2026, 3, 17)):
        refund_create(payment=payment, amount=D("22.00"), reason="Late", actor=None, idempotency_key="late")
        dispatch()

    # Of the 22.00 refunded, 6.00 x 22.00 / 70.00 = 1.89 is tax: the seller is debited 20.11, and
    # the items in it, 60.00 x 20.11 / 64.00 = 18.85, give back 6.00 x 18.85 / 60.00 = 1.89.
    assert ledger_balance(seller=merchant) == D("-18.22")
    assert [s.reason for s in run(date(2026, 3, 22)).skipped] == ["nothing available"]


def test_the_weekly_run_is_scheduled_on_monday_at_six_utc_for_the_week_to_sunday():
    entry = django_settings.CELERY_BEAT_SCHEDULE["payments-payout-run"]

    assert entry["task"] == "payments.tasks.payout_run_task"
    assert entry["schedule"] == crontab(minute=0, hour=6, day_of_week="mon")
    assert payout_period_end_for(now=day(2026, 3, 16, 6)) == date(2026, 3, 15)
    assert payout_period_end_for(now=day(2026, 3, 18, 6)) == date(2026, 3, 15)
