"""The demo's past orders: every state, real postings and audit rows, in the past, once per seed."""

import io
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from fulfillment.models import (
    Claim,
    OrderDefect,
    ReturnRequest,
    SandboxClock,
    SellerScorecard,
    Shipment,
    TrackingEvent,
)
from fulfillment.promises import delivery_date
from marketplace.accounts.models import User
from marketplace.core.models import OutboxEvent
from marketplace.demo import vocabulary as v
from marketplace.demo.generator import SELLER_PROFILES
from marketplace.demo.past_orders import GOOD, SECOND_SELLER_ACCOUNT, STORIES, STRUGGLING, story_number
from marketplace.demo.seed import seed_demo
from orders.models import Order, OrderEvent, SellerOrder
from payments.models import FraudAssessment, LedgerEntry, Payment, Refund
from tests.demo.conftest import SEED, SMALL

SS, ST, RS = SellerOrder.Status, Shipment.Status, ReturnRequest.Status


def _orders_snapshot():
    """What the same seed must give again: each order's number, status and its parts' and parcels' states."""
    return sorted(
        (
            order.number,
            order.status,
            tuple(
                (
                    so.seller.slug,
                    so.status,
                    tuple(sorted((s.direction, s.status) for s in so.shipments.all())),
                    tuple(sorted(r.status for r in so.returns.all())),
                    tuple(sorted(c.status for c in so.claims.all())),
                )
                for so in order.seller_orders.all()
            ),
        )
        for order in Order.objects.prefetch_related(
            "seller_orders__seller",
            "seller_orders__shipments",
            "seller_orders__returns",
            "seller_orders__claims",
        )
    )


def _row_counts():
    models = (Order, SellerOrder, OrderEvent, Payment, Refund, LedgerEntry, FraudAssessment, Shipment)
    return {
        m.__name__: m.objects.count()
        for m in (*models, TrackingEvent, ReturnRequest, Claim, OutboxEvent, User)
    }


@pytest.fixture
def seeded_orders(db):
    seed_demo(products=SMALL, seed=SEED)


def _stories():
    """The orders of the stories (the other past orders are the reviews' history, test_seed_reviews.py)."""
    return Order.objects.filter(number__in=[story_number(SEED, s[0]) for s in STORIES])


def test_seed_demo_gives_past_orders_in_every_state(seeded_orders):
    assert _stories().count() == len(STORIES)
    assert set(Order.objects.values_list("status", flat=True)) == {Order.Status.PAID, Order.Status.COMPLETED}
    assert {SS.READY_TO_SHIP, SS.SHIPPED, SS.DELIVERED} <= set(
        SellerOrder.objects.values_list("status", flat=True)
    )
    parcels = Counter(Shipment.objects.values_list("direction", "status"))
    for status in (ST.IN_TRANSIT, ST.OUT_FOR_DELIVERY, ST.DELIVERED, ST.EXCEPTION, ST.RETURNED_TO_SENDER):
        assert parcels["outbound", status] >= 1, status
    assert parcels["return", ST.DELIVERED] == 2
    assert parcels["return", ST.IN_TRANSIT] == 1
    delivered = SellerOrder.objects.filter(status=SS.DELIVERED)
    late = [so for so in delivered if delivery_date(so.delivered_at) > so.promised_to]
    assert 3 <= len(late) < delivered.count()
    assert Counter(ReturnRequest.objects.values_list("status", flat=True)) == {
        RS.REFUNDED: 2,
        RS.REQUESTED: 1,
        RS.REJECTED: 1,
        RS.APPROVED: 1,
    }
    assert (
        ReturnRequest.objects.filter(status=RS.REFUNDED, lines__restocked_quantity__gt=0).distinct().count()
        == 1
    )
    claim = Claim.objects.get()
    assert claim.status == Claim.Status.OPEN
    assert set(claim.seller_order.shipments.values_list("status", flat=True)) == {ST.RETURNED_TO_SENDER}
    assert OrderDefect.objects.filter(seller_order=claim.seller_order, kind="claim").exists()


