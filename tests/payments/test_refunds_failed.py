"""A refund that failed at the provider (``payments.refunds.refund_fail``) whatever the provider.

The refund stops counting: its units, shipping and amount can be refunded
again, and the ledger's reversal leaves every later refund exact to the cent.
"""

from decimal import Decimal

import pytest

from orders.models import OrderEvent
from payments.ledger import ledger_balance, refund_failed_post, refund_parts
from payments.models import LedgerEntry, Payment, Refund
from payments.providers.sandbox import SandboxProvider
from payments.refunds import (
    RefundRefused,
    payment_refunded_total,
    refund_create,
    refund_fail,
    refund_position,
    refunded_line_quantities,
    refunded_shipping,
)
from tests.accounts.factories import UserFactory
from tests.payments.ledger_data import (
    at,
    categories,
    day,
    dispatch,
    offer,
    paid_order,
    seller,
    seller_order_of,
)

pytestmark = pytest.mark.django_db

D = Decimal
K = LedgerEntry.Kind


def fail(refund: Refund, reason: str = "declined") -> Refund:
    """The card network refuses ``refund`` at the sandbox, and our side hears of it."""
    SandboxProvider().refund_fail(refund_id=refund.provider_refund_id, failure_reason=reason)
    return refund_fail(refund=refund, failure_reason=reason)


@pytest.fixture
def two_sellers(settings):
    """Seller A sells 2 x $19.99 in Cases (10%); seller B, at its own 8%, 1 x $100.00 in Books.

    Each seller order has $4.00 shipping and 10% tax: A $47.98, B $114.00.
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


def test_a_failed_refund_gives_its_units_shipping_and_amount_back(two_sellers):
    a, b, case, book = two_sellers
    order, payment = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])
    part = seller_order_of(order, a)
    line = part.lines.get()
    made = refund_create(
        payment=payment,
        lines={line.pk: 2},
        shipping_amount=D("4.00"),
        reason="Never arrived",
        actor=None,
        idempotency_key="claim-1",
    )
    assert refund_position(payment=payment).remaining == D("161.98") - D("47.98")

    failed = fail(made, "expired_or_canceled_card")
    again = refund_fail(refund=made, failure_reason="something else")  # reported twice

    payment.refresh_from_db()
    assert (failed.status, again.failure_reason) == (Refund.Status.FAILED, "expired_or_canceled_card")
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment_refunded_total(payment=payment) == D("0.00")
    assert refunded_line_quantities(order_id=order.pk) == {line.pk: 0}
    assert refunded_shipping(order_id=order.pk) == {part.pk: D("0.00")}
    assert OrderEvent.objects.filter(order=order, kind="refund_failed").count() == 1
    # the same units and shipping can be refunded again, under a new key
    redone = refund_create(
        payment=payment,
        lines={line.pk: 2},
        shipping_amount=D("4.00"),
        reason="Never arrived",
        actor=None,
        idempotency_key="claim-1-again",
    )
    assert redone.amount == D("47.98")
    # and the old key still names the failed refund, whose status says what became of it
    assert (
        refund_create(
            payment=payment, lines={line.pk: 2}, reason="Never arrived", actor=None, idempotency_key="claim-1"
        ).status
        == Refund.Status.FAILED
    )


def test_a_failed_refund_no_longer_holds_a_seller_orders_share(two_sellers):
    a, b, case, book = two_sellers
    order, payment = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])
    everything = refund_create(
        payment=payment, amount=payment.amount, reason="Fraud", actor=None, idempotency_key="all"
    )
    with pytest.raises(RefundRefused, match="nothing is left to refund|refunded in full"):
        refund_create(payment=payment, amount=D("1.00"), reason="More", actor=None, idempotency_key="more")

    fail(everything)
    line = seller_order_of(order, a).lines.get()
    made = refund_create(
        payment=payment, lines={line.pk: 2}, reason="Broken", actor=None, idempotency_key="l"
    )

    assert made.amount == D("43.98")


def test_refunds_after_a_failed_one_take_back_exactly_the_sale_and_the_commission(two_sellers):
    a, b, case, book = two_sellers
    # one frozen instant throughout: the order of events is the audit trail's, not the clock's
    with at(day(2026, 3, 2)):
        order, payment = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])
        line = seller_order_of(order, a).lines.get()
        one = refund_create(
            payment=payment, lines={line.pk: 1}, reason="One", actor=None, idempotency_key="p-1"
        )
        refund_create(payment=payment, amount=D("33.33"), reason="Some", actor=None, idempotency_key="p-2")
        dispatch()
        fail(one)
        refund_create(payment=payment, amount=D("0.01"), reason="A cent", actor=None, idempotency_key="p-3")
        dispatch()
        left = payment.amount - payment_refunded_total(payment=payment)
        refund_create(payment=payment, amount=left, reason="The rest", actor=None, idempotency_key="p-4")
        dispatch()

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    for shop, sale, commission in ((a, D("43.98"), D("4.00")), (b, D("104.00"), D("8.00"))):
        entries = LedgerEntry.objects.filter(seller=shop)
        assert ledger_balance(seller=shop) == D("0.00")
        assert sum(e.amount for e in entries.filter(kind=K.REFUND)) == -sale
        assert sum(e.amount for e in entries.filter(kind=K.COMMISSION)) == D("0.00")
        assert (
            sum(e.amount for e in entries.filter(kind=K.COMMISSION, amount__gt=0))
            - sum(-e.amount for e in entries.filter(kind=K.COMMISSION, key__startswith="reversal:"))
            == commission
        )
    # what was posted before the failure is what the ledger computes now: no earlier part moved
    for shop in (a, b):
        part = seller_order_of(order, shop)
        parts = refund_parts(seller_order=part)
        for allocation_id, computed in parts.items():
            posted = {e.key: e.amount for e in LedgerEntry.objects.filter(key__endswith=f":{allocation_id}")}
            assert posted[f"refund:{allocation_id}"] == -computed.debit
            assert posted.get(f"commission-back:{allocation_id}", D("0.00")) == computed.commission_back


def test_the_reversal_is_posted_once_whatever_delivers_it_again(two_sellers):
    a, b, case, book = two_sellers
    order, payment = paid_order(user=UserFactory(), parts=[[(case, 2)], [(book, 1)]])
    dispatch()
    before = ledger_balance(seller=a)
    line = seller_order_of(order, a).lines.get()
    made = refund_create(payment=payment, lines={line.pk: 1}, reason="One", actor=None, idempotency_key="x")
    dispatch()

    fail(made)
    dispatch()
    refund_failed_post(refund_id=made.pk)  # the outbox delivers it again

    assert ledger_balance(seller=a) == before
    assert [e.key.split(":")[0] for e in LedgerEntry.objects.filter(refund=made).order_by("pk")] == [
        "refund",
        "commission-back",
        "reversal",
        "reversal",
    ]
