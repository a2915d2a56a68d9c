"""The payouts the weekly run would have made over the demo's past, so balances and statements read true.

The past orders credit each seller's ledger (sales less commission) over two
years. Left alone, every seller would be owed two years of sales at once.
So, for each seller with a payout account (the approved sellers with sales
get a sandbox one), this replays ``payments.payouts.payout_run`` for every
Monday 06:00 UTC since its first sale, by the same rule
(``payments.ledger.ledger_available_by_seller``): entries written by the run,
a seller order's entries counted once it was delivered ``PAYOUT_HOLD_DAYS``
before the period's end (its debts at once), entries of no seller order when
written (credits by the end of the period), at least ``PAYOUT_MINIMUM``.
Each payout is PAID, with its PAYOUT ledger debit and the sandbox transfer,
as ``payout_create`` and ``payout_attempt`` write them. Periods after a
seller's latest payout only: a second seed (or a real run) is never repeated.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max, Min

from marketplace.demo.reviews.copy import Table, ids_take
from orders.models import OrderEvent
from payments.ledger import hold_days
from payments.ledger.balances import SETTLED_STATUSES
from payments.models import LedgerEntry, Payout, SandboxTransfer, SellerPayoutAccount
from payments.payouts import payout_idempotency_key, payout_minimum, payout_period_end_for
from sellers.models import Seller

ZERO = Decimal("0.00")
WEEK = timedelta(days=7)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _run_at(period_end: date) -> datetime:
    return datetime.combine(period_end + timedelta(days=1), time(6, 0), tzinfo=UTC)


def payout_accounts_ensure(*, now: datetime) -> int:
    """Give each approved seller with ledger entries and no payout account a sandbox one; return how many."""
    sellers = Seller.objects.filter(
        status=Seller.Status.APPROVED, payout_account__isnull=True, ledger_entries__isnull=False
    ).distinct()
    accounts = [
        SellerPayoutAccount(seller=seller, provider="sandbox", account_id=f"acct_demo_{seller.slug}")
        for seller in sellers.only("pk", "slug")
    ]
    return len(SellerPayoutAccount.objects.bulk_create(accounts))


def _periods(first: datetime, now: datetime) -> list[date]:
    """Every Sunday from the one on or after ``first`` to the last whose run is over by ``now``."""
    last = payout_period_end_for(now=now)
    if _run_at(last) > now:
        last -= WEEK
    day = first.astimezone(UTC).date()
    start = day + timedelta(days=(6 - day.weekday()) % 7)
    return [start + WEEK * n for n in range(max(0, (last - start).days // 7 + 1))]


def _totals(seller_entries, settled: dict[int, datetime], periods: list[date]) -> list[Decimal]:
    """What the run of each period would find available, before this replay's own payouts."""
    runs = [_run_at(p) for p in periods]
    settles = [_day_start(p - timedelta(days=hold_days()) + timedelta(days=1)) for p in periods]
    ends = [_day_start(p + timedelta(days=1)) for p in periods]
    delta = [ZERO] * (len(periods) + 1)
    by_order = defaultdict(list)
    for seller_order_id, amount, created_at in seller_entries:
        if seller_order_id is None:  # debits count once written, credits once their period is over
            at = bisect.bisect_left(runs, created_at) if amount < 0 else bisect.bisect_right(ends, created_at)
            delta[at] += amount
        else:
            by_order[seller_order_id].append((bisect.bisect_left(runs, created_at), amount))
    for seller_order_id, entries in by_order.items():
        at_settle = (
            bisect.bisect_right(settles, settled[seller_order_id]) if seller_order_id in settled else None
        )
        points = sorted({at for at, _ in entries} | ({at_settle} if at_settle is not None else set()))
        before = ZERO
        for point in points:
            written = sum((amount for at, amount in entries if at <= point), start=ZERO)
            counted = written if at_settle is not None and point >= at_settle else min(written, ZERO)
            delta[point] += counted - before
            before = counted
    totals, running = [], ZERO
    for change in delta[: len(periods)]:
        running += change
        totals.append(running)
    return totals


def _token(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def payouts_replay(*, now: datetime) -> int:
    """Write the weekly payouts the run would have made since each seller's first sale; return how many."""
    accounts = {
        a.seller_id: a
        for a in SellerPayoutAccount.objects.filter(
            payouts_enabled=True, seller__status=Seller.Status.APPROVED
        )
    }
    if not accounts:
        return 0
    latest = dict(
        Payout.objects.filter(seller_id__in=accounts)
        .values("seller_id")
        .annotate(last=Max("period_end"))
        .values_list("seller_id", "last")
    )
    firsts = dict(
        LedgerEntry.objects.filter(seller_id__in=accounts)
        .values("seller_id")
        .annotate(first=Min("created_at"))
        .values_list("seller_id", "first")
    )
    entries = defaultdict(list)
    for seller_id, *entry in LedgerEntry.objects.filter(seller_id__in=firsts).values_list(
        "seller_id", "seller_order_id", "amount", "created_at"
    ):
        entries[seller_id].append(entry)
    settled = dict(
        OrderEvent.objects.filter(seller_order__seller_id__in=firsts, to_status__in=SETTLED_STATUSES)
        .values("seller_order_id")
        .annotate(at=Min("created_at"))
        .values_list("seller_order_id", "at")
    )
    planned = []
    for seller_id in sorted(firsts):
        periods = _periods(firsts[seller_id], now)
        paid = ZERO
        for period_end, available in zip(periods, _totals(entries[seller_id], settled, periods), strict=True):
            if seller_id in latest and period_end <= latest[seller_id]:
                continue
            amount = available - paid
            if amount > 0 and amount >= payout_minimum():
                planned.append((accounts[seller_id], period_end, amount))
                paid += amount
    _write(planned)
    return len(planned)


def _write(planned: list) -> None:
    payouts = Table(
        Payout,
        (
            "id",
            "seller",
            "period_end",
            "amount",
            "currency",
            "status",
            "provider_transfer_id",
            "provider",
            "account_id",
            "idempotency_key",
            "attempts",
            "last_error",
            "created_at",
            "paid_at",
        ),
    )
    debits = Table(
        LedgerEntry, ("seller", "kind", "amount", "currency", "key", "payout", "description", "created_at")
    )
    transfers = Table(
        SandboxTransfer,
        ("transfer_id", "account_id", "amount_minor", "currency", "idempotency_key", "created_at"),
    )
    for payout_id, (account, period_end, amount) in zip(ids_take(Payout, len(planned)), planned, strict=True):
        key = payout_idempotency_key(seller_id=account.seller_id, period_end=period_end)
        transfer_id = f"tr_sb_{_token(key)}"
        run = _run_at(period_end)
        payouts.add(
            payout_id,
            account.seller_id,
            period_end,
            amount,
            "USD",
            Payout.Status.PAID,
            transfer_id,
            account.provider,
            account.account_id,
            key,
            1,
            "",
            run,
            run + timedelta(minutes=1),
        )
        debits.add(
            account.seller_id,
            LedgerEntry.Kind.PAYOUT,
            -amount,
            "USD",
            f"payout:{payout_id}",
            payout_id,
            f"Payout for the period ending {period_end.isoformat()}",
            run,
        )
        transfers.add(
            transfer_id, account.account_id, int(amount * 100), "USD", key, run + timedelta(minutes=1)
        )
    for table in (payouts, debits, transfers):
        table.copy()
