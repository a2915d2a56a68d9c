import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from fulfillment.models import Stock
from orders.expiry import EXPIRY_REASON, order_expire_unpaid
from orders.lifecycle import OrderNotPayable, order_mark_paid
from orders.models import Order, OrderEvent, StockAllocation
from orders.tasks import order_expire_unpaid_task
from tests.orders.placing import (
    NOW,
    buyer_in_san_francisco,
    place,
    seller_with_warehouse,
    shipping_and_tax_tables,
    stocked_offer,
)

JOIN_TIMEOUT = 60


@pytest.fixture
def shop():
    shipping_and_tax_tables()
    acme, acme_warehouse = seller_with_warehouse("Acme")
    books, books_warehouse = seller_with_warehouse("Books & Co")
    kettle = stocked_offer(
        seller=acme, warehouse=acme_warehouse, on_hand=5, title="Acme Kettle", price="24.99"
    )
    book = stocked_offer(
        seller=books, warehouse=books_warehouse, on_hand=5, title="A Field Guide", price="10.00"
    )
    user, address = buyer_in_san_francisco()
    return {"user": user, "address": address, "kettle": kettle, "book": book}


def reserved():
    return dict(Stock.objects.values_list("offer__product__title", "reserved"))


def order_and_parts(order):
    order.refresh_from_db()
    return order.status, sorted(order.seller_orders.values_list("status", flat=True))


@pytest.mark.django_db
def test_expiry_releases_the_stock_and_cancels_the_order_with_a_reason(shop):
    order = place(shop["user"], shop["address"], {shop["kettle"]: 2, shop["book"]: 1})

    expired = order_expire_unpaid(now=NOW + timedelta(minutes=15, seconds=1))

    assert expired == 1
    assert order_and_parts(order) == ("cancelled", ["cancelled", "cancelled"])
    assert order.cancel_reason == "Payment was not completed in time"
    assert reserved() == {"Acme Kettle": 0, "A Field Guide": 0}
    assert set(StockAllocation.objects.values_list("status", flat=True)) == {"released"}
    event = OrderEvent.objects.get(order=order, seller_order=None, kind="cancelled")
    assert (event.from_status, event.to_status, event.message, event.actor_id) == (
        "pending_payment",
        "cancelled",
        EXPIRY_REASON,
        None,
    )


@pytest.mark.django_db
def test_expiry_runs_once_per_order(shop):
    order = place(shop["user"], shop["address"], {shop["kettle"]: 2})
    later = NOW + timedelta(hours=1)

    assert order_expire_unpaid(now=later) == 1
    assert order_expire_unpaid(now=later) == 0

    assert reserved()["Acme Kettle"] == 0
    assert OrderEvent.objects.filter(order=order, seller_order=None, kind="cancelled").count() == 1


@pytest.mark.django_db
def test_expiry_leaves_orders_whose_reservation_has_not_run_out(shop):
    order = place(shop["user"], shop["address"], {shop["kettle"]: 2})

    assert order_expire_unpaid(now=NOW + timedelta(minutes=15)) == 0

    assert order_and_parts(order) == ("pending_payment", ["pending_payment"])
    assert reserved()["Acme Kettle"] == 2


@pytest.mark.django_db
def test_expiry_skips_paid_and_cancelled_orders(shop):
    now = timezone.now()
    paid = place(shop["user"], shop["address"], {shop["kettle"]: 2}, now=now)
    order_mark_paid(order=paid, payment_reference="pay_1", amount=paid.total_amount)
    cancelled = place(shop["user"], shop["address"], {shop["book"]: 1}, now=now)
    assert order_expire_unpaid(now=now + timedelta(minutes=16)) == 1  # the unpaid one
    Order.objects.filter(pk=cancelled.pk).update(reserved_until=now)

    assert order_expire_unpaid(now=now + timedelta(days=1)) == 0

    assert order_and_parts(paid) == ("paid", ["ready_to_ship"])
    assert order_and_parts(cancelled) == ("cancelled", ["cancelled"])
    assert reserved() == {"Acme Kettle": 2, "A Field Guide": 0}
    assert set(
        StockAllocation.objects.filter(line__seller_order__order=paid).values_list("status", flat=True)
    ) == {"committed"}


@pytest.mark.django_db
def test_expiry_takes_at_most_a_batch_per_run(shop):
    for _ in range(3):
        place(shop["user"], shop["address"], {shop["kettle"]: 1})
    later = NOW + timedelta(hours=1)

    assert order_expire_unpaid(now=later, limit=2) == 2
    assert order_expire_unpaid(now=later, limit=2) == 1
    assert Order.objects.filter(status="cancelled").count() == 3


@pytest.mark.django_db
def test_the_beat_task_expires_unpaid_orders_every_minute(shop):
    order = place(
        shop["user"], shop["address"], {shop["kettle"]: 1}, now=timezone.now() - timedelta(minutes=20)
    )

    assert order_expire_unpaid_task.apply().get() == 1

    assert order_and_parts(order) == ("cancelled", ["cancelled"])
    entry = settings.CELERY_BEAT_SCHEDULE["orders-expire-unpaid"]
    assert (entry["task"], entry["schedule"]) == (order_expire_unpaid_task.name, 60.0)
    assert order_expire_unpaid_task.name == "orders.tasks.order_expire_unpaid_task"


def race(works):
    """Run every ``{name: work}`` in its own thread, started together; return ``{name: result or error}``."""
    barrier = threading.Barrier(len(works))
    outcomes = {}

    def run(name, work):
        try:
            barrier.wait()
            outcomes[name] = work()
        except Exception as error:  # noqa: BLE001 - the caller asserts every outcome
            outcomes[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in works.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_expiry_racing_a_late_payment_either_cancels_or_keeps_the_order_never_both(shop):
    # given: orders whose reservation runs out while their payment arrives, one at a time
    now = timezone.now()
    expire_at = now + timedelta(minutes=2)

    for n in range(10):
        offer = shop["kettle"] if n % 2 else shop["book"]
        order = place(shop["user"], shop["address"], {offer: 1}, now=now - timedelta(minutes=14))

        # when: two expiry runs and the payment start together
        outcomes = race(
            {
                "expiry 1": lambda: order_expire_unpaid(now=expire_at),
                "expiry 2": lambda: order_expire_unpaid(now=expire_at),
                "payment": lambda order=order: order_mark_paid(
                    order=Order.objects.get(pk=order.pk),
                    payment_reference=f"pay_{order.pk}",
                    amount=order.total_amount,
                ),
            }
        )

        # then: paid with its stock committed, or cancelled with its stock released; never both
        status, parts = order_and_parts(order)
        allocations = set(
            StockAllocation.objects.filter(line__seller_order__order=order).values_list("status", flat=True)
        )
        expiries = outcomes["expiry 1"] + outcomes["expiry 2"]
        if status == "paid":
            assert isinstance(outcomes["payment"], Order), outcomes["payment"]
            assert (expiries, parts, allocations) == (0, ["ready_to_ship"], {"committed"})
        else:
            assert isinstance(outcomes["payment"], OrderNotPayable), outcomes["payment"]
            assert (status, expiries, parts, allocations) == ("cancelled", 1, ["cancelled"], {"released"})
        assert (
            OrderEvent.objects.filter(order=order, seller_order=None, kind__in=["paid", "cancelled"]).count()
            == 1
        )

    paid = Order.objects.filter(status="paid")
    assert reserved() == {
        "Acme Kettle": paid.filter(seller_orders__lines__title="Acme Kettle").count(),
        "A Field Guide": paid.filter(seller_orders__lines__title="A Field Guide").count(),
    }
