"""Seller Central's money pages: the overview, payouts, the payout account, the dashboard card."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.urls import reverse

from marketplace.accounts.models import OutboundEmail
from payments.ledger import ledger_available, ledger_balance
from payments.models import LedgerEntry, Payout, SellerPayoutAccount
from payments.payouts import payout_run
from payments.refunds import refund_create
from payments.selectors import ledger_availability_get, payout_next_get, payout_next_run
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.accounts.security import sign_in_confirmed
from tests.payments.ledger_data import at, categories, day, deliver, dispatch, offer, paid_order, seller
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db

D = Decimal
Role = SellerMember.Role
NOW = day(2026, 3, 17)  # a Tuesday


@pytest.fixture
def money(settings):
    """A seller at 10 % with a sandbox account, paid out once, with a refund and an order on the way.

    * order A, 3 x $20.00 + $4.00 shipping on 2 March, delivered 4 March: $64.00 - $6.00 commission,
      paid out on Monday 16 March ($58.00);
    * order B, 1 x $20.00 + $4.00 on 2 March, delivered 12 March, its unit refunded on 17 March:
      $24.00 - $2.00 - $20.00 refunded + $2.00 commission back = $4.00, payable from 19 March;
    * order C, 1 x $20.00 + $4.00 on 3 March, not delivered: $22.00 waits for delivery.
    """
    settings.PAYOUT_HOLD_DAYS = 7
    settings.PAYOUT_MINIMUM = D("25.00")
    settings.SANDBOX_TRANSFERS_UNAVAILABLE = False
    merchant = seller(name="Merchant", slug="merchant", commission_rate=D("0.1000"))
    SellerPayoutAccount.objects.create(seller=merchant, provider="sandbox", account_id="acct_sb_merchant")
    item = offer(seller=merchant, price="20.00")
    with at(day(2026, 3, 2)):
        order_a, _ = paid_order(user=UserFactory(), parts=[[(item, 3)]])
        order_b, payment_b = paid_order(user=UserFactory(), parts=[[(item, 1)]])
        dispatch()
    with at(day(2026, 3, 3)):
        order_c, _ = paid_order(user=UserFactory(), parts=[[(item, 1)]])
        dispatch()
    with at(day(2026, 3, 4)):
        deliver(order_a.seller_orders.get())
    with at(day(2026, 3, 12)):
        deliver(order_b.seller_orders.get())
    with at(day(2026, 3, 16, 6)):
        payout_run(period_end=date(2026, 3, 15), now=day(2026, 3, 16, 6))
    with at(day(2026, 3, 17, 9)):
        line = order_b.seller_orders.get().lines.get()
        refund_create(
            payment=payment_b, lines={line.pk: 1}, reason="Broken", actor=None, idempotency_key="money-1"
        )
        dispatch()
    return {"seller": merchant, "orders": (order_a, order_b, order_c), "payout": Payout.objects.get()}


def member(seller, role=Role.OWNER):
    return SellerMemberFactory(seller=seller, role=role).user


def test_balance_available_and_when_the_rest_becomes_available_are_exact(money):
    merchant = money["seller"]

    availability = ledger_availability_get(seller=merchant, now=NOW)

    assert money["payout"].amount == D("58.00")
    assert availability.balance == ledger_balance(seller=merchant) == D("26.00")
    assert availability.available == ledger_available(seller=merchant, now=NOW) == D("0.00")
    assert availability.upcoming == [(date(2026, 3, 19), D("4.00"))]
    assert (availability.held, availability.held_orders) == (D("22.00"), 1)
    upcoming = sum((amount for _, amount in availability.upcoming), start=D("0"))
    assert availability.available + upcoming + availability.held == availability.balance
    # On the day it says, the $4.00 is available.
    assert ledger_available(seller=merchant, now=day(2026, 3, 19)) == D("4.00")


def test_the_overview_shows_the_figures_the_next_payout_and_the_last_one(client, money):
    merchant = money["seller"]
    client.force_login(member(merchant, Role.FINANCE))

    with at(NOW):
        response = client.get(reverse("seller:money"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<div><dt>Balance</dt><dd>$26.00</dd></div>" in html
    assert "<div><dt>Available to pay out now</dt><dd>$0.00</dd></div>" in html
    assert "<div><dt>Waiting for delivery</dt><dd>$22.00</dd></div>" in html
    assert '<tr><td><time datetime="2026-03-19">Thu, Mar 19, 2026</time></td><td>$4.00</td></tr>' in html
    assert "When delivered (1 order on the way)</td><td>$22.00</td>" in html
    next_payout = response.context["next_payout"]
    assert (next_payout.runs_at, next_payout.period_end, next_payout.estimate) == (
        day(2026, 3, 23, 6),
        date(2026, 3, 22),
        D("4.00"),
    )
    assert next_payout.blocker == "Below the minimum payout of $25.00: the amount waits for a later week."
    assert next_payout.blocker in html
    payout = money["payout"]
    assert response.context["recent_payouts"] == [payout]
    assert reverse("seller:payout-detail", kwargs={"pk": payout.pk}) in html
    assert "$58.00" in html and "Paid" in html
    assert "<div><dt>Account</dt><dd>acct_sb_merchant</dd></div>" in html
    # Finance sees the account but is not offered to change it.
    assert reverse("seller:payout-account") not in html
    assert "Your rate: <strong>10%</strong>" in html


def test_the_owner_is_offered_the_payout_account_page(client, money):
    client.force_login(member(money["seller"]))

    html = client.get(reverse("seller:money")).content.decode()

    assert f'<a href="{reverse("seller:payout-account")}">See the payout account</a>' in html


def test_the_next_payout_says_what_stops_it(settings):
    settings.PAYOUT_HOLD_DAYS = 7
    settings.PAYOUT_MINIMUM = D("25.00")
    merchant = seller(commission_rate=D("0.1000"))
    item = offer(seller=merchant, price="30.00")
    with at(day(2026, 3, 2)):
        order, _ = paid_order(user=UserFactory(), parts=[[(item, 1)]])
        dispatch()
        deliver(order.seller_orders.get())

    # $30.00 + $4.00 - $3.00 = $31.00, payable from 9 March: not in the week the 9 March run pays...
    early = payout_next_get(seller=merchant, account=None, now=day(2026, 3, 3))
    assert (early.runs_at, early.period_end, early.estimate) == (
        day(2026, 3, 9, 6),
        date(2026, 3, 8),
        D("0.00"),
    )
    # ... but in the next one's.
    blocked = payout_next_get(seller=merchant, account=None, now=day(2026, 3, 10))
    assert (blocked.runs_at, blocked.estimate) == (day(2026, 3, 16, 6), D("31.00"))
    assert blocked.blocker == "Connect a payout account to be paid."
    # ... once there is an account with payouts on.
    account = SellerPayoutAccount.objects.create(seller=merchant, provider="sandbox", account_id="acct_sb_n")
    assert payout_next_get(seller=merchant, account=account, now=day(2026, 3, 10)).blocker == ""
    account.payouts_enabled = False
    assert payout_next_get(seller=merchant, account=account, now=day(2026, 3, 10)).blocker == (
        "Payouts are turned off on your payout account; contact seller support."
    )


def test_the_next_run_is_the_coming_monday_at_six_utc_as_celery_beat_says():
    assert django_settings.CELERY_BEAT_SCHEDULE["payments-payout-run"]["schedule"] == crontab(
        minute=0, hour=6, day_of_week="mon"
    )
    assert payout_next_run(now=day(2026, 3, 16, 5)) == (day(2026, 3, 16, 6), date(2026, 3, 15))
    assert payout_next_run(now=day(2026, 3, 16, 6)) == (day(2026, 3, 23, 6), date(2026, 3, 22))
    assert payout_next_run(now=day(2026, 3, 22, 23)) == (day(2026, 3, 23, 6), date(2026, 3, 22))


def test_the_rates_are_the_categories_when_the_seller_has_none(client, settings):
    settings.DEFAULT_COMMISSION_RATE = D("0.15")
    electronics, phones, cases, books = categories()
    merchant = seller(name="Shop")
    offer(seller=merchant, price="9.00", category=cases)
    offer(seller=merchant, price="9.00", category=books)
    client.force_login(member(merchant, Role.FINANCE))

    response = client.get(reverse("seller:money"))

    assert response.context["seller_rate"] == ""
    assert response.context["selling_in"] == [(books, "15%"), (cases, "10%")]
    assert response.context["category_rates"] == [(electronics, "10%")]
    assert "and <strong>15%</strong> when none has one" in response.content.decode()


# -- payouts ------------------------------------------------------------------


def payouts_of(merchant, count: int) -> None:
    """``count`` payouts of $30.00, one a week, the last ones failed (through the ledger's rows)."""
    for week in range(count):
        payout = Payout.objects.create(
            seller=merchant,
            period_end=date(2025, 1, 5) + timedelta(weeks=week),
            amount=D("30.00"),
            status=Payout.Status.FAILED if week == count - 1 else Payout.Status.PAID,
            last_error="The sandbox transfer service is unavailable; try again later."
            if week == count - 1
            else "",
            idempotency_key=f"payout-test-{merchant.pk}-{week}",
        )
        LedgerEntry.objects.create(
            seller=merchant, kind=LedgerEntry.Kind.PAYOUT, amount=-payout.amount, key=f"payout:{payout.pk}"
        )


@pytest.mark.parametrize("count", [3, 30])
def test_the_payout_list_takes_the_same_queries_for_3_or_30_payouts(client, count, django_assert_num_queries):
    merchant = seller(name="Payee")
    payouts_of(merchant, count)
    payouts_of(seller(name="Other"), 2)
    client.force_login(member(merchant, Role.FINANCE))

    # session, user, membership, the count, the header's categories, the page
    with django_assert_num_queries(6):
        response = client.get(reverse("seller:payout-list"))

    assert response.status_code == 200
    shown = response.context["payouts"]
    assert len(shown) == min(count, 25)
    assert {payout.seller_id for payout in shown} == {merchant.pk}
    html = response.content.decode()
    assert f"{count} payouts" in html
    assert html.count("The sandbox transfer service is unavailable") == 1  # the newest, failed one


def test_a_payout_page_shows_its_status_and_ledger_entries(client, money):
    payout = money["payout"]
    client.force_login(member(money["seller"], Role.FINANCE))

    response = client.get(reverse("seller:payout-detail", kwargs={"pk": payout.pk}))

    assert response.status_code == 200
    assert [(e.kind, e.amount) for e in response.context["entries"]] == [("payout", D("-58.00"))]
    html = response.content.decode()
    assert "<div><dt>Amount</dt><dd>$58.00</dd></div>" in html
    assert payout.provider_transfer_id in html


def test_another_sellers_payout_is_not_found(client, money):
    client.force_login(member(seller(name="Nosy")))

    response = client.get(reverse("seller:payout-detail", kwargs={"pk": money["payout"].pk}))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.OWNER, 200), (Role.FINANCE, 200), (Role.MANAGER, 404), (Role.SHIPPING, 404)],
)
def test_only_owner_and_finance_see_money(client, money, role, status):
    client.force_login(member(money["seller"], role))
    payout = money["payout"]

    for url in (
        reverse("seller:money"),
        reverse("seller:payout-list"),
        reverse("seller:payout-detail", kwargs={"pk": payout.pk}),
        reverse("seller:statement"),
        reverse("seller:statement-csv"),
    ):
        assert client.get(url).status_code == status, url


