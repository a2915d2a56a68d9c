"""A real Celery worker killed with SIGKILL mid-batch: every e-mail and ledger posting happens once.

The test pays 50 orders; each ``order.paid`` goes through the outbox to a
worker (a ``celery worker`` subprocess, prefork pool, on pytest-django's test
database and a Redis broker database and key prefix of the run's own). Once
some e-mails are out and the worker holds unacknowledged messages, the whole
worker (its process group: parent and pool processes) gets SIGKILL while the
test keeps paying orders. A second worker, with beat running the two sweeps,
takes over. The test waits until the broker is drained and every row is done,
then counts: each confirmation e-mail written exactly once by the sink
backend, each ledger posting once, each outbox event dispatched.

Redis: ``REDIS_URL``'s server (else 127.0.0.1:6379), database 14. Skipped only
when ``REDIS_URL`` is unset and nothing answers there.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

from marketplace.accounts.models import OutboundEmail
from marketplace.celery import app
from marketplace.core.models import OutboxEvent
from orders.lifecycle import order_mark_paid
from payments.models import LedgerEntry
from tests.accounts.factories import UserFactory
from tests.core import sink_email_backend as sink
from tests.fulfillment.factories import StockFactory
from tests.orders.order_data import order_build

BASE_DIR = Path(__file__).resolve().parent.parent.parent
REDIS_DB = 14
ORDERS = 50
KILL_AFTER_SENT = 10
SEND_SECONDS = 0.03
STEP_TIMEOUT = 60.0
EMAIL_HANDLER = "orders.notifications.order_paid_email_send"
LEDGER_HANDLER = "payments.ledger.order_paid_post"


def broker_url() -> str:
    base = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    return urlunsplit(urlsplit(base)._replace(path=f"/{REDIS_DB}"))


@pytest.fixture
def broker():
    """A Redis client and the key prefix of this run; every key under the prefix is deleted after."""
    client = redis.Redis.from_url(broker_url(), socket_connect_timeout=2, socket_timeout=10)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if settings.REDIS_URL:
            raise
        pytest.skip(f"no Redis at {broker_url()} and REDIS_URL is unset")
    prefix = f"killtest-{uuid.uuid4().hex[:12]}:"
    try:
        yield client, prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}*", count=500):
            client.delete(key)
        client.close()


def transport_options(prefix: str) -> dict:
    # Seconds, not minutes: the killed worker's unacknowledged messages come back during the test.
    return {
        "global_keyprefix": prefix,
        "visibility_timeout": 5,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }


@pytest.fixture
def publishing_to(broker):
    """Make this process publish its tasks to the run's broker instead of running them eagerly."""
    _client, prefix = broker
    keys = ("task_always_eager", "broker_url", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False, broker_url=broker_url(), broker_transport_options=transport_options(prefix)
    )
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


