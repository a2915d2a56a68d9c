"""Sales counts: units per product and day from paid orders and refunds, decayed into Product.sales_count."""

import io
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Product, ProductSearchDocument
from marketplace.core import events
from marketplace.core.models import OutboxEvent
from marketplace.demo.seed import seed_demo
from orders.lifecycle import order_cancel
from orders.models import Order, OrderLine, OrderSales, ProductSalesDay
from orders.sales import (
    REFUND_FAILED_KIND,
    REFUND_KIND,
    order_paid_count_sales,
    order_sales_count,
    sales_counts_refresh,
    sales_days_rebuild,
)
from orders.tasks import sales_counts_refresh_task
from payments.models import Refund
from payments.refunds import REFUND_EVENT, REFUND_FAILED_EVENT, refund_create, refund_fail
from payments.sales import refund_count_sales
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.concurrency import race
from tests.demo.conftest import SEED, SMALL
from tests.orders.order_data import order_build
from tests.payments.ledger_data import at, day, offer, paid_order
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

PAID = day(2026, 5, 4)  # a Monday, noon UTC
PAID_DAY = PAID.date()


def dispatch_all() -> int:
    """Run the outbox until nothing is pending (a handler may emit more events); return the runs."""
    runs = 0
    while ids := list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    ):
        for event_id in ids:
            assert events.outbox_dispatch(event_id=event_id), OutboxEvent.objects.get(pk=event_id).last_error
            runs += 1
    return runs


def days() -> list[tuple[int, date, int]]:
    return list(
        ProductSalesDay.objects.order_by("product_id", "day").values_list("product_id", "day", "units")
    )


def sales(*products) -> list[int]:
    counts = dict(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("pk", "sales_count"))
    return [counts[p.pk] for p in products]


def line_of(order, product) -> OrderLine:
    return OrderLine.objects.get(seller_order__order=order, product=product)


def refund_lines(payment, lines: dict, reason="Returned.") -> Refund:
    return refund_create(
        payment=payment,
        lines={line.pk: quantity for line, quantity in lines.items()},
        reason=reason,
        actor=None,
        idempotency_key=str(uuid.uuid4()),
    )


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def buyer():
    return UserFactory()


def test_the_audit_kinds_read_are_the_ones_payments_writes():
    assert (REFUND_KIND, REFUND_FAILED_KIND) == (REFUND_EVENT, REFUND_FAILED_EVENT)


def test_a_paid_order_counts_its_units_on_the_day_it_was_paid(buyer, seller):
    kettle, mug = offer(seller=seller, price="30.00"), offer(seller=seller, price="8.00")

    with at(PAID):
        order, _payment = paid_order(user=buyer, parts=[[(kettle, 3), (mug, 1)]])
        assert sales(kettle.product, mug.product) == [0, 0]  # counted after the payment commits
        dispatch_all()

    assert days() == [(kettle.product_id, PAID_DAY, 3), (mug.product_id, PAID_DAY, 1)]
    assert sales(kettle.product, mug.product) == [3, 1]
    assert list(OrderSales.objects.values_list("order_id", "product_id", "day", "units")) == [
        (order.pk, kettle.product_id, PAID_DAY, 3),
        (order.pk, mug.product_id, PAID_DAY, 1),
    ]


def test_an_order_not_paid_counts_nothing(buyer, seller):
    order = order_build(user=buyer, parts=[[(offer(seller=seller, price="30.00"), 1)]])

    order_paid_count_sales(order_id=order.pk)

    assert days() == []
    assert not OrderSales.objects.exists()


def test_a_refund_of_lines_takes_its_units_off_the_day_of_the_sale(buyer, seller):
    kettle, mug = offer(seller=seller, price="30.00"), offer(seller=seller, price="8.00")
    with at(PAID):
        order, payment = paid_order(user=buyer, parts=[[(kettle, 3), (mug, 2)]])
        dispatch_all()

    # when two kettles come back three days later
    with at(PAID + timedelta(days=3)):
        refund_lines(payment, {line_of(order, kettle.product): 2})
        dispatch_all()

    # then they leave the day they were sold on; the figure is that day's, three days old
    assert days() == [(kettle.product_id, PAID_DAY, 1), (mug.product_id, PAID_DAY, 2)]
    assert sales(kettle.product, mug.product) == [1, 1]  # 0.74 and 1.49, rounded


