"""Reads of ``payments``: scoped to the shopper who owns the order, or to the seller.

Seller Central's money pages (payments/seller_central/) read through the
selectors below, every one of them taking the member's seller: another
seller's payout is a ``Payout.DoesNotExist``, never a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce

from catalog.models import Category
from marketplace.core.money import format_money
from orders.models import Order
from payments.commission import category_commission_rates, default_commission_rate
from payments.ledger import hold_days, ledger_available, ledger_balance, ledger_entry_list
from payments.models import LedgerEntry, Payment, Payout, SellerPayoutAccount
from payments.payouts import payout_minimum
from sellers.models import Seller


def order_get_for_payment(*, user, number: str) -> Order:
    """Return ``user``'s order ``number``; raise ``Order.DoesNotExist`` for anyone else's."""
    return Order.objects.get(number=number, user=user)


def payment_get_for_user(*, user, provider_payment_id: str, number: str | None = None) -> Payment:
    """Return a payment of one of ``user``'s orders (``Payment.DoesNotExist`` otherwise)."""
    payments = Payment.objects.select_related("order").filter(
        provider_payment_id=provider_payment_id, order__user=user
    )
    if number is not None:
        payments = payments.filter(order__number=number)
    return payments.get()


# -- Seller Central: money (payments/seller_central/) ---------------------------
# Every read below takes the member's seller: another seller's payout is a DoesNotExist.


ZERO = Decimal("0.00")
# The weekly payout run (CELERY_BEAT_SCHEDULE "payments-payout-run"): Mondays at 06:00 UTC,
# for the week that ended on the Sunday before (tests/payments/test_seller_money.py checks both).
PAYOUT_RUN_WEEKDAY = 0
PAYOUT_RUN_TIME = time(6, 0)
# The longest statement, in days: the ledger API's limit (payments/api_ledger.py).
STATEMENT_MAX_DAYS = 366


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def payout_list(*, seller: Seller) -> QuerySet[Payout]:
    """The seller's payouts, newest first (no join: Payout's default ordering is replaced)."""
    return Payout.objects.filter(seller=seller).order_by("-created_at", "-pk")


def payout_get_for_seller(*, seller: Seller, pk: int) -> Payout:
    """Return the seller's payout ``pk`` (``Payout.DoesNotExist`` for another seller's)."""
    return Payout.objects.get(seller=seller, pk=pk)


def payout_entry_list(*, payout: Payout) -> QuerySet[LedgerEntry]:
    """The ledger entries a payout wrote (its debit, and the credit back if it was cancelled)."""
    return LedgerEntry.objects.filter(seller_id=payout.seller_id, payout=payout).order_by("created_at", "pk")


def payout_account_get_for_seller(*, seller: Seller) -> SellerPayoutAccount | None:
    return SellerPayoutAccount.objects.filter(seller=seller).first()


def payout_account_exists(seller: Seller) -> bool:
    """Whether the seller has connected a payout account (the onboarding step)."""
    return SellerPayoutAccount.objects.filter(seller=seller).exists()


@dataclass(frozen=True)
class Availability:
    """What the seller is owed, split by when it can be paid out.

    ``balance == available + sum(upcoming amounts) + held``: ``upcoming`` lists
    the credits of delivered seller orders still in their hold, by the day they
    become payable; ``held`` is what waits for seller orders to be delivered.
    """

    balance: Decimal
    available: Decimal
    upcoming: list[tuple[date, Decimal]]
    held: Decimal
    held_orders: int


def ledger_availability_get(*, seller: Seller, now: datetime) -> Availability:
    """Return the seller's balance, what is payable now and when the rest becomes payable.

    Three queries whatever the number of entries. A seller order's entries
    count as ``payments.ledger.ledger_available_by_seller`` counts them: in full
    once the hold after delivery has passed, at once when they add up to a
    debt, and otherwise from ``delivered + PAYOUT_HOLD_DAYS``.
    """
    today = now.astimezone(UTC).date()
    balance = ledger_balance(seller=seller)
    available = ledger_available(seller=seller, now=now)
    rows = (
        ledger_entry_list(seller=seller)
        .filter(created_at__lte=now, seller_order__isnull=False)
        .order_by()
        .values("seller_order_id", "settled_at")
        .annotate(total=Sum("amount"))
    )
    upcoming: dict[date, Decimal] = {}
    held, held_orders = ZERO, 0
    for row in rows:
        if row["total"] <= 0:
            continue  # a debt (or nothing) counts at once
        if row["settled_at"] is None:
            held += row["total"]
            held_orders += 1
            continue
        payable_on = row["settled_at"].astimezone(UTC).date() + timedelta(days=hold_days())
        if payable_on > today:
            upcoming[payable_on] = upcoming.get(payable_on, ZERO) + row["total"]
    return Availability(
        balance=balance,
        available=available,
        upcoming=sorted(upcoming.items()),
        held=held,
        held_orders=held_orders,
    )


@dataclass(frozen=True)
class NextPayout:
    runs_at: datetime
    period_end: date
    estimate: Decimal
    # Why the run would pay nothing (empty when it pays ``estimate``).
    blocker: str


def payout_next_run(*, now: datetime) -> tuple[datetime, date]:
    """When the next weekly payout run starts after ``now``, and the last day it pays for."""
    moment = now.astimezone(UTC)
    day = moment.date() + timedelta(days=(PAYOUT_RUN_WEEKDAY - moment.weekday()) % 7)
    runs_at = datetime.combine(day, PAYOUT_RUN_TIME, tzinfo=UTC)
    if runs_at <= moment:
        runs_at += timedelta(days=7)
    return runs_at, runs_at.date() - timedelta(days=1)