class Worker:
    """``celery worker`` in a session of its own, so SIGKILL reaches the pool processes too."""

    def __init__(self, name: str, tmp_path: Path, prefix: str, *, beat: bool = False, die_marker=None):
        self.name = name
        self.log_path = tmp_path / f"worker-{name}.log"
        db = connection.settings_dict
        database = {key: db[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")}
        env = {
            **os.environ,
            # Another module (that star-imports this one) can give the worker the old e-mail path.
            "DJANGO_SETTINGS_MODULE": os.environ.get("KILL_TEST_SETTINGS", "tests.core.worker_kill_settings"),
            "KILL_TEST_DATABASE": json.dumps({**database, "CONN_MAX_AGE": 0}),
            "KILL_TEST_BROKER_URL": broker_url(),
            "KILL_TEST_TRANSPORT_OPTIONS": json.dumps(transport_options(prefix)),
            "KILL_TEST_SEND_SECONDS": str(SEND_SECONDS),
        }
        if die_marker:
            env["KILL_TEST_DIE_MARKER"] = str(die_marker)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--hostname=killtest-{name}-{prefix.rstrip(':')}@%h",
        ]
        if beat:
            command += ["--beat", f"--schedule={tmp_path / f'beat-{name}'}"]
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log_tail(self, lines: int = 60) -> str:
        self.log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return f"--- worker {self.name} (exit {self.process.poll()}) ---\n" + "\n".join(text[-lines:])

    def check_alive(self) -> None:
        assert self.process.poll() is None, f"worker {self.name} exited\n{self.log_tail()}"

    def wait_ready(self) -> None:
        wait_for(
            lambda: " ready." in self.log_path.read_text(errors="replace"), f"worker {self.name} ready", self
        )

    def kill(self) -> None:
        """SIGKILL the whole worker: the parent, its pool processes and beat, at once."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        try:
            self.process.wait(timeout=30)
        finally:
            self.log.close()


def wait_for(condition, what: str, worker: Worker, timeout: float = STEP_TIMEOUT, state=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        worker.check_alive()
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} {state()}\n{worker.log_tail()}")
        time.sleep(0.05)


def broker_backlog(client: redis.Redis, prefix: str) -> tuple[int, int]:
    """(messages waiting in the queue, messages delivered and not yet acknowledged)."""
    return client.llen(f"{prefix}{app.conf.task_default_queue}"), client.hlen(f"{prefix}unacked")


def orders_to_pay(count: int):
    offer = StockFactory(on_hand=count, offer__price_amount=Decimal("10.00")).offer
    return [order_build(user=UserFactory(), parts=[[(offer, 1)]]) for _ in range(count)]


def pay(order) -> None:
    order_mark_paid(order=order, payment_reference=f"pi_{order.number}", amount=order.total_amount)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_neither_loses_nor_repeats_an_email_or_a_ledger_posting(
    tmp_path, broker, publishing_to
):
    client, prefix = broker
    orders = orders_to_pay(ORDERS)
    sink.sink_create()
    workers: list[Worker] = []
    try:
        # Worker a: one of its pool processes dies right after its third dispatch commits (before
        # the e-mail's kick), then the whole worker is killed mid-batch.
        died_after_commit = tmp_path / "died-after-commit"
        first = Worker("a", tmp_path, prefix, die_marker=died_after_commit)
        workers.append(first)
        first.wait_ready()

        # Pay the orders one after the other; kill the worker once some e-mails are out and it
        # holds messages it has not acknowledged (tasks running or about to), and keep paying.
        at_kill = None
        for order in orders:
            pay(order)
            waiting, unacked = broker_backlog(client, prefix)
            if at_kill is None and unacked and sink.sink_count() >= KILL_AFTER_SENT:
                first.kill()
                at_kill = (sink.sink_count(), waiting, unacked)
        if at_kill is None:  # the worker kept up with the payments: wait for the moment
            wait_for(
                lambda: broker_backlog(client, prefix)[1] and sink.sink_count() >= KILL_AFTER_SENT,
                "e-mails out and messages in flight",
                first,
            )
            first.kill()
            at_kill = (sink.sink_count(), *broker_backlog(client, prefix))
        sent_at_kill, _waiting, unacked_at_kill = at_kill
        assert died_after_commit.exists()
        print(f"killed worker a: {sent_at_kill} e-mails sent, (waiting, unacknowledged) {at_kill[1:]}")
        assert unacked_at_kill >= 1
        assert sent_at_kill < ORDERS

        second = Worker("b", tmp_path, prefix, beat=True)
        workers.append(second)

        def all_done() -> bool:
            return (
                broker_backlog(client, prefix) == (0, 0)
                and not OutboundEmail.objects.filter(sent_at__isnull=True).exists()
                and not OutboxEvent.objects.filter(name="order.paid", dispatched_at__isnull=True).exists()
                and OutboundEmail.objects.count() >= ORDERS
            )

        def state() -> str:
            return (
                f"(sink {sink.sink_count()}, e-mail rows {OutboundEmail.objects.count()}, unsent "
                f"{OutboundEmail.objects.filter(sent_at__isnull=True).count()}, undispatched events "
                f"{OutboxEvent.objects.filter(dispatched_at__isnull=True).count()}, "
                f"(waiting, unacknowledged) {broker_backlog(client, prefix)})"
            )

        wait_for(all_done, "every e-mail sent and the broker drained", second, state=state)
        time.sleep(2)  # two more sweeps: nothing is left to send twice
        assert all_done()
        second.kill()
    finally:
        for worker in workers:
            worker.kill()
        rows = sink.sink_rows()
        sink.sink_drop()

    # Each confirmation e-mail was written by the sink exactly once.
    expected = {f"Your Marketplace order {order.number} is confirmed" for order in orders}
    subjects = Counter(subject for _message_id, subject, _pid in rows)
    assert set(subjects) == expected
    assert [subject for subject, count in subjects.items() if count != 1] == []
    stored = dict(OutboundEmail.objects.values_list("message_id", "payload__subject"))
    assert sorted(message_id for message_id, _subject, _pid in rows) == sorted(stored)
    assert len(stored) == ORDERS
    # The second worker took over what the first left (what the first wrote and did not commit
    # rolled back with it).
    assert len(rows) > sent_at_kill
    # Each ledger posting once: a sale and a commission per seller order.
    seller_orders = {order.seller_orders.get().pk for order in orders}
    keys = Counter(LedgerEntry.objects.values_list("key", flat=True))
    assert set(keys) == {f"{kind}:{pk}" for pk in seller_orders for kind in ("sale", "commission")}
    assert set(keys.values()) == {1}
    # Each outbox event dispatched, each handler recorded once.
    for event in OutboxEvent.objects.filter(name="order.paid"):
        assert event.dispatched_at is not None
        assert (
            Counter(event.handlers_done)[EMAIL_HANDLER] == Counter(event.handlers_done)[LEDGER_HANDLER] == 1
        )