def test_a_partial_refund_by_amount_keeps_the_units_and_the_refund_of_the_rest_takes_them_all(buyer, seller):
    kettle = offer(seller=seller, price="30.00")
    with at(PAID):
        order, payment = paid_order(user=buyer, parts=[[(kettle, 4)]])
        dispatch_all()
        refund_lines(payment, {line_of(order, kettle.product): 1})
        refund_create(
            payment=payment, amount=Decimal("5.00"), reason="Goodwill", actor=None, idempotency_key="goodwill"
        )
        dispatch_all()
        assert days() == [(kettle.product_id, PAID_DAY, 3)]

        # when the order is cancelled: what is left of the payment is refunded by amount
        order_cancel(order=order, actor=buyer, reason="Changed my mind.")
        dispatch_all()

    payment.refresh_from_db()
    assert payment.status == payment.Status.REFUNDED
    assert days() == [(kettle.product_id, PAID_DAY, 0)]
    assert sales(kettle.product) == [0]


def test_a_refund_that_fails_gives_its_units_back(buyer, seller):
    kettle = offer(seller=seller, price="30.00")
    with at(PAID):
        order, payment = paid_order(user=buyer, parts=[[(kettle, 4)]])
        refund = refund_lines(payment, {line_of(order, kettle.product): 3})
        dispatch_all()
        assert sales(kettle.product) == [1]

        refund_fail(refund=refund, failure_reason="expired_or_canceled_card")
        dispatch_all()

    assert days() == [(kettle.product_id, PAID_DAY, 4)]
    assert sales(kettle.product) == [4]


def test_a_refund_of_a_second_payment_takes_no_unit_off(buyer, seller):
    kettle = offer(seller=seller, price="30.00")
    with at(PAID):
        order, payment = paid_order(user=buyer, parts=[[(kettle, 2)]])
        dispatch_all()
        # a refund row of another payment of the order (a second tab paid too, and was refunded)
        events_before = OutboxEvent.objects.count()
        order.events.create(
            kind=REFUND_KIND,
            data={"refund_id": 999, "payment": "pi_other", "amount": str(order.total_amount), "lines": {}},
        )
        refund_count_sales(order_id=order.pk)

    assert days() == [(kettle.product_id, PAID_DAY, 2)]
    assert OutboxEvent.objects.count() == events_before  # nothing changed, nothing to reindex


def test_each_order_and_refund_counts_once_however_often_its_event_comes(buyer, seller):
    kettle = offer(seller=seller, price="30.00")
    with at(PAID):
        order, payment = paid_order(user=buyer, parts=[[(kettle, 5)]])
        dispatch_all()
        refund = refund_lines(payment, {line_of(order, kettle.product): 2})
        dispatch_all()

        # when both events come again, through the outbox and straight to the handlers
        events.emit_async("order.paid", order_id=order.pk, previous="pending_payment", status="paid")
        events.emit_async("refund.created", refund_id=refund.pk, payment_id=payment.pk, order_id=order.pk)
        dispatch_all()
        order_paid_count_sales(order_id=order.pk)
        refund_count_sales(refund_id=refund.pk, order_id=order.pk)

    assert days() == [(kettle.product_id, PAID_DAY, 3)]
    assert sales(kettle.product) == [3]
    assert list(OrderSales.objects.values_list("units", flat=True)) == [3]


def test_a_refund_handled_before_its_order_counts_the_order_net(buyer, seller):
    kettle = offer(seller=seller, price="30.00")
    with at(PAID):
        order, payment = paid_order(user=buyer, parts=[[(kettle, 5)]])
        refund_lines(payment, {line_of(order, kettle.product): 2})
        # the order.paid handler failed once and is retried after the refund's
        for event in OutboxEvent.objects.filter(name="refund.created"):
            assert events.outbox_dispatch(event_id=event.pk)
        assert days() == [(kettle.product_id, PAID_DAY, 3)]
        dispatch_all()

    assert days() == [(kettle.product_id, PAID_DAY, 3)]
    assert sales(kettle.product) == [3]


