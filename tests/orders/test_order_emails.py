from decimal import Decimal

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.db import transaction

from marketplace.core import events
from marketplace.core.models import OutboxEvent
from orders.lifecycle import order_cancel, order_mark_paid
from tests.accounts.factories import UserFactory
from tests.fulfillment.factories import StockFactory
from tests.orders.order_data import order_build

pytestmark = pytest.mark.django_db

CONFIRMATION = "orders.notifications.order_paid_email_send"
CANCELLATION = "orders.notifications.order_cancelled_email_send"


@pytest.fixture
def order():
    lamp = StockFactory(
        on_hand=10, offer__price_amount=Decimal("10.00"), offer__product__title="Desk lamp"
    ).offer
    bulb = StockFactory(
        on_hand=10,
        offer__price_amount=Decimal("25.00"),
        offer__product__title="LED bulb",
        offer__seller__name="Lamp World",
    ).offer
    user = UserFactory(email="ada@example.com")
    return order_build(user=user, parts=[[(lamp, 2)], [(bulb, 1)]])


def pay(order):
    return order_mark_paid(order=order, payment_reference="pi_1", amount=order.total_amount)


def test_the_confirmation_is_sent_after_the_payment_commits(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
        assert mail.outbox == []

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"Your Marketplace order {order.number} is confirmed"
    assert message.to == ["ada@example.com"]
    assert message.from_email == "Marketplace <no-reply@marketplace.test>"
    # A transactional test elsewhere may have flushed the site row back to example.com.
    url = f"http://{Site.objects.get_current().domain}/orders/{order.number}/"
    for text in (
        f"Order {order.number}",
        f"Sold by Lamp World ({order.number}-2, Standard)",
        "  2 x Desk lamp  $20.00",
        "  1 x LED bulb  $25.00",
        "Total:    $57.50",
        "12 Analytical Way",
        url,
    ):
        assert text in message.body, text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{url}"' in html
    assert "2 &times; Desk lamp" in html
    event = OutboxEvent.objects.get(name="order.paid")
    assert CONFIRMATION in event.handlers_done


def test_the_cancellation_says_whether_a_refund_follows(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=order.user, reason="Ordered by mistake")

    assert [(m.subject, m.to) for m in mail.outbox] == [
        (f"Your Marketplace order {order.number} has been cancelled", ["ada@example.com"])
    ]
    body = mail.outbox[0].body
    assert "Reason: Ordered by mistake" in body
    assert "You have not been charged." in body
    assert "  1 x LED bulb  $25.00" in body


def test_cancelling_a_paid_order_mentions_the_refund(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=order.user, reason="")

    assert "Your payment of $57.50 will be refunded" in mail.outbox[0].body


def test_no_email_when_the_payment_rolls_back(order, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        pay(order)
        raise RuntimeError("the caller failed after paying")

    assert callbacks == []
    assert mail.outbox == []
    assert OutboxEvent.objects.count() == 0


def test_dispatching_the_event_again_sends_no_second_email(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    event = OutboxEvent.objects.get(name="order.paid")
    OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if the row update had been lost

    with django_capture_on_commit_callbacks(execute=True):
        events.outbox_dispatch(event_id=event.pk)

    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_goes_out_through_a_real_commit(order):
    pay(order)

    assert [m.subject for m in mail.outbox] == [f"Your Marketplace order {order.number} is confirmed"]
    assert OutboxEvent.objects.get(name="order.paid").dispatched_at is not None
