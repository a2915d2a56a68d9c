"""Payout runs racing with real threads on PostgreSQL: a balance is paid once."""

from datetime import date
from decimal import Decimal

import pytest

from payments.ledger import ledger_balance
from payments.models import Payout, SandboxTransfer, SellerPayoutAccount
from payments.payouts import payout_run
from tests.accounts.factories import UserFactory
from tests.concurrency import race
from tests.payments.ledger_data import at, day, deliver, dispatch, offer, paid_order, seller

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_runs_of_the_same_and_of_another_period_pay_a_balance_once(settings):
    settings.PAYOUT_HOLD_DAYS = 7
    settings.PAYOUT_MINIMUM = Decimal("25.00")
    merchant = seller(commission_rate=Decimal("0.1000"))
    SellerPayoutAccount.objects.create(seller=merchant, provider="sandbox", account_id="acct_sb_race")
    item = offer(seller=merchant, price="20.00")
    with at(day(2026, 3, 2)):
        order, _ = paid_order(user=UserFactory(), parts=[[(item, 3)]])
        dispatch()
        deliver(order.seller_orders.get())
    now = day(2026, 3, 16, 6)

    with at(now):
        errors = race(
            [
                lambda: payout_run(period_end=date(2026, 3, 15), now=now),
                lambda: payout_run(period_end=date(2026, 3, 15), now=now),
                lambda: payout_run(period_end=date(2026, 3, 14), now=now),
                lambda: payout_run(period_end=date(2026, 3, 13), now=now),
            ]
        )

    assert errors == []
    assert list(Payout.objects.values_list("amount", "status")) == [(Decimal("58.00"), Payout.Status.PAID)]
    assert SandboxTransfer.objects.count() == 1
    assert ledger_balance(seller=merchant) == Decimal("0.00")