def test_a_variation_counts_on_itself_and_on_its_family_parent(buyer, seller):
    shirt = ProductFactory(title="Linen Shirt", variation_theme="Size")
    medium = offer(seller=seller, price="25.00", category=shirt.category)
    large = offer(seller=seller, price="25.00", category=shirt.category)
    Product.objects.filter(pk=medium.product_id).update(parent=shirt, variant_attributes={"Size": "M"})
    Product.objects.filter(pk=large.product_id).update(parent=shirt, variant_attributes={"Size": "L"})

    with at(PAID):
        order, payment = paid_order(user=buyer, parts=[[(medium, 2), (large, 1)]])
        dispatch_all()
        assert sales(shirt, medium.product, large.product) == [3, 2, 1]
        refund_lines(payment, {line_of(order, large.product): 1})
        dispatch_all()

    assert days() == [
        (shirt.pk, PAID_DAY, 2),
        (medium.product_id, PAID_DAY, 2),
        (large.product_id, PAID_DAY, 0),
    ]
    assert sales(shirt, medium.product, large.product) == [2, 2, 0]
    # search lists the parent: its document carries the family's figure
    assert ProductSearchDocument.objects.get(product=shirt).sales_count == 2
    assert not ProductSearchDocument.objects.filter(product__parent=shirt).exists()


def test_a_sale_weighs_half_as_much_each_week_and_nothing_after_thirty_days(buyer, seller):
    kettle = offer(seller=seller, price="30.00")
    with at(PAID):
        paid_order(user=buyer, parts=[[(kettle, 10)]])
        dispatch_all()
    document = ProductSearchDocument.objects.get(product=kettle.product)
    assert (sales(kettle.product), document.sales_count) == ([10], 10)

    figures = []
    for age in (1, 7, 14, 21, 29, 30, 31):
        with at(PAID + timedelta(days=age)):
            sales_counts_refresh_task.delay()
        document.refresh_from_db()
        figures.append((age, *sales(kettle.product), document.sales_count))

    # 10 x 0.5 ** (age / 7), rounded half up: 9.06, 5, 2.5, 1.25, 0.57
    assert figures == [(1, 9, 9), (7, 5, 5), (14, 3, 3), (21, 1, 1), (29, 1, 1), (30, 0, 0), (31, 0, 0)]


def test_sales_on_several_days_add_up_decayed(buyer, seller):
    kettle = offer(seller=seller, price="30.00")
    for age, quantity in ((14, 8), (7, 4), (0, 1)):
        with at(PAID - timedelta(days=age)):
            paid_order(user=buyer, parts=[[(kettle, quantity)]])
            dispatch_all()

    with at(PAID):
        sales_counts_refresh_task.delay()

    # 8 x 0.25 + 4 x 0.5 + 1 = 5
    assert sales(kettle.product) == [5]
    assert [units for _product, _day, units in days()] == [8, 4, 1]


def test_the_daily_refresh_touches_only_recent_rows_and_figures_above_zero(buyer, seller):
    kettle, old, seeded = (offer(seller=seller, price="30.00") for _ in range(3))
    with at(PAID - timedelta(days=40)):
        paid_order(user=buyer, parts=[[(old, 2)]])
        dispatch_all()
    sales_counts_refresh(today=PAID_DAY - timedelta(days=5))  # its sale is past the window now
    assert sales(old.product) == [0]
    with at(PAID):
        paid_order(user=buyer, parts=[[(kettle, 2)]])
        dispatch_all()
    Product.objects.filter(pk=seeded.product_id).update(sales_count=50)  # a figure with no rows behind it
    untouched = ProductFactory(sales_count=0)

    with CaptureQueriesContext(connection) as queries:
        changed = sales_counts_refresh(today=PAID_DAY + timedelta(days=7))

    assert changed == 2  # the kettle decays, the seeded figure falls to 0
    assert sales(kettle.product, old.product, seeded.product, untouched) == [1, 0, 0, 0]
    (recompute,) = [q["sql"] for q in queries.captured_queries if "UPDATE catalog_product" in q["sql"]]
    recomputed = {int(pk) for pk in re.search(r"ANY\(ARRAY\[([0-9,]*)\]\)", recompute)[1].split(",")}
    assert recomputed == {kettle.product_id, seeded.product_id}


