"""The ledger in the admin (entries, statement, payouts) and the Seller Central data API."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import LedgerEntry, Payout, SellerPayoutAccount
from payments.payouts import payout_run
from tests.accounts.factories import UserFactory
from tests.payments.ledger_data import at, day, deliver, dispatch, offer, paid_order, seller
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def merchant(settings):
    settings.PAYOUT_HOLD_DAYS = 7
    return seller(name="Merchant", slug="merchant", commission_rate=D("0.1000"))


MARCH_2 = day(2026, 3, 2)


def sales(merchant, count, *, when=MARCH_2, delivered=False):
    """``count`` orders of 1 x $20.00 (+ $4.00 shipping, $2.00 commission): $22.00 each."""
    item = offer(seller=merchant, price="20.00")
    with at(when):
        # A shopper each: fraud screening holds an account ordering many times an hour.
        orders = [paid_order(user=UserFactory(), parts=[[(item, 1)]])[0] for _ in range(count)]
        dispatch()
        if delivered:
            for order in orders:
                deliver(order.seller_orders.get())
    return orders


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


# -- admin --------------------------------------------------------------------


def test_the_statement_page_shows_opening_and_closing_balances(staff_client, merchant):
    sales(merchant, 2, when=day(2026, 2, 20))
    sales(merchant, 1, when=day(2026, 3, 2), delivered=True)

    response = staff_client.get(
        reverse("admin:payments_ledgerentry_statement"),
        {"seller": merchant.pk, "start": "2026-03-01", "end": "2026-03-31"},
    )

    assert response.status_code == 200
    statement = response.context["statement"]
    assert (statement.opening_balance, statement.closing_balance) == (D("44.00"), D("66.00"))
    assert [(e.kind, e.amount, e.available_on) for e in statement.entries] == [
        ("sale", D("24.00"), date(2026, 3, 9)),
        ("commission", D("-2.00"), date(2026, 3, 9)),
    ]
    html = response.content.decode()
    assert '<td class="opening">$44.00</td>' in html
    assert "<strong>$66.00</strong>" in html


def test_the_statement_page_refuses_an_end_before_the_start(staff_client, merchant):
    response = staff_client.get(
        reverse("admin:payments_ledgerentry_statement"),
        {"seller": merchant.pk, "start": "2026-03-31", "end": "2026-03-01"},
    )

    assert response.status_code == 200
    assert "statement" not in response.context
    assert "The statement must start on or before its end." in response.content.decode()


def test_the_statement_page_is_for_staff_only(client, merchant):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:payments_ledgerentry_statement"), {"seller": merchant.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("count", [3, 30])
def test_the_entries_changelist_is_read_only_and_takes_the_same_queries_for_3_or_30_rows(
    staff_client, merchant, count, django_assert_num_queries
):
    orders = sales(merchant, 1)
    extra = LedgerEntry.objects.get(kind="sale")
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            seller=merchant,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=D("1.00"),
            key=f"test-{n}",
            seller_order=extra.seller_order,
        )
        for n in range(count - 2)
    )
    url = reverse("admin:payments_ledgerentry_changelist")

    # session, user, the seller filter, two counts, the page, the navigation, the date hierarchy (2)
    with django_assert_num_queries(9):
        response = staff_client.get(url, {"seller__id__exact": merchant.pk})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count
    assert f"?seller={merchant.pk}" in response.context["statement_url"]
    assert orders[0].seller_orders.get().number in response.content.decode()
    assert staff_client.get(reverse("admin:payments_ledgerentry_add")).status_code == 403


def test_staff_retry_a_failed_payout_from_the_admin(staff_client, merchant, settings):
    SellerPayoutAccount.objects.create(seller=merchant, provider="sandbox", account_id="acct_sb_m")
    sales(merchant, 2, delivered=True)
    settings.SANDBOX_TRANSFERS_UNAVAILABLE = True
    with at(day(2026, 3, 16, 6)):
        payout_run(period_end=date(2026, 3, 15), now=day(2026, 3, 16, 6))
    payout = Payout.objects.get()
    assert payout.status == Payout.Status.FAILED
    settings.SANDBOX_TRANSFERS_UNAVAILABLE = False

    response = staff_client.post(
        reverse("admin:payments_payout_changelist"),
        {"action": "retry_now", "_selected_action": [payout.pk]},
        follow=True,
    )

    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == (Payout.Status.PAID, 2)
    assert "1 of 1 payouts are paid." in response.content.decode()


# -- the data API ---------------------------------------------------------------


def api_url(slug="merchant"):
    return reverse("payments:seller-ledger-api", kwargs={"slug": slug})


def test_anonymous_callers_are_refused(client, merchant):
    assert client.get(api_url()).status_code == 403


def test_a_shopper_gets_not_found(client, merchant):
    client.force_login(UserFactory())

    assert client.get(api_url()).status_code == 404


def test_a_member_of_another_seller_gets_not_found(client, merchant):
    other = SellerMemberFactory().user
    sales(merchant, 1)
    client.force_login(other)

    assert client.get(api_url()).status_code == 404
    assert client.get(api_url(other.seller_memberships.get().seller.slug)).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_owner_reads_the_statement_in_the_same_queries_for_3_or_30_orders(
    client, merchant, count, django_assert_num_queries
):
    owner = SellerMemberFactory(seller=merchant).user
    sales(merchant, count, when=day(2026, 3, 2))
    client.force_login(owner)

    with django_assert_num_queries(7):
        response = client.get(api_url(), {"start": "2026-03-01", "end": "2026-03-31"})

    assert response.status_code == 200
    body = response.json()
    total = D("22.00") * count
    assert body["seller"] == {"slug": "merchant", "name": "Merchant"}
    assert body["balance"] == str(total)
    assert body["available"] == "0.00"  # nothing delivered
    assert body["statement"]["opening_balance"] == "0.00"
    assert body["statement"]["closing_balance"] == str(total)
    assert len(body["statement"]["entries"]) == 2 * count
    first = body["statement"]["entries"][0]
    assert {k: first[k] for k in ("kind", "amount", "currency", "available_on")} == {
        "kind": "sale",
        "amount": "24.00",
        "currency": "USD",
        "available_on": None,
    }


def test_the_api_refuses_a_bad_period(client, merchant):
    client.force_login(SellerMemberFactory(seller=merchant).user)

    response = client.get(api_url(), {"start": "2026-03-31", "end": "2026-03-01"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["start must be on or before end."]}


def test_with_the_mfa_requirement_on_a_member_without_a_second_factor_is_told_why(client, merchant, settings):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    sales(merchant, 1)
    client.force_login(SellerMemberFactory(seller=merchant).user)

    response = client.get(api_url())

    assert response.status_code == 403
    assert "Two-factor authentication is required" in response.json()["detail"]
    # Someone who is not a member still learns nothing: 404, as before.
    client.force_login(UserFactory())
    assert client.get(api_url()).status_code == 404


def test_with_the_mfa_requirement_on_a_member_with_an_authenticator_reads_the_ledger(
    client, merchant, settings
):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    owner = SellerMemberFactory(seller=merchant).user
    TOTP.activate(owner, generate_totp_secret())
    client.force_login(owner)

    assert client.get(api_url()).status_code == 200
