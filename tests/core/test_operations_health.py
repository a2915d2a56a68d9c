"""Liveness (/healthz) and readiness (/readyz) against the real PostgreSQL and Redis.

A dependency is made to fail by pointing its setting at a port where nothing
listens (127.0.0.1:1). Elasticsearch does not run here: its passing case is a
loopback HTTP server that answers like a node does.
"""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
NOTHING_LISTENS = "127.0.0.1:1"
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "test-readyz",
    }
}


def test_healthz_still_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


@override_settings(CELERY_BROKER_URL=REDIS_URL, CACHES=REDIS_CACHE)
def test_readyz_answers_200_when_database_cache_and_broker_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


@override_settings(CELERY_BROKER_URL=f"redis://{NOTHING_LISTENS}/0", CACHES=REDIS_CACHE)
def test_readyz_answers_503_naming_the_broker_when_it_is_down(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok" and body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] == "Unavailable: Unable to connect to Redis: Connection Error"


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{NOTHING_LISTENS}/0",
        }
    }
)
def test_readyz_names_the_cache_when_it_is_down(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_readyz_skips_the_broker_when_tasks_run_in_process(client, settings):
    settings.CELERY_BROKER_URL = "memory://"

    response = client.get("/readyz")

    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache"}


@override_settings(
    SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_DSL={"default": {"hosts": f"http://{NOTHING_LISTENS}"}}
)
def test_readyz_checks_elasticsearch_only_with_that_backend_and_names_it_when_down(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["search"]
    assert body["checks"]["search"] == "Unavailable: Elasticsearch did not answer the ping."


class FakeElasticsearchNode(BaseHTTPRequestHandler):
    """The root endpoint as an Elasticsearch 9 node answers it (the client checks the product header)."""

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def elasticsearch_node():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeElasticsearchNode)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_readyz_passes_when_elasticsearch_answers(client, settings, elasticsearch_node):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_DSL = {"default": {"hosts": elasticsearch_node}}

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["search"] == "ok"


def test_readyz_is_not_cached_writes_no_session_and_carries_the_security_headers(client):
    sessions_before = Session.objects.count()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert Session.objects.count() == sessions_before
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Permissions-Policy" in response
    assert response["X-Request-ID"]


def test_readyz_refuses_a_post(client):
    assert client.post("/readyz").status_code == 405