def test_the_refresh_works_through_keyset_batches(buyer, seller):
    offers = [offer(seller=seller, price="5.00") for _ in range(5)]
    with at(PAID):
        paid_order(user=buyer, parts=[[(o, 4) for o in offers[:3]]])
        dispatch_all()
    Product.objects.filter(pk__in=[o.product_id for o in offers[3:]]).update(sales_count=9)

    changed = sales_counts_refresh(today=PAID_DAY + timedelta(days=7), batch_size=2)

    assert changed == 5
    assert sales(*(o.product for o in offers)) == [2, 2, 2, 0, 0]


def test_the_command_reports_drift_and_corrects_it(buyer, seller):
    kettle, mug = offer(seller=seller, price="30.00"), offer(seller=seller, price="8.00")
    with at(PAID):
        paid_order(user=buyer, parts=[[(kettle, 3), (mug, 1)]])
        dispatch_all()
        Product.objects.filter(pk=kettle.product_id).update(sales_count=70)
        out = io.StringIO()

        call_command("sales_counts_recompute", stdout=out)
        call_command("sales_counts_recompute", stdout=out)

    assert out.getvalue() == (
        "1 products' sales counts drifted from their sales days and were corrected.\n"
        "0 products' sales counts drifted from their sales days and were corrected.\n"
    )
    assert sales(kettle.product, mug.product) == [3, 1]
    assert ProductSearchDocument.objects.get(product=kettle.product).sales_count == 3


def test_rebuilding_from_the_orders_gives_what_the_events_gave(buyer, seller):
    kettle, mug = offer(seller=seller, price="30.00"), offer(seller=seller, price="8.00")
    with at(PAID - timedelta(days=2)):
        first, payment = paid_order(user=buyer, parts=[[(kettle, 3), (mug, 2)]])
        dispatch_all()
    with at(PAID):
        second, _ = paid_order(user=buyer, parts=[[(kettle, 1)]])
        cancelled, _ = paid_order(user=buyer, parts=[[(mug, 5)]])
        refund_lines(payment, {line_of(first, kettle.product): 1})
        order_cancel(order=cancelled, actor=buyer, reason="Too slow.")
        dispatch_all()
        live = (days(), sales(kettle.product, mug.product))

        # a database from before sales days: no rows at all
        ProductSalesDay.objects.all().delete()
        OrderSales.objects.all().delete()
        out = io.StringIO()
        call_command("sales_counts_recompute", rebuild=True, stdout=out)

        assert out.getvalue() == (
            "Sales days rebuilt from 3 paid orders (4 rows).\n0 products' sales counts changed.\n"
        )
        assert (days(), sales(kettle.product, mug.product)) == live
        # the events, delivered again, change nothing
        for order in (first, second, cancelled):
            order_paid_count_sales(order_id=order.pk)
            refund_count_sales(order_id=order.pk)

    assert (days(), sales(kettle.product, mug.product)) == live
    assert live[1] == [round(2 * 0.5 ** (2 / 7) + 1), round(2 * 0.5 ** (2 / 7))]


def test_rebuilding_can_keep_the_figures_of_products_no_order_names(buyer, seller):
    kettle, mug = offer(seller=seller, price="30.00"), offer(seller=seller, price="8.00")
    with at(PAID):
        paid_order(user=buyer, parts=[[(kettle, 2)]])
        dispatch_all()
    Product.objects.filter(pk__in=[kettle.product_id, mug.product_id]).update(sales_count=400)

    result = sales_days_rebuild(keep_unsold=True, today=PAID_DAY)

    assert (result.orders, result.days, result.changed) == (1, 2, 1)
    assert sales(kettle.product, mug.product) == [2, 400]
    assert days() == [(kettle.product_id, PAID_DAY, 2), (mug.product_id, PAID_DAY, 400)]
    # the kept figure decays like a sale from then on
    assert sales_counts_refresh(today=PAID_DAY + timedelta(days=7)) == 2
    assert sales(kettle.product, mug.product) == [1, 200]


