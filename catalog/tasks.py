"""Celery tasks of the catalog: thin wrappers that take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from elasticsearch import ConnectionError as ElasticsearchConnectionError
from elasticsearch import ConnectionTimeout

from catalog.analytics import product_views_flush
from catalog.search.elasticsearch import search_index_es_refresh


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(ElasticsearchConnectionError, ConnectionTimeout),
    retry_backoff=True,
    max_retries=8,
)
def search_index_es_task(self, product_ids: list[int]) -> int:
    """Bring the Elasticsearch documents of these products up to date; safe to run twice."""
    indexed, _deleted = search_index_es_refresh(product_ids=product_ids)
    return indexed


@shared_task(acks_late=True)
def product_views_flush_task() -> int:
    """Save the product page views counted in the cache (beat, every 5 minutes); safe to overlap."""
    return product_views_flush()
