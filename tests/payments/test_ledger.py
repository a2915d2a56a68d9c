"""The seller ledger: commission rates, postings from events, balances and statements."""

from datetime import date
from decimal import Decimal

import pytest

from marketplace.core import events
from payments.commission import commission_rate_for, seller_order_commission_lines
from payments.ledger import (
    ledger_balance,
    ledger_post_order,
    ledger_statement,
    order_paid_post,
    refund_created_post,
)
from payments.models import LedgerEntry, Refund
from payments.refunds import refund_create
from tests.accounts.factories import UserFactory
from tests.payments.ledger_data import (
    at,
    categories,
    day,
    dispatch,
    dispute_open,
    offer,
    paid_order,
    seller,
    seller_order_of,
)

pytestmark = pytest.mark.django_db

D = Decimal
K = LedgerEntry.Kind


def entries(seller_):
    return list(LedgerEntry.objects.filter(seller=seller_).order_by("pk").values_list("kind", "amount"))


# -- commission ---------------------------------------------------------------


def test_commission_rate_is_the_sellers_then_the_nearest_categorys_then_the_default(settings):
    settings.DEFAULT_COMMISSION_RATE = D("0.15")
    electronics, phones, cases, books = categories()
    phones.commission_rate = D("0.0700")
    phones.save(update_fields=["commission_rate"])
    plain, negotiated = seller(), seller(commission_rate=D("0.0500"))

    assert commission_rate_for(seller=negotiated, category=cases) == D("0.0500")
    assert commission_rate_for(seller=plain, category=cases) == D(
        "0.0700"
    )  # phones is nearer than electronics
    assert commission_rate_for(seller=plain, category=phones) == D("0.0700")
    assert commission_rate_for(seller=plain, category=electronics) == D("0.1000")
    assert commission_rate_for(seller=plain, category=books) == D("0.15")
    assert commission_rate_for(seller=plain, category=None) == D("0.15")


def test_commission_is_per_line_on_the_pre_tax_total_rounded_half_up(settings):
    settings.DEFAULT_COMMISSION_RATE = D("0.15")
    _, _, cases, books = categories()
    shop = seller()
    order, _ = paid_order(
        user=UserFactory(),
        parts=[
            [
                (offer(seller=shop, price="19.99", category=cases), 2),
                (offer(seller=shop, price="9.99", category=books), 1),
            ]
        ],
    )

    lines = seller_order_commission_lines(seller_order=seller_order_of(order, shop))

    # 39.98 x 10% = 3.998 -> 4.00 (Cases inherits Electronics); 9.99 x 15% = 1.4985 -> 1.50 (default)
    assert [(line.total_amount, rate, commission) for line, rate, commission in lines] == [
        (D("39.98"), D("0.1000"), D("4.00")),
        (D("9.99"), D("0.15"), D("1.50")),
    ]


# -- postings -----------------------------------------------------------------


@pytest.fixture
def two_sellers(settings):
    """Seller A sells 2 x $19.99 in Cases (10%); seller B, at its own 8%, 1 x $100.00 in Books.

    Each seller order has $4.00 shipping and 10% tax: A $39.98 + 4.00 + 4.00 = $47.98,
    B $100.00 + 4.00 + 10.00 = $114.00.
    """
    settings.DEFAULT_COMMISSION_RATE = D("0.15")
    _, _, cases, books = categories()
    a, b = seller(name="A"), seller(name="B", commission_rate=D("0.0800"))
    return (
        a,
        b,
        offer(seller=a, price="19.99", category=cases),
        offer(seller=b, price="100.00", category=books),
    )


def test_a_paid_order_credits_each_seller_its_items_and_shipping_less_commission(two_sellers):
    a, b, case, book = two_sellers

    order, _ = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])
    assert entries(a) == []  # posted after commit, by the outbox
    dispatch()

    assert entries(a) == [(K.SALE, D("43.98")), (K.COMMISSION, D("-4.00"))]
    assert entries(b) == [(K.SALE, D("104.00")), (K.COMMISSION, D("-8.00"))]
    assert ledger_balance(seller=a) == D("39.98")
    assert ledger_balance(seller=b) == D("96.00")
    sale = LedgerEntry.objects.get(seller=a, kind=K.SALE)
    assert (sale.key, sale.seller_order, sale.currency) == (
        f"sale:{seller_order_of(order, a).pk}",
        seller_order_of(order, a),
        "USD",
    )


