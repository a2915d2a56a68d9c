"""An outbox handler's effects commit with its "done" mark, wherever the worker dies (ADR 0060).

``order.paid`` has two async handlers with effects: the confirmation e-mail
(``orders.notifications``, an ``OutboundEmail`` row) and the seller ledger's sale
and commission (``payments.ledger``, entries with unique keys). A death is
simulated with ``SimulatedKill``: nothing catches it and the dispatch's
transaction rolls back, as with ``kill -9``; a lost on-commit callback is one
captured and never run.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.accounts.models import OutboundEmail
from marketplace.accounts.tasks import outbound_email_sweep_task
from marketplace.core import events
from marketplace.core.models import OutboxEvent
from orders.lifecycle import order_mark_paid
from payments.models import LedgerEntry
from tests.accounts.factories import UserFactory
from tests.core.outbox_handlers import SimulatedKill
from tests.fulfillment.factories import StockFactory
from tests.orders.order_data import order_build

pytestmark = pytest.mark.django_db

EMAIL_HANDLER = "orders.notifications.order_paid_email_send"
LEDGER_HANDLER = "payments.ledger.order_paid_post"


@pytest.fixture
def order():
    offer = StockFactory(on_hand=10, offer__price_amount=Decimal("10.00")).offer
    return order_build(user=UserFactory(email="ada@example.com"), parts=[[(offer, 2)]])


def paid_event(order, django_capture_on_commit_callbacks) -> OutboxEvent:
    """Pay the order; its dispatch message is lost (the callback never runs), so nothing ran yet."""
    with django_capture_on_commit_callbacks(execute=False):
        order_mark_paid(order=order, payment_reference="pi_1", amount=order.total_amount)
    return OutboxEvent.objects.get(name="order.paid")


def effects(order) -> tuple[int, int, list[str]]:
    """(e-mail rows, e-mails sent, ledger keys) of the order."""
    rows = OutboundEmail.objects.filter(payload__subject__icontains=order.number).count()
    sent = sum(order.number in message.subject for message in mail.outbox)
    keys = sorted(LedgerEntry.objects.filter(seller_order__order=order).values_list("key", flat=True))
    return rows, sent, keys


def test_order_paid_has_the_email_and_the_ledger_handlers():
    assert {EMAIL_HANDLER, LEDGER_HANDLER} <= set(events.async_handlers("order.paid"))


def test_a_kill_after_the_handlers_ran_but_before_the_done_mark_rolls_back_their_effects(
    order, async_handlers, django_capture_on_commit_callbacks
):
    event = paid_event(order, django_capture_on_commit_callbacks)
    seller_order = order.seller_orders.get()
    events.subscribe_async("order.paid", "tests.core.outbox_handlers.die")  # runs after the real ones

    # when the worker dies inside the dispatch, after the e-mail and ledger handlers ran
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(SimulatedKill):
        events.outbox_dispatch(event_id=event.pk)

    # then nothing of theirs is left, and nothing is marked done
    assert callbacks == []
    assert effects(order) == (0, 0, [])
    event.refresh_from_db()
    assert (event.handlers_done, event.attempts, event.dispatched_at) == ([], 0, None)

    # when the message is delivered again to a worker that lives
    events._async_handlers["order.paid"].remove("tests.core.outbox_handlers.die")
    with django_capture_on_commit_callbacks(execute=True):
        assert events.outbox_dispatch(event_id=event.pk) is True

    # then each effect happened once
    assert effects(order) == (1, 1, [f"commission:{seller_order.pk}", f"sale:{seller_order.pk}"])
    event.refresh_from_db()
    assert {EMAIL_HANDLER, LEDGER_HANDLER} <= set(event.handlers_done)


def test_a_kill_after_the_dispatch_committed_but_before_the_email_was_kicked_leaves_it_to_the_sweep(
    order, django_capture_on_commit_callbacks
):
    """Before ADR 0060 this e-mail was lost: the handler was done and no task was ever enqueued."""
    event = paid_event(order, django_capture_on_commit_callbacks)

    # when the dispatch commits and the worker dies before its on-commit callbacks run
    with django_capture_on_commit_callbacks(execute=False) as lost:
        assert events.outbox_dispatch(event_id=event.pk) is True
    assert len(lost) == 1  # the e-mail's kick

    # then the handler is done and its e-mail is stored, not sent
    event.refresh_from_db()
    assert EMAIL_HANDLER in event.handlers_done
    assert effects(order)[:2] == (1, 0)

    # when the dispatch message is delivered again (acks_late): it finds the event done
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert events.outbox_dispatch(event_id=event.pk) is True
    assert callbacks == []

    # when the sweep runs a minute later, twice (two workers, or the next minute)
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbound_email_sweep_task() == 1
    assert outbound_email_sweep_task() == 0

    # then the e-mail went out once
    assert effects(order)[:2] == (1, 1)
    assert OutboundEmail.objects.get().sent_at is not None


def test_a_kill_while_the_email_is_being_sent_sends_it_once_later(
    order, django_capture_on_commit_callbacks, monkeypatch
):
    from marketplace.accounts import services

    event = paid_event(order, django_capture_on_commit_callbacks)

    def dies(**kwargs):
        raise SimulatedKill

    monkeypatch.setattr(services, "email_send", dies)
    with pytest.raises(SimulatedKill), django_capture_on_commit_callbacks(execute=True):
        events.outbox_dispatch(event_id=event.pk)  # the dispatch commits; its kick dies sending
    monkeypatch.undo()

    assert effects(order)[:2] == (1, 0)
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbound_email_sweep_task() == 1
    assert effects(order)[:2] == (1, 1)
