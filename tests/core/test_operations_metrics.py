"""/metrics: who may read it, and what it counts (requests, queries, tasks, business events).

The test process runs prometheus_client in its single-process mode (no
PROMETHEUS_MULTIPROC_DIR), so the counters are this process's: each test reads
a value before and after, and asserts the difference.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from celery import shared_task
from prometheus_client import REGISTRY

from marketplace.accounts.services import email_enqueue
from marketplace.core import events, metrics
from marketplace.core.middleware import view_label

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-0123456789abcdef"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@shared_task(name="tests.core.operations_metrics_task")
def operations_metrics_task(fail: bool = False) -> None:
    if fail:
        raise ValueError("asked to fail")


def test_metrics_are_a_404_without_the_token(client, settings):
    settings.METRICS_TOKEN = TOKEN

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 404


def test_metrics_are_a_404_for_everyone_when_no_token_is_set_and_debug_is_off(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_metrics_with_the_bearer_token(client, settings):
    settings.METRICS_TOKEN = TOKEN

    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert b"# TYPE marketplace_http_requests_total counter" in response.content


def test_metrics_from_loopback_only_with_debug(client, settings):
    settings.METRICS_TOKEN = ""
    settings.DEBUG = True

    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


def test_a_request_is_counted_by_view_method_and_status_with_its_queries(client, settings):
    settings.METRICS_TOKEN = TOKEN
    labels = {"method": "GET", "view": "healthz", "status": "200"}
    before = sample("marketplace_http_requests_total", **labels)
    queries_before = sample("marketplace_http_request_db_queries_sum", view="healthz")
    unresolved_before = sample(
        "marketplace_http_requests_total", method="GET", view="<unresolved>", status="404"
    )

    client.get("/healthz")
    client.get("/no-such-page-at-all/here/")
    body = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()

    assert sample("marketplace_http_requests_total", **labels) == before + 1
    assert sample("marketplace_http_request_db_queries_sum", view="healthz") == queries_before + 1
    assert sample("marketplace_http_request_duration_seconds_count", method="GET", view="healthz") >= 1
    assert (
        sample("marketplace_http_requests_total", method="GET", view="<unresolved>", status="404")
        == unresolved_before + 1
    )
    assert f'marketplace_http_requests_total{{method="GET",status="200",view="healthz"}} {before + 1}' in body


def test_a_junk_method_is_counted_as_other(client):
    labels = {"view": "readyz", "status": "405"}
    before = sample("marketplace_http_requests_total", method="other", **labels)

    client.generic("BREW", "/readyz")

    assert sample("marketplace_http_requests_total", method="other", **labels) == before + 1
    assert sample("marketplace_http_requests_total", method="BREW", **labels) == 0


def test_database_queries_are_counted_per_alias(django_user_model):
    before = sample("marketplace_db_queries_total", alias="default")

    django_user_model.objects.filter(email="nobody@example.com").exists()
    django_user_model.objects.count()

    assert sample("marketplace_db_queries_total", alias="default") == before + 2


def test_business_events_are_counted_when_their_transaction_commits(django_capture_on_commit_callbacks):
    placed = sample("marketplace_orders_placed_total")
    paid = sample("marketplace_payments_succeeded_total")
    refunds = sample("marketplace_refunds_total")
    failed_refunds = sample("marketplace_refunds_failed_total")
    emails = sample("marketplace_emails_sent_total")

    with django_capture_on_commit_callbacks(execute=False) as pending:
        events.emit("order.placed", order_id=1)
    assert sample("marketplace_orders_placed_total") == placed  # not before the commit
    for callback in pending:
        callback()

    with django_capture_on_commit_callbacks(execute=True):
        events.emit("order.paid", order_id=1, previous="pending_payment", status="paid")
        events.emit("order.on_hold", order_id=2, previous="pending_payment", status="on_hold")
        events.emit("order.paid", order_id=2, previous="on_hold", status="paid")  # counted when held
        events.emit("refund.created", refund_id=1, payment_id=1, order_id=1, amount="5.00")
        events.emit("refund.failed", refund_id=1, payment_id=1, order_id=1, amount="5.00")
        events.emit("email.sent", email_id=1)

    assert sample("marketplace_orders_placed_total") == placed + 1
    assert sample("marketplace_payments_succeeded_total") == paid + 2
    assert sample("marketplace_refunds_total") == refunds + 1
    assert sample("marketplace_refunds_failed_total") == failed_refunds + 1
    assert sample("marketplace_emails_sent_total") == emails + 1


def test_a_rolled_back_order_is_not_counted(django_capture_on_commit_callbacks):
    placed = sample("marketplace_orders_placed_total")

    with django_capture_on_commit_callbacks(execute=False) as pending:
        events.emit("order.placed", order_id=1)

    pending.clear()  # the transaction rolled back: its on-commit callbacks never run
    assert sample("marketplace_orders_placed_total") == placed


def test_a_sent_email_is_counted(mailoutbox, django_capture_on_commit_callbacks):
    before = sample("marketplace_emails_sent_total")

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            {"subject": "Hi", "body": "Hello", "from_email": "shop@example.com", "to": ["a@example.com"]}
        )

    assert len(mailoutbox) == 1
    assert sample("marketplace_emails_sent_total") == before + 1


def test_celery_tasks_are_counted_by_state():
    succeeded = sample(
        "marketplace_celery_tasks_total", task="tests.core.operations_metrics_task", state="SUCCESS"
    )
    failed = sample(
        "marketplace_celery_tasks_total", task="tests.core.operations_metrics_task", state="FAILURE"
    )
    timed = sample(
        "marketplace_celery_task_duration_seconds_count", task="tests.core.operations_metrics_task"
    )

    operations_metrics_task.apply()
    operations_metrics_task.apply(kwargs={"fail": True}, throw=False)

    task = "tests.core.operations_metrics_task"
    assert sample("marketplace_celery_tasks_total", task=task, state="SUCCESS") == succeeded + 1
    assert sample("marketplace_celery_tasks_total", task=task, state="FAILURE") == failed + 1
    assert sample("marketplace_celery_task_duration_seconds_count", task=task) == timed + 2


def test_the_worker_endpoint_answers_only_with_the_token(settings):
    settings.METRICS_TOKEN = TOKEN
    server = metrics.worker_server_start(address="127.0.0.1", port=0)
    url = f"http://127.0.0.1:{server.server_port}/metrics"
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 (loopback)
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            body = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()

    assert refused.value.code == 404
    assert "# TYPE marketplace_celery_tasks_total counter" in body


def test_the_worker_serves_no_metrics_without_a_token(settings, caplog):
    settings.METRICS_WORKER_PORT = 1  # never bound: the token is missing
    settings.METRICS_TOKEN = ""

    metrics.worker_metrics_serve()

    assert "METRICS_WORKER_PORT is set but METRICS_TOKEN is not" in caplog.text


def test_static_files_and_unmatched_paths_have_labels_of_their_own(rf):
    assert view_label(rf.get("/static/site.css")) == "<static>"
    assert view_label(rf.get("/no/such/page/")) == "<unresolved>"
