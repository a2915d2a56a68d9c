"""Readiness: can this process serve? Database, cache, broker and search backend (django-health-check).

``/healthz`` is the liveness probe (the process answers and its database
connection runs ``SELECT 1``); ``/readyz`` runs every check below at once and
answers 200, or 503 naming each dependency that failed. The checks are built
from the settings on every call, so what they probe is what the process uses:

* ``database`` (and ``database_replica`` when ``DATABASE_REPLICA_URL`` is set):
  ``SELECT 1`` on a connection of its own.
* ``cache``: one key set and read back, expiring in seconds.
* ``broker``: a Redis ``PING`` on ``CELERY_BROKER_URL``; skipped when tasks run
  eagerly in-process (``memory://``: there is no broker).
* ``search``: an Elasticsearch ping, only with ``SEARCH_BACKEND=elasticsearch``
  (the PostgreSQL backend is the database).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.db import connections
from elasticsearch import Elasticsearch
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from redis.asyncio import Redis as RedisClient

CHECK_TIMEOUT = datetime.timedelta(seconds=3)
CONNECT_TIMEOUT_SECONDS = 2


@dataclasses.dataclass
class ElasticsearchPing(HealthCheck):
    """Ping the Elasticsearch cluster the search backend uses."""

    hosts: str = dataclasses.field(default="", repr=False)
    timeout: datetime.timedelta = dataclasses.field(default=CHECK_TIMEOUT, repr=False)

    def run(self) -> None:
        client = Elasticsearch(
            self.hosts, request_timeout=CONNECT_TIMEOUT_SECONDS, max_retries=0, retry_on_timeout=False
        )
        try:
            if not client.ping():
                raise ServiceUnavailable("Elasticsearch did not answer the ping.")
        finally:
            client.close()


def broker_client_factory(url: str):
    def factory() -> RedisClient:
        return RedisClient.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=CONNECT_TIMEOUT_SECONDS
        )

    return factory


def readiness_checks() -> dict[str, HealthCheck]:
    """The checks of this process's dependencies, by the name ``/readyz`` reports them under."""
    checks: dict[str, HealthCheck] = {"database": Database(alias="default")}
    if "replica" in connections.settings:
        checks["database_replica"] = Database(alias="replica")
    checks["cache"] = Cache(alias="default", timeout=CHECK_TIMEOUT)
    broker_url = settings.CELERY_BROKER_URL or ""
    if broker_url.startswith(("redis://", "rediss://", "unix://")):
        checks["broker"] = Redis(client_factory=broker_client_factory(broker_url))
    if settings.SEARCH_BACKEND == "elasticsearch":
        checks["search"] = ElasticsearchPing(hosts=settings.ELASTICSEARCH_DSL["default"]["hosts"])
    return checks