def test_postings_are_idempotent_whatever_delivers_the_event_again(two_sellers):
    a, b, case, book = two_sellers
    order, _ = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])
    dispatch()

    order_paid_post(order_id=order.pk)
    order_paid_post(order_id=order.pk, previous="on_hold", status="paid")
    events.emit("order.released", order_id=order.pk)  # fraud review released it too
    dispatch()

    assert LedgerEntry.objects.filter(seller__in=[a, b]).count() == 4
    assert ledger_balance(seller=a) == D("39.98")


def test_an_unpaid_order_posts_nothing(two_sellers):
    from tests.orders.order_data import order_build

    a, _, case, _ = two_sellers
    order = order_build(user=UserFactory(), parts=[[(case, 1)]])

    assert ledger_post_order(order=order) == []
    assert entries(a) == []


def test_a_refund_of_one_unit_debits_the_item_without_its_tax_and_gives_its_commission_back(two_sellers):
    a, b, case, book = two_sellers
    order, payment = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])
    line = seller_order_of(order, a).lines.get()

    refund = refund_create(
        payment=payment, lines={line.pk: 1}, reason="Scratched", actor=None, idempotency_key="r-1"
    )
    dispatch()

    # The shopper got 21.99 back (19.99 + 2.00 tax); the seller gives back 19.99 and gets 2.00 commission.
    assert refund.amount == D("21.99")
    assert entries(a)[2:] == [(K.REFUND, D("-19.99")), (K.COMMISSION, D("2.00"))]
    assert entries(b) == [(K.SALE, D("104.00")), (K.COMMISSION, D("-8.00"))]
    refund_created_post(refund_id=refund.pk)  # delivered again
    assert len(entries(a)) == 4


def test_a_full_refund_in_pieces_takes_back_exactly_the_sale_and_the_commission(two_sellers):
    a, b, case, book = two_sellers
    order, payment = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])
    line = seller_order_of(order, a).lines.get()

    refund_create(payment=payment, lines={line.pk: 1}, reason="One", actor=None, idempotency_key="p-1")
    refund_create(payment=payment, amount=D("33.33"), reason="Some", actor=None, idempotency_key="p-2")
    refund_create(payment=payment, amount=D("0.01"), reason="A cent", actor=None, idempotency_key="p-3")
    left = payment.amount - sum(Refund.objects.filter(payment=payment).values_list("amount", flat=True))
    refund_create(payment=payment, amount=left, reason="The rest", actor=None, idempotency_key="p-4")
    dispatch()

    assert ledger_balance(seller=a) == D("0.00")
    assert ledger_balance(seller=b) == D("0.00")
    for shop, sale, commission in ((a, D("43.98"), D("4.00")), (b, D("104.00"), D("8.00"))):
        kinds = LedgerEntry.objects.filter(seller=shop)
        assert sum(e.amount for e in kinds.filter(kind=K.REFUND)) == -sale
        assert sum(e.amount for e in kinds.filter(kind=K.COMMISSION, amount__gt=0)) == commission


def test_a_cancelled_paid_order_nets_to_zero_through_the_cancellation_refund(two_sellers):
    from orders.lifecycle import order_cancel

    a, b, case, book = two_sellers
    order, _ = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])

    order_cancel(order=order, actor=None, reason="Changed my mind")
    dispatch()  # order.paid -> sales; order.cancelled -> refund; refund.created -> debits
    dispatch()

    assert ledger_balance(seller=a) == D("0.00")
    assert ledger_balance(seller=b) == D("0.00")
    assert LedgerEntry.objects.filter(seller=a, kind=K.REFUND).get().amount == D("-43.98")


def test_a_dispute_debits_each_seller_its_untaxed_share(two_sellers):
    a, b, case, book = two_sellers
    order, payment = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])

    dispute_open(payment=payment, amount="161.98")  # the whole payment: 47.98 + 114.00
    dispatch()
    dispatch()

    assert entries(a)[2:] == [(K.DISPUTE, D("-43.98"))]
    assert entries(b)[2:] == [(K.DISPUTE, D("-104.00"))]
    # No commission back on a dispute: the seller is out of pocket by the commission.
    assert ledger_balance(seller=a) == D("-4.00")