@pytest.mark.parametrize("lines", [1, 12])
def test_the_handlers_cost_the_same_queries_whatever_the_number_of_lines(
    buyer, seller, lines, django_assert_num_queries
):
    shirt = ProductFactory(title="Linen Shirt", variation_theme="Size")
    offers = [offer(seller=seller, price="5.00", category=shirt.category) for _ in range(lines)]
    Product.objects.filter(pk__in=[o.product_id for o in offers]).update(parent=shirt)
    with at(PAID):
        order, payment = paid_order(user=buyer, parts=[[(o, 2) for o in offers]])
        # three savepoints (the service, the recompute, the search refresh), the order's lock,
        # uncount, count, recompute, then the search documents and their new words
        with django_assert_num_queries(12):
            order_paid_count_sales(order_id=order.pk)
        refund_create(
            payment=payment,
            lines={line.pk: 1 for line in OrderLine.objects.filter(seller_order__order=order)},
            reason="Returned.",
            actor=None,
            idempotency_key="return-all",
        )
        with django_assert_num_queries(12):
            refund_count_sales(order_id=order.pk)

    assert sales(shirt, *(o.product for o in offers)) == [lines, *([1] * lines)]


def test_the_demo_seed_counts_its_past_orders_and_keeps_the_seeded_figures_of_the_rest():
    seed_demo(products=SMALL, seed=SEED, orders=False)
    seeded = dict(Product.objects.values_list("pk", "sales_count"))

    seed_demo(products=SMALL, seed=SEED)

    paid = Order.objects.filter(paid_at__isnull=False)
    assert paid.exists()
    # each paid order is counted on the day it was paid (in the past: the seed backdates them)
    assert set(OrderSales.objects.values_list("order_id", "day")) == {
        (order.pk, order.paid_at.date()) for order in paid
    }
    named = set(OrderSales.objects.values_list("product_id", flat=True))
    figures = dict(Product.objects.values_list("pk", "sales_count"))
    assert {pk: figures[pk] for pk in figures if pk not in named} == {
        pk: seeded[pk] for pk in figures if pk not in named
    }
    assert any(figures[pk] != seeded[pk] for pk in named)
    out = io.StringIO()
    call_command("sales_counts_recompute", stdout=out)
    assert out.getvalue() == "0 products' sales counts drifted from their sales days and were corrected.\n"


@pytest.mark.django_db(transaction=True)
def test_orders_counted_at_the_same_moment_by_several_workers_count_once_each(seller):
    shirt = ProductFactory(title="Linen Shirt", variation_theme="Size")
    kettle = offer(seller=seller, price="30.00")
    medium, large = (offer(seller=seller, price="25.00", category=shirt.category) for _ in range(2))
    Product.objects.filter(pk__in=[medium.product_id, large.product_id]).update(parent=shirt)
    first, _ = paid_order(user=UserFactory(), parts=[[(medium, 2), (kettle, 1)]])
    second, _ = paid_order(user=UserFactory(), parts=[[(large, 1), (kettle, 3)]])
    # counted when they were paid (the outbox ran on commit); start again from nothing
    ProductSalesDay.objects.all().delete()
    OrderSales.objects.all().delete()

    errors = race(
        [lambda: order_sales_count(order_id=first.pk)] * 4
        + [lambda: order_sales_count(order_id=second.pk)] * 4
    )

    today = timezone.localdate()
    assert errors == []
    assert days() == sorted(
        [
            (shirt.pk, today, 3),
            (kettle.product_id, today, 4),
            (medium.product_id, today, 2),
            (large.product_id, today, 1),
        ]
    )
    assert sales(shirt, kettle.product, medium.product, large.product) == [3, 4, 2, 1]