def payout_next_get(*, seller: Seller, account: SellerPayoutAccount | None, now: datetime) -> NextPayout:
    """The next payout run for ``seller``: when, what it would pay from today's entries, or why not.

    The estimate is what the entries written so far make available by the
    run's period end (``ledger_available`` with that cut-off); refunds or
    disputes before the run lower it. One query.
    """
    runs_at, period_end = payout_next_run(now=now)
    estimate = ledger_available(seller=seller, now=now, cutoff=period_end)
    minimum = payout_minimum()
    if account is None:
        blocker = "Connect a payout account to be paid."
    elif not account.payouts_enabled:
        blocker = "Payouts are turned off on your payout account; contact seller support."
    elif seller.status == Seller.Status.SUSPENDED:
        blocker = "Your account is suspended: payouts wait until it is reinstated."
    elif estimate <= 0:
        blocker = "Nothing will be available to pay out by then."
    elif estimate < minimum:
        blocker = f"Below the minimum payout of {format_money(minimum)}: the amount waits for a later week."
    else:
        blocker = ""
    return NextPayout(runs_at=runs_at, period_end=period_end, estimate=estimate, blocker=blocker)


@dataclass(frozen=True)
class KindTotal:
    kind: str
    label: str
    count: int
    credits: Decimal
    debits: Decimal

    @property
    def net(self) -> Decimal:
        return self.credits + self.debits


@dataclass(frozen=True)
class StatementSummary:
    start: date
    end: date
    opening_balance: Decimal
    totals: list[KindTotal]  # every kind of entry, in LedgerEntry.Kind's order, zero when none
    credits: Decimal
    debits: Decimal
    closing_balance: Decimal
    count: int


def _period_entries(seller: Seller, start: date, end: date) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(
        seller=seller, created_at__gte=_day_start(start), created_at__lt=_day_start(end + timedelta(days=1))
    )


def ledger_statement_summary(*, seller: Seller, start: date, end: date) -> StatementSummary:
    """Return the statement's balances and its totals per kind (two queries, whatever its size).

    The same figures as ``payments.ledger.ledger_statement`` (whole UTC days,
    ``end`` included) without loading the entries.
    """
    opening = LedgerEntry.objects.filter(seller=seller, created_at__lt=_day_start(start)).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    rows = {
        row["kind"]: row
        for row in _period_entries(seller, start, end)
        .order_by()
        .values("kind")
        .annotate(
            count=Count("pk"),
            credits=Coalesce(Sum("amount", filter=Q(amount__gt=0)), ZERO),
            debits=Coalesce(Sum("amount", filter=Q(amount__lt=0)), ZERO),
        )
    }
    totals = [
        KindTotal(
            kind=kind,
            label=label,
            count=rows[kind]["count"] if kind in rows else 0,
            credits=rows[kind]["credits"] if kind in rows else ZERO,
            debits=rows[kind]["debits"] if kind in rows else ZERO,
        )
        for kind, label in LedgerEntry.Kind.choices
    ]
    credits = sum((total.credits for total in totals), start=ZERO)
    debits = sum((total.debits for total in totals), start=ZERO)
    return StatementSummary(
        start=start,
        end=end,
        opening_balance=opening,
        totals=totals,
        credits=credits,
        debits=debits,
        closing_balance=opening + credits + debits,
        count=sum(total.count for total in totals),
    )


def ledger_statement_entry_list(*, seller: Seller, start: date, end: date) -> QuerySet[LedgerEntry]:
    """The period's entries, oldest first, each with ``settled_at``, its seller order and payout,
    and ``running``: the sum of the period's amounts up to and including it (add the opening
    balance for the balance after the entry)."""
    return (
        ledger_entry_list(seller=seller)
        .filter(created_at__gte=_day_start(start), created_at__lt=_day_start(end + timedelta(days=1)))
        .annotate(
            running=Window(Sum("amount"), order_by=[F("created_at").asc(), F("pk").asc()]),
        )
    )


@dataclass(frozen=True)
class CommissionRates:
    """The commission rates that apply to a seller's sales (payments/commission.py)."""

    seller_rate: Decimal | None  # a negotiated rate: it covers everything the seller sells
    default_rate: Decimal
    selling_in: list[tuple[Category, Decimal]]  # the categories of its active offers, with their rate
    category_rates: list[tuple[Category, Decimal]]  # the categories that set a rate of their own


# Enough for a page; a seller in more categories sees the first ones by name.
COMMISSION_CATEGORIES_SHOWN = 50


def commission_rates_for_seller(*, seller: Seller) -> CommissionRates:
    """Return the rates that apply to ``seller``: its own, or each category's (three queries)."""
    default = default_commission_rate()
    if seller.commission_rate is not None:
        return CommissionRates(seller.commission_rate, default, [], [])
    selling_in = list(
        Category.objects.filter(products__offers__seller=seller, products__offers__is_active=True)
        .distinct()
        .order_by("name", "pk")[:COMMISSION_CATEGORIES_SHOWN]
    )
    effective = category_commission_rates(categories=selling_in)
    own = list(
        Category.objects.filter(commission_rate__isnull=False).order_by("path")[:COMMISSION_CATEGORIES_SHOWN]
    )
    return CommissionRates(
        seller_rate=None,
        default_rate=default,
        selling_in=[
            (category, default if effective[category.pk] is None else effective[category.pk])
            for category in selling_in
        ],
        category_rates=[(category, category.commission_rate) for category in own],
    )
