"""Celery: the configuration, and an account e-mail delivered by a real worker.

The worker test starts an embedded worker thread (``celery.contrib.testing.worker``)
on the project's own Celery app with eager mode off, so the e-mail goes
request -> transaction commit -> broker -> worker -> ``outbound_email_send_task``. With
``REDIS_URL`` set the broker is that Redis server, on database 15 so no other
worker consumes the message; without it, kombu's in-memory transport.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.conf import settings
from django.core import mail
from django.urls import reverse

from marketplace.accounts.tasks import outbound_email_send_task, outbound_email_sweep_task
from marketplace.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DELIVERY_TIMEOUT = 20.0
WORKER_REDIS_DB = 15


def worker_broker_url() -> str:
    """The project's broker, moved to a Redis database of its own when it is Redis."""
    if not settings.REDIS_URL:
        return "memory://"
    return urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{WORKER_REDIS_DB}"))


def reset_broker_connections() -> None:
    """Drop the app's cached broker connection and producer pools so the next send uses broker_url.

    Celery caches both on first use; this is the reset it performs itself after a fork. The pools
    stay open in kombu's registry, keyed by URL, for whoever uses that URL next.
    """
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def live_worker():
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "worker_hijack_root_logger")}
    app.conf.task_always_eager = False
    app.conf.broker_url = worker_broker_url()
    app.conf.worker_hijack_root_logger = False  # leave the test session's logging alone
    reset_broker_connections()
    app.control.purge()  # leftovers of an interrupted run would be delivered first
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        reset_broker_connections()


@pytest.fixture
def task_runs():
    """(task name, is_eager, routing key it came in on, thread name) of every task that starts."""
    runs = []

    def record(sender=None, task=None, **kwargs):
        runs.append(
            (
                task.name,
                task.request.is_eager,
                (task.request.delivery_info or {}).get("routing_key"),
                threading.current_thread().name,
            )
        )

    task_prerun.connect(record, weak=False)
    yield runs
    task_prerun.disconnect(record)


def wait_for_outbox(count: int) -> None:
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_signup_confirmation_email(client, live_worker, task_runs):
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url == worker_broker_url()
    with app.connection_for_write() as connection:
        assert connection.transport.driver_type == ("redis" if settings.REDIS_URL else "memory")

    response = client.post(
        reverse("account_signup"),
        {
            "email": "worker@example.com",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    wait_for_outbox(1)

    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["worker@example.com"], "[Marketplace] Confirm your e-mail address")
    ]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    (name, is_eager, routing_key, thread_name), *others = task_runs
    assert others == []
    assert name == "marketplace.accounts.tasks.outbound_email_send_task"
    assert is_eager is False
    assert routing_key == app.conf.task_default_queue
    assert thread_name != threading.current_thread().name


def test_tasks_are_acknowledged_late_and_requeued_if_the_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert outbound_email_send_task.acks_late is True
    assert outbound_email_sweep_task.acks_late is True
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]


def test_redis_gives_a_dead_workers_messages_out_again_after_a_timeout_longer_than_any_countdown():
    from marketplace.core.tasks import OUTBOX_RETRY_MAX_COUNTDOWN

    visibility_timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility_timeout == 900
    # A message waiting for its retry countdown stays unacknowledged: a shorter timeout would
    # hand it to a second worker. retry_backoff's ceiling (retry_backoff_max) is the other bound.
    assert OUTBOX_RETRY_MAX_COUNTDOWN == 600 < visibility_timeout
    app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
    backoff_tasks = [task for task in app.tasks.values() if getattr(task, "retry_backoff", False)]
    assert backoff_tasks
    assert all(getattr(task, "retry_backoff_max", 600) < visibility_timeout for task in backoff_tasks)


def test_the_sweeps_of_the_outbox_and_the_outbound_emails_run_every_minute():
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert schedule["outbox-sweep"]["task"] == "marketplace.core.tasks.outbox_sweep_task"
    assert schedule["accounts-outbound-email-sweep"]["task"] == outbound_email_sweep_task.name
    assert (
        schedule["outbox-sweep"]["schedule"] == schedule["accounts-outbound-email-sweep"]["schedule"] == 60.0
    )


def celery_config_in_fresh_process(**env_overrides: str) -> str:
    env = {
        key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.dev",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/celery_check_never_connected",
        **env_overrides,
    )
    code = (
        "import django; django.setup(); from marketplace.celery import app; "
        "print(app.conf.broker_url, app.conf.task_always_eager, app.conf.task_acks_late)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_without_redis_url_tasks_run_eagerly_on_the_memory_transport():
    assert celery_config_in_fresh_process() == "memory:// True True\n"


def test_with_redis_url_redis_is_the_broker_and_tasks_go_to_workers():
    output = celery_config_in_fresh_process(REDIS_URL="redis://127.0.0.1:6379/3")

    assert output == "redis://127.0.0.1:6379/3 False True\n"
