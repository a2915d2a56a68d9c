from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace.core import events
from marketplace.core.models import OutboxEvent
from marketplace.core.tasks import outbox_dispatch_task, outbox_sweep_task

pytestmark = pytest.mark.django_db

RECORD = "tests.core.outbox_handlers.record"
FLAKY = "tests.core.outbox_handlers.flaky"


def test_emit_without_async_handlers_runs_sync_handlers_and_writes_no_row(async_handlers):
    received = []
    events.subscribe("test.sync_only", lambda **payload: received.append(payload))

    events.emit("test.sync_only", thing_id=1)

    assert received == [{"thing_id": 1}]
    assert OutboxEvent.objects.count() == 0


def test_emit_writes_the_outbox_row_in_the_transaction_and_dispatches_after_commit(
    async_handlers, django_capture_on_commit_callbacks
):
    events.subscribe_async("test.happened", RECORD)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            events.emit("test.happened", thing_id=7, amount=Decimal("12.50"))
            event = OutboxEvent.objects.get()
            assert (event.name, event.payload, event.dispatched_at) == (
                "test.happened",
                {"thing_id": 7, "amount": "12.50"},
                None,
            )
        assert async_handlers.calls == []

    assert len(callbacks) == 1
    assert async_handlers.calls == [("record", {"thing_id": 7, "amount": "12.50"})]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert (event.attempts, event.last_error, event.handlers_done) == (1, "", [RECORD])


def test_the_outbox_row_rolls_back_with_the_transaction(async_handlers, django_capture_on_commit_callbacks):
    events.subscribe_async("test.happened", RECORD)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events.emit("test.happened", thing_id=7)
        raise RuntimeError("the change failed")

    assert OutboxEvent.objects.count() == 0
    assert callbacks == []
    assert async_handlers.calls == []


def test_durable_emit_stores_the_event_without_async_handlers(async_handlers):
    events.emit("test.nobody_listens", durable=True, thing_id=3)

    event = OutboxEvent.objects.get()
    assert (event.name, event.payload) == ("test.nobody_listens", {"thing_id": 3})
    assert events.outbox_dispatch(event_id=event.pk) is True


def test_a_failing_handler_is_recorded_and_retried_without_rerunning_the_others(async_handlers):
    events.subscribe_async("test.happened", RECORD)
    events.subscribe_async("test.happened", FLAKY)
    event = events.emit_async("test.happened", thing_id=5)

    # when the first dispatch fails in one handler
    assert events.outbox_dispatch(event_id=event.pk) is False

    event.refresh_from_db()
    assert (event.attempts, event.handlers_done, event.dispatched_at) == (1, [RECORD], None)
    assert event.last_error.startswith(f"{FLAKY}: RuntimeError('the mail server is down')")
    assert [name for name, _ in async_handlers.calls] == ["record", "flaky"]

    # when it is retried after the fault is gone
    async_handlers.failing["on"] = False
    assert events.outbox_dispatch(event_id=event.pk) is True

    event.refresh_from_db()
    assert (event.attempts, event.handlers_done, event.last_error) == (2, [RECORD, FLAKY], "")
    assert event.dispatched_at is not None
    assert [name for name, _ in async_handlers.calls] == ["record", "flaky", "flaky"]


def test_a_failing_handler_writes_nothing(async_handlers):
    events.subscribe_async("test.happened", "tests.core.outbox_handlers.write_then_fail")
    event = events.emit_async("test.happened")

    assert events.outbox_dispatch(event_id=event.pk) is False

    assert list(OutboxEvent.objects.values_list("name", flat=True)) == ["test.happened"]


def test_the_dispatch_task_run_eagerly_records_the_failure_without_raising(async_handlers):
    events.subscribe_async("test.happened", FLAKY)
    event = events.emit_async("test.happened", thing_id=5)

    outbox_dispatch_task.delay(event.pk)

    event.refresh_from_db()
    assert (event.attempts, event.dispatched_at) == (1, None)


def test_a_dispatched_event_is_not_dispatched_again(async_handlers):
    events.subscribe_async("test.happened", RECORD)
    event = events.emit_async("test.happened", thing_id=5)
    assert events.outbox_dispatch(event_id=event.pk) is True

    assert events.outbox_dispatch(event_id=event.pk) is True

    event.refresh_from_db()
    assert event.attempts == 1
    assert async_handlers.calls == [("record", {"thing_id": 5})]


def test_the_sweep_dispatches_events_left_undispatched_for_a_minute(async_handlers):
    events.subscribe_async("test.happened", RECORD)
    old = events.emit_async("test.happened", thing_id=1)
    recent = events.emit_async("test.happened", thing_id=2)
    given_up = events.emit_async("test.happened", thing_id=3)
    OutboxEvent.objects.filter(pk__in=[old.pk, given_up.pk]).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    OutboxEvent.objects.filter(pk=given_up.pk).update(attempts=events.OUTBOX_MAX_ATTEMPTS)

    assert outbox_sweep_task() == 1

    assert async_handlers.calls == [("record", {"thing_id": 1})]
    assert set(OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True)) == {
        recent.pk,
        given_up.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_a_committed_event_is_dispatched_by_celery(async_handlers):
    events.subscribe_async("test.happened", RECORD)

    with transaction.atomic():
        events.emit("test.happened", thing_id=9)
        assert async_handlers.calls == []

    assert async_handlers.calls == [("record", {"thing_id": 9})]
    assert OutboxEvent.objects.get().dispatched_at is not None