# -- the payout account -------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.OWNER, 200), (Role.FINANCE, 404), (Role.MANAGER, 404), (Role.SHIPPING, 404)],
)
def test_only_the_owner_opens_the_payout_account_page(client, role, status):
    merchant = seller()
    sign_in_confirmed(client, member(merchant, role))  # the payout account asks for the password again

    assert client.get(reverse("seller:payout-account")).status_code == status
    assert client.post(reverse("seller:payout-account")).status_code == (302 if status == 200 else 404)
    assert SellerPayoutAccount.objects.filter(seller=merchant).count() == (1 if status == 200 else 0)


def test_the_owner_connects_a_sandbox_account_and_the_owners_are_told(client, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    merchant = seller(name="Fresh")
    owner = member(merchant)
    other_owner = member(merchant)
    member(merchant, Role.FINANCE)
    neighbour = seller(name="Neighbour")
    sign_in_confirmed(client, owner)
    page = client.get(reverse("seller:payout-account")).content.decode()
    assert '<button class="btn btn-primary" type="submit">Connect a sandbox payout account</button>' in page

    response = client.post(reverse("seller:payout-account"), follow=True)

    account = SellerPayoutAccount.objects.get()
    assert (account.seller, account.provider, account.payouts_enabled) == (merchant, "sandbox", True)
    assert account.account_id.startswith("acct_sb_") and len(account.account_id) == 32
    assert f"Sandbox payout account {account.account_id} connected." in response.content.decode()
    assert not SellerPayoutAccount.objects.filter(seller=neighbour).exists()
    email = OutboundEmail.objects.get()
    assert email.payload["to"] == [owner.email, other_owner.email]
    assert email.payload["subject"] == "Marketplace: a payout account was connected to Fresh"
    assert f"by {owner.email}" in email.payload["body"] and account.account_id in email.payload["body"]
    assert "/seller/payments/account/" in email.payload["body"]


def test_a_second_connection_is_refused_and_changes_nothing(client, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    merchant = seller()
    SellerPayoutAccount.objects.create(seller=merchant, provider="sandbox", account_id="acct_sb_first")
    sign_in_confirmed(client, member(merchant))

    response = client.post(reverse("seller:payout-account"))

    assert response.status_code == 400
    assert "A payout account is already connected; seller support can change it." in response.content.decode()
    assert list(SellerPayoutAccount.objects.values_list("account_id", flat=True)) == ["acct_sb_first"]
    assert not OutboundEmail.objects.exists()


# -- the dashboard --------------------------------------------------------------


def test_the_dashboard_has_the_money_card_and_the_payout_account_step(client, money):
    merchant = money["seller"]
    fresh = seller(name="New shop")
    client.force_login(member(fresh))

    with at(NOW):
        page = client.get(reverse("seller:dashboard"))

    steps = {step["key"]: step for step in page.context["checklist"]}
    assert steps["payout-account"]["done"] is False
    assert steps["payout-account"]["url"] == reverse("seller:payout-account")
    assert "Connect a payout account" in page.content.decode()

    client.force_login(member(merchant, Role.FINANCE))
    with at(NOW):
        page = client.get(reverse("seller:dashboard"))
    cards = {card["key"]: card["context"] for card in page.context["cards"]}
    assert cards["payments-money"]["rows"] == [
        ("Balance", "$26.00"),
        ("Available now", "$0.00"),
        ("Next payout (Mon, Mar 23)", "Not yet"),
    ]
    html = page.content.decode()
    assert "<dt>Balance</dt><dd>$26.00</dd>" in html

    client.force_login(member(merchant))
    with at(NOW):
        page = client.get(reverse("seller:dashboard"))
    assert {step["key"]: step["done"] for step in page.context["checklist"]}["payout-account"] is True

    client.force_login(member(merchant, Role.SHIPPING))
    page = client.get(reverse("seller:dashboard"))
    assert "payments-money" not in {card["key"] for card in page.context["cards"]}


@pytest.mark.parametrize("count", [3, 30])
def test_the_overview_takes_the_same_queries_for_3_or_30_orders_and_payouts(
    client, settings, count, django_assert_num_queries
):
    settings.PAYOUT_HOLD_DAYS = 7
    electronics, phones, cases, books = categories()
    merchant = seller(name="Busy")
    SellerPayoutAccount.objects.create(seller=merchant, provider="sandbox", account_id="acct_sb_busy")
    items = [offer(seller=merchant, price="20.00", category=(cases, books)[n % 2]) for n in range(2)]
    with at(day(2026, 3, 2)):
        orders = [paid_order(user=UserFactory(), parts=[[(items[n % 2], 1)]])[0] for n in range(count)]
        dispatch()
    for n, order in enumerate(orders[: count - 1]):  # delivered on different days, the last one not
        with at(day(2026, 3, 3 + n % 10)):
            deliver(order.seller_orders.get())
    payouts_of(merchant, count)
    client.force_login(member(merchant, Role.FINANCE))

    # session, user, membership, the account, the categories sold in, their rates, the categories
    # with a rate, the balance, what is available, when the rest is, the next payout's estimate,
    # the recent payouts, the header's categories
    with at(day(2026, 3, 5)), django_assert_num_queries(13):
        response = client.get(reverse("seller:money"))

    assert response.status_code == 200
    availability = response.context["availability"]
    assert availability.held_orders == 1
    assert len(availability.upcoming) == min(count - 1, 10)
    assert len(response.context["recent_payouts"]) == min(count, 5)


def test_anonymous_visitors_sign_in_and_shoppers_get_404_on_the_money_pages(client, money):
    urls = [
        reverse("seller:money"),
        reverse("seller:statement"),
        reverse("seller:statement-csv"),
        reverse("seller:payout-list"),
        reverse("seller:payout-detail", kwargs={"pk": money["payout"].pk}),
        reverse("seller:payout-account"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(reverse("seller:payout-account")).status_code == 404
    assert SellerPayoutAccount.objects.count() == 1