def test_seed_demo_orders_are_in_the_past_and_read_true(seeded_orders):
    now = timezone.now()
    assert not Order.objects.filter(placed_at__gt=now).exists()
    assert not Order.objects.filter(paid_at__lt=F("placed_at")).exists()
    assert not _stories().exclude(placed_at__gt=now - timezone.timedelta(days=90)).exists()
    assert not OrderEvent.objects.filter(created_at__gt=now).exists()
    assert not OrderEvent.objects.filter(created_at__lt=F("order__placed_at")).exists()
    assert not SellerOrder.objects.filter(shipped_at__lt=F("order__paid_at")).exists()
    assert not SellerOrder.objects.filter(delivered_at__lt=F("shipped_at")).exists()
    assert not Shipment.objects.filter(created_at__lt=F("seller_order__order__paid_at")).exists()
    assert not TrackingEvent.objects.filter(occurred_at__gt=now).exists()
    assert not TrackingEvent.objects.filter(occurred_at__lt=F("shipment__created_at")).exists()
    assert not ReturnRequest.objects.filter(requested_at__lt=F("seller_order__delivered_at")).exists()
    assert not LedgerEntry.objects.filter(created_at__gt=now).exists()
    assert not LedgerEntry.objects.filter(created_at__lt=F("seller_order__order__placed_at")).exists()
    # Every demo order was paid through the sandbox and posted to its sellers' ledgers.
    paid = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)
    assert Payment.objects.filter(status__in=paid).count() == Payment.objects.count() == Order.objects.count()
    assert LedgerEntry.objects.filter(kind="sale").count() == SellerOrder.objects.count()
    assert LedgerEntry.objects.filter(kind="refund").count() == Refund.objects.count() == 2
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    assert mail.outbox == []
    assert SandboxClock.objects.get().offset_seconds == 0


def test_seed_demo_puts_one_seller_past_a_threshold_and_the_other_within(seeded_orders):
    good = SellerScorecard.objects.get(seller__slug=SELLER_PROFILES[GOOD].slug)
    struggling = SellerScorecard.objects.get(seller__slug=SELLER_PROFILES[STRUGGLING].slug)

    assert good.breaches == [] and good.seller.buy_box_eligible
    assert good.windows.get(days=30).orders >= 10  # judged on its last 30 days
    assert set(struggling.breaches) == {"order_defect_rate", "late_shipment_rate"}
    assert not struggling.seller.buy_box_eligible
    assert struggling.windows.get(days=30).late_shipments >= 3


def test_seed_demo_pages_show_the_orders(seeded_orders, client):
    shopper = User.objects.get(email=v.DEMO_ACCOUNTS[0][0])
    numbers = list(shopper.orders.values_list("number", flat=True))
    assert len(numbers) >= 8
    client.force_login(shopper)
    listing = client.get(reverse("orders:order-list"))
    assert listing.status_code == 200
    assert numbers[0] in listing.content.decode()
    for number in numbers:
        assert client.get(reverse("orders:order-detail", kwargs={"number": number})).status_code == 200

    client.force_login(User.objects.get(email=v.DEMO_ACCOUNTS[1][0]))
    for name in ("seller:shipping-queue", "seller:return-list", "seller:performance"):
        assert client.get(reverse(name)).status_code == 200, name
    waiting = SellerOrder.objects.filter(seller__slug=SELLER_PROFILES[GOOD].slug, status=SS.READY_TO_SHIP)
    queue = client.get(reverse("seller:shipping-queue")).content.decode()
    assert all(so.number in queue for so in waiting)

    client.force_login(User.objects.get(email=SECOND_SELLER_ACCOUNT[0]))
    returns = client.get(reverse("seller:return-list"))
    performance = client.get(reverse("seller:performance"))
    assert returns.status_code == performance.status_code == 200
    assert client.login(email=SECOND_SELLER_ACCOUNT[0], password=v.DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_orders_are_the_same_for_the_same_seed_and_added_once():
    seed_demo(products=SMALL, seed=SEED, orders=False)
    with transaction.atomic():
        seed_demo(products=SMALL, seed=SEED)
        first = _orders_snapshot()
        transaction.set_rollback(True)
    assert not Order.objects.exists()

    seed_demo(products=SMALL, seed=SEED)
    counts = _row_counts()
    seed_demo(products=SMALL, seed=SEED)

    assert _orders_snapshot() == first
    assert _row_counts() == counts


@pytest.mark.django_db
def test_demo_logins_prints_the_second_seller_login():
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert f"{SECOND_SELLER_ACCOUNT[0]}    Seller owner of Gadget Depot" in out.getvalue()
