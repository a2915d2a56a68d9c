"""Count one product page view in the cache: one round trip, no query.

Pending counts live in one hash, ``catalog:views:pending``, with a field per
``<UTC day>:<product id>:<buy-box seller id or 0>``. On Redis (production) a
view is one ``HINCRBY``; a flush takes the whole hash at once by renaming it
(``RENAME`` is atomic: views counted afterwards start a new hash, and two
flushes can never take the same counts). The local-memory cache of the
embedded mode lives in one process, so there a lock of this module makes the
read-modify-write of the hash and the take atomic.

Requests from bots (a User-Agent naming one, or none at all) and HEAD requests
are not counted; a cache that is down loses the view, never the page.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

logger = logging.getLogger(__name__)

PENDING_KEY = "catalog:views:pending"
CLAIM_PREFIX = PENDING_KEY + ":flushing:"
# A claim older than this was left by a flush that died before it finished: the next flush takes it.
CLAIM_STALE_SECONDS = 600

# Crawlers, link previews, monitors and HTTP libraries. Matched case-insensitively anywhere in the
# User-Agent; a request without one is not counted either. docs/decisions/0078-seller-analytics.md.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|scrapy|archiver|curl|wget|python-requests|python-urllib|httpx|aiohttp"
    r"|go-http-client|okhttp|java/|libwww|headless|phantomjs|lighthouse|pingdom|uptime|monitor"
    r"|facebookexternalhit|embedly|preview|validator",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    """Whether a request with this User-Agent is left out of the page views."""
    text = (user_agent or "").strip()
    return not text or bool(BOT_PATTERN.search(text))


def view_field(*, day: date, product_id: int, buy_box_seller_id: int | None) -> str:
    return f"{day.isoformat()}:{product_id}:{buy_box_seller_id or 0}"


def view_field_parse(name: str) -> tuple[int, date, int | None] | None:
    """(product id, day, buy-box seller id or None) of a field, or None for one that is not ours."""
    try:
        day, product_id, seller_id = name.split(":")
        return int(product_id), date.fromisoformat(day), int(seller_id) or None
    except ValueError:
        return None


@dataclass
class Batch:
    """Counts taken from the cache by one flush: ``commit`` once they are saved, else ``rollback``."""

    counts: dict[str, int]
    store: object
    claims: list = field(default_factory=list)

    def commit(self) -> None:
        self.store.commit(self)

    def rollback(self) -> None:
        self.store.rollback(self)


class RedisStore:
    """The pending hash in Redis, next to the cache's own keys (same prefix and server)."""

    def __init__(self, backend: RedisCache):
        self.backend = backend
        self.key = backend.make_and_validate_key(PENDING_KEY)

    def client(self):
        return self.backend._cache.get_client(self.key, write=True)

    def add(self, name: str, count: int = 1) -> None:
        self.client().hincrby(self.key, name, count)

    def _claim_name(self) -> str:
        return self.backend.make_and_validate_key(f"{CLAIM_PREFIX}{int(time.time())}:{uuid.uuid4().hex}")

    def _rename(self, client, source, target) -> bool:
        from redis.exceptions import ResponseError

        try:
            client.rename(source, target)
        except ResponseError:  # gone: nothing pending, or another flush took it first
            return False
        return True

    def take(self) -> Batch:
        client = self.client()
        claims = []
        claim = self._claim_name()
        if self._rename(client, self.key, claim):
            claims.append(claim)
        prefix = self.backend.make_and_validate_key(CLAIM_PREFIX)
        stale_before = time.time() - CLAIM_STALE_SECONDS
        for raw in client.scan_iter(match=prefix + "*", count=100):
            name = raw.decode() if isinstance(raw, bytes) else raw
            if name in claims:
                continue
            try:
                started = int(name[len(prefix) :].split(":", 1)[0])
            except ValueError:
                continue
            if started < stale_before:
                orphan = self._claim_name()
                if self._rename(client, name, orphan):
                    claims.append(orphan)
        counts: dict[str, int] = {}
        for claim in claims:
            for name, value in client.hgetall(claim).items():
                name = name.decode() if isinstance(name, bytes) else name
                counts[name] = counts.get(name, 0) + int(value)
        return Batch(counts=counts, store=self, claims=claims)

    def commit(self, batch: Batch) -> None:
        if batch.claims:
            self.client().delete(*batch.claims)

    def rollback(self, batch: Batch) -> None:
        """Give the counts back to the pending hash and drop the claims, in one transaction."""
        pipe = self.client().pipeline(transaction=True)
        for name, count in batch.counts.items():
            pipe.hincrby(self.key, name, count)
        if batch.claims:
            pipe.delete(*batch.claims)
        pipe.execute()


_LOCAL_LOCK = threading.Lock()


class LocalStore:
    """Any other cache (local memory): the hash is a dict in one entry, changed under a process lock."""

    def __init__(self, backend):
        self.backend = backend

    def add(self, name: str, count: int = 1) -> None:
        with _LOCAL_LOCK:
            pending = self.backend.get(PENDING_KEY) or {}
            pending[name] = pending.get(name, 0) + count
            self.backend.set(PENDING_KEY, pending, None)

    def take(self) -> Batch:
        with _LOCAL_LOCK:
            pending = self.backend.get(PENDING_KEY) or {}
            self.backend.delete(PENDING_KEY)
        return Batch(counts=pending, store=self)

    def commit(self, batch: Batch) -> None:
        pass

    def rollback(self, batch: Batch) -> None:
        for name, count in batch.counts.items():
            self.add(name, count)


def view_store():
    backend = caches["default"]
    return RedisStore(backend) if isinstance(backend, RedisCache) else LocalStore(backend)


def product_view_count(
    request, *, product_id: int, buy_box_seller_id: int | None, now: datetime | None = None
) -> bool:
    """Count one view of the product's page (unless a bot asked); return whether it was counted."""
    if request.method != "GET" or is_bot(request.headers.get("User-Agent")):
        return False
    day = (now or timezone.now()).astimezone(UTC).date()
    try:
        view_store().add(view_field(day=day, product_id=product_id, buy_box_seller_id=buy_box_seller_id))
    except Exception:  # a cache that is down loses the view, not the page
        logger.warning("product view not counted: cache unavailable", exc_info=True)
        return False
    return True