def test_each_balance_is_sales_less_commission_refunds_disputes_and_payouts_to_the_cent(
    two_sellers, settings
):
    from payments.models import SellerPayoutAccount
    from payments.payouts import payout_run
    from tests.payments.ledger_data import deliver

    settings.PAYOUT_MINIMUM = D("1.00")
    a, b, case, book = two_sellers
    with at(day(2026, 3, 2)):
        o1, p1 = paid_order(user=UserFactory(), parts=[[(case, 3)], [(book, 2)]])
        o2, p2 = paid_order(user=UserFactory(), parts=[[(case, 1)]])
        o3, p3 = paid_order(user=UserFactory(), parts=[[(book, 1)]])
        dispatch()
        for order in (o1, o2, o3):
            for part in order.seller_orders.all():
                deliver(part)
        refund_create(payment=p1, amount=D("50.00"), reason="Partial", actor=None, idempotency_key="b-1")
        line = seller_order_of(o2, a).lines.get()
        refund_create(payment=p2, lines={line.pk: 1}, reason="Broken", actor=None, idempotency_key="b-2")
        dispute_open(payment=p3, amount="57.00")
        dispatch()
        dispatch()
    for shop in (a, b):
        SellerPayoutAccount.objects.create(seller=shop, provider="sandbox", account_id=f"acct_sb_{shop.pk}")
    with at(day(2026, 3, 16, 6)):
        summary = payout_run(period_end=date(2026, 3, 15), now=day(2026, 3, 16, 6))
    assert len(summary.paid) == 2

    for shop in (a, b):
        rows = LedgerEntry.objects.filter(seller=shop)

        def total(kind, sign=None, rows=rows):
            chosen = rows.filter(kind=kind)
            if sign == "+":
                chosen = chosen.filter(amount__gt=0)
            elif sign == "-":
                chosen = chosen.filter(amount__lt=0)
            return sum((e.amount for e in chosen), D("0.00"))

        sales = total(K.SALE)
        commission = -total(K.COMMISSION, "-")
        given_back = total(K.COMMISSION, "+")
        refunds, disputes, payouts = -total(K.REFUND), -total(K.DISPUTE), -total(K.PAYOUT)
        assert ledger_balance(seller=shop) == sales - commission + given_back - refunds - disputes - payouts
        assert ledger_balance(seller=shop) == D("0.00")  # everything delivered and past the hold was paid

    # Worked by hand for seller A. Sales: 3 x 19.99 + 4.00 = 63.97 and 19.99 + 4.00 = 23.99;
    # commission 5.997 -> 6.00 and 1.999 -> 2.00. The 50.00 refund of order 1 is split over what is
    # left of its seller orders, 69.97 (A) and 224.00 (B): 11.90 to A, of which 6.00 x 11.90 / 69.97
    # = 1.02 is tax, so A is debited 10.88; its items are 59.97 x 10.88 / 63.97 = 10.20, so
    # 6.00 x 10.20 / 59.97 = 1.02 commission comes back. One unit of order 2: 21.99 refunded, 2.00 of
    # it tax: A is debited 19.99 and gets the line's 2.00 commission back.
    a_rows = LedgerEntry.objects.filter(seller=a)
    assert sorted(e.amount for e in a_rows.filter(kind=K.SALE)) == [D("23.99"), D("63.97")]
    assert sorted(e.amount for e in a_rows.filter(kind=K.REFUND)) == [D("-19.99"), D("-10.88")]
    assert sorted(e.amount for e in a_rows.filter(kind=K.COMMISSION)) == [
        D("-6.00"),
        D("-2.00"),
        D("1.02"),
        D("2.00"),
    ]
    assert [p.amount for p in summary.paid if p.seller_id == a.pk] == [D("52.11")]


# -- statement ----------------------------------------------------------------


def test_statement_opening_and_closing_balances(two_sellers):
    a, _, case, _ = two_sellers
    user = UserFactory()
    with at(day(2026, 3, 1)):
        paid_order(user=user, parts=[[(case, 1)]])  # 23.99 - 2.00
        dispatch()
    with at(day(2026, 3, 5)):
        _, payment = paid_order(user=user, parts=[[(case, 2)]])  # 43.98 - 4.00
        dispatch()
    with at(day(2026, 3, 9)):
        paid_order(user=user, parts=[[(case, 1)]])
        dispatch()

    statement = ledger_statement(seller=a, start=date(2026, 3, 2), end=date(2026, 3, 8))

    assert statement.opening_balance == D("21.99")
    assert [(e.kind, e.amount) for e in statement.entries] == [
        (K.SALE, D("43.98")),
        (K.COMMISSION, D("-4.00")),
    ]
    assert (statement.credits, statement.debits) == (D("43.98"), D("-4.00"))
    assert statement.closing_balance == D("61.97")
    assert [e.available_on for e in statement.entries] == [None, None]  # not delivered yet
    assert ledger_balance(seller=a) == D("83.96")
