"""Request ids: on the response, in every log record of the request, and through Celery to the worker.

The Celery cases publish to kombu's in-memory broker (eager mode off for the
test), read the message back, and run it the way a worker does
(``celery.worker.request.Request``), so no worker process is needed.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import shared_task
from celery.worker.request import Request
from django.conf import settings
from django.http import HttpResponse

from marketplace.celery import app
from marketplace.core import logs
from marketplace.core.middleware import RequestIdMiddleware

BASE_DIR = Path(__file__).resolve().parent.parent.parent
logger = logging.getLogger("tests.operations")


@shared_task(name="tests.core.operations_log_task")
def operations_log_task(word: str) -> str:
    logger.warning("task says %s", word)
    return word


@pytest.fixture
def log_lines():
    """The JSON lines that the console handler's filter and formatter make of the records logged."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def respond_after_logging(request):
    logger.warning("handling %s", request.path)
    return HttpResponse("ok")


@pytest.mark.django_db
def test_a_request_gets_a_new_id_on_the_response_header(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == 32 and first != second
    assert logs.request_id_is_sane(first)


@pytest.mark.django_db
def test_a_sane_incoming_id_is_kept_and_a_junk_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-2f1c.9_A"})
    too_long = client.get("/healthz", headers={"X-Request-ID": "a" * 129})
    odd = client.get("/healthz", headers={"X-Request-ID": "Root=1-abc;Parent=2"})

    assert kept["X-Request-ID"] == "lb-2f1c.9_A"
    assert too_long["X-Request-ID"] != "a" * 129 and len(too_long["X-Request-ID"]) == 32
    assert odd["X-Request-ID"] != "Root=1-abc;Parent=2" and len(odd["X-Request-ID"]) == 32


def test_every_log_record_of_the_request_carries_its_id_and_none_after_it(rf, log_lines):
    middleware = RequestIdMiddleware(respond_after_logging)

    response = middleware(rf.get("/p/kettle/", headers={"X-Request-ID": "req-1"}))
    logger.warning("after the request")

    assert response["X-Request-ID"] == "req-1"
    lines = log_lines()
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("handling /p/kettle/", "req-1"),
        ("after the request", "-"),
    ]
    assert {"time", "level", "logger"} <= set(lines[0])
    assert (lines[0]["level"], lines[0]["logger"]) == ("WARNING", "tests.operations")
    assert logs.request_id_get() == ""


@pytest.fixture
def memory_broker():
    """Eager mode off, publishing to kombu's in-memory transport; the app's own settings restored after."""
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    app._pool = None
    app.amqp._producer_pool = None
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue)
        queue.clear()
        try:
            yield queue
        finally:
            queue.clear()
            queue.close()
            app.conf.update(saved)
            app._pool = None
            app.amqp._producer_pool = None


def test_a_task_enqueued_during_a_request_carries_the_id_and_the_worker_logs_with_it(
    rf, memory_broker, log_lines
):
    # given: a request that enqueues a task
    def enqueue(request):
        operations_log_task.delay("hello")
        return HttpResponse("queued")

    RequestIdMiddleware(enqueue)(rf.post("/cart/add/", headers={"X-Request-ID": "checkout-42"}))

    # when: the message is read from the broker and run as a worker runs it, outside the request
    message = memory_broker.get(timeout=2)
    assert message.headers["task"] == "tests.core.operations_log_task"
    assert message.headers["request_id"] == "checkout-42"
    Request(message, app=app, task=operations_log_task).execute()
    message.ack()
    logger.warning("after the task")

    # then: the task's records show the request's id, its task id and name; none leaks after it
    task_lines = [line for line in log_lines() if line["message"] in ("task says hello", "after the task")]
    assert [(line["message"], line["request_id"]) for line in task_lines] == [
        ("task says hello", "checkout-42"),
        ("after the task", "-"),
    ]
    assert task_lines[0]["task_id"] == message.headers["id"]
    assert task_lines[0]["task_name"] == "tests.core.operations_log_task"
    assert "task_id" not in task_lines[1]


def test_a_task_published_outside_a_request_carries_no_id(memory_broker):
    operations_log_task.delay("quiet")

    message = memory_broker.get(timeout=2)
    message.ack()
    assert "request_id" not in message.headers


def test_an_eager_task_logs_with_the_id_of_the_request_that_ran_it(rf, log_lines):
    def run_task(request):
        operations_log_task.delay("eager")
        return HttpResponse("ran")

    RequestIdMiddleware(run_task)(rf.get("/", headers={"X-Request-ID": "eager-7"}))

    line = next(line for line in log_lines() if line["message"] == "task says eager")
    assert line["request_id"] == "eager-7"
    assert line["task_name"] == "tests.core.operations_log_task"


def test_the_test_and_dev_settings_log_text_with_the_request_id():
    console = settings.LOGGING["handlers"]["console"]

    assert console["formatter"] == "text"
    assert console["filters"] == ["request_id"]
    assert "[%(request_id)s]" in settings.LOGGING["formatters"]["text"]["format"]


def run_settings(module: str, code: str, **environment: str) -> subprocess.CompletedProcess:
    inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": module,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/logs_check_never_connected",
        "SECRET_KEY": "k3Zr9QvTq2Lx8Wn5Yb7Pd4Hs6Jf1Mc0Ga2Ue9Ro5Ti8Ey3Wk-Vh7Nb1",
        "ALLOWED_HOSTS": "shop.example.com",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


LOG_ONE_LINE = (
    "import django, logging; django.setup()\n"
    "from marketplace.core import logs\n"
    "logs.request_id_var.set('abc-1')\n"
    "logging.getLogger('marketplace.x').warning('disk %s full', 'sda', extra={'percent': 97})"
)


def test_production_logs_json_lines_by_default():
    result = run_settings("marketplace.settings.prod", LOG_ONE_LINE)

    assert result.returncode == 0, result.stderr
    record = json.loads(result.stderr.strip())
    assert {key: record[key] for key in ("level", "logger", "message", "request_id", "percent")} == {
        "level": "WARNING",
        "logger": "marketplace.x",
        "message": "disk sda full",
        "request_id": "abc-1",
        "percent": 97,
    }
    assert record["time"]


def test_log_format_text_gives_readable_lines_and_a_wrong_value_is_refused():
    text = run_settings("marketplace.settings.prod", LOG_ONE_LINE, LOG_FORMAT="text")
    wrong = run_settings("marketplace.settings.prod", LOG_ONE_LINE, LOG_FORMAT="yaml")

    assert text.returncode == 0, text.stderr
    assert text.stderr.strip().endswith("WARNING marketplace.x [abc-1] disk sda full")
    assert wrong.returncode == 1
    assert "LOG_FORMAT must be text or json, not 'yaml'." in wrong.stderr
