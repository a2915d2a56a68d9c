"""Product page views: counted in the cache per view (live render and page-cache hit), bots left out,
flushed into ProductViewDaily with an upsert that never counts a view twice."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache, caches
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from catalog.analytics import is_bot, product_views_flush
from catalog.analytics.counting import PENDING_KEY, view_store
from catalog.analytics.flushing import UPSERT_SQL, UPSERT_TABLES
from catalog.cache import HEADER
from catalog.models import Product, ProductViewDaily
from catalog.services import product_refresh_buy_box
from catalog.tasks import product_views_flush_task
from sellers.models import Seller
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
D = Decimal


@pytest.fixture(autouse=True)
def clean_counts():
    cache.delete(PENDING_KEY)
    yield
    cache.delete(PENDING_KEY)


def listed(price: str, product=None):
    offer = OfferFactory(product=product or ProductFactory(), price_amount=D(price), shipping_amount=D("0"))
    StockFactory(offer=offer, on_hand=5)
    product_refresh_buy_box(product_ids=[offer.product_id])
    return offer


def url_of(product) -> str:
    return reverse("catalog:product-detail", kwargs={"slug": product.slug})


def rows() -> list[tuple]:
    return sorted(
        ProductViewDaily.objects.values_list("product_id", "day", "buy_box_seller_id", "views"),
        key=lambda row: (row[0], row[1], row[2] or 0),
    )


def today() -> date:
    return datetime.now(UTC).date()


def test_a_live_render_counts_one_view_for_the_buy_box_seller():
    offer = listed("10.00")
    client = Client(HTTP_USER_AGENT=BROWSER)
    assert client.get(url_of(offer.product)).status_code == 200
    assert client.get(url_of(offer.product)).status_code == 200

    assert product_views_flush() == 2
    assert rows() == [(offer.product_id, today(), offer.seller_id, 2)]


def test_a_page_cache_hit_counts_without_a_query(settings, django_assert_num_queries):
    settings.CATALOG_PAGE_CACHE_SECONDS = 60
    cache.clear()
    offer = listed("10.00")
    client = Client(HTTP_USER_AGENT=BROWSER)
    url = url_of(offer.product)
    assert [client.get(url)[HEADER] for _ in range(2)] == ["miss", "miss"]
    with django_assert_num_queries(0):
        hit = client.get(url)
    assert hit[HEADER] == "hit"

    assert product_views_flush() == 3
    assert rows() == [(offer.product_id, today(), offer.seller_id, 3)]
    cache.clear()


def test_bots_head_requests_and_missing_products_are_not_counted():
    offer = listed("10.00")
    for agent in (
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ):
        assert Client(HTTP_USER_AGENT=agent).get(url_of(offer.product)).status_code == 200
    assert Client().get(url_of(offer.product)).status_code == 200  # no User-Agent at all
    assert Client(HTTP_USER_AGENT=BROWSER).head(url_of(offer.product)).status_code == 200
    assert Client(HTTP_USER_AGENT=BROWSER).get("/p/no-such-product/").status_code == 404

    assert product_views_flush() == 0
    assert rows() == []


def test_the_upsert_names_the_models_tables():
    assert (
        ProductViewDaily._meta.db_table,
        Product._meta.db_table,
        Seller._meta.db_table,
    ) == UPSERT_TABLES
    assert all(f" {table} " in UPSERT_SQL for table in UPSERT_TABLES)


def test_is_bot_matches_the_short_list_only():
    assert [
        is_bot(agent) for agent in (BROWSER, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) Safari/604.1")
    ] == [
        False,
        False,
    ]
    assert all(
        is_bot(agent)
        for agent in (
            "Bingbot/2.0",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0)",
            "Wget/1.21",
            "HeadlessChrome",
            " ",
        )
    )


def test_the_flush_upserts_exactly_and_a_second_flush_adds_nothing():
    first, second = listed("10.00"), listed("20.00")
    ProductViewDaily.objects.create(product=first.product, day=today(), buy_box_seller=first.seller, views=5)
    store = view_store()
    for _ in range(3):
        store.add(f"{today().isoformat()}:{first.product_id}:{first.seller_id}")
    store.add(f"2026-01-02:{second.product_id}:0", 4)

    assert product_views_flush() == 7
    assert product_views_flush() == 0
    assert product_views_flush_task.delay().get() == 0
    assert rows() == [
        (first.product_id, today(), first.seller_id, 8),
        (second.product_id, date(2026, 1, 2), None, 4),
    ]
    store.add(f"2026-01-02:{second.product_id}:0", 1)
    assert product_views_flush() == 1
    assert rows()[-1] == (second.product_id, date(2026, 1, 2), None, 5)


def test_the_buy_box_changing_hands_splits_the_views_by_seller():
    cheap = listed("10.00")
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.get(url_of(cheap.product))
    cheaper = listed("8.00", product=cheap.product)
    client.get(url_of(cheap.product))
    client.get(url_of(cheap.product))

    product_views_flush()
    assert rows() == sorted(
        [(cheap.product_id, today(), cheap.seller_id, 1), (cheap.product_id, today(), cheaper.seller_id, 2)],
        key=lambda row: row[2],
    )


def test_views_of_a_product_deleted_before_the_flush_are_dropped_and_the_rest_saved():
    kept, gone = listed("10.00"), listed("12.00")
    store = view_store()
    store.add(f"{today().isoformat()}:{kept.product_id}:{kept.seller_id}", 2)
    store.add(f"{today().isoformat()}:{gone.product_id}:0", 2)
    store.add("not-a-field", 9)
    gone.product.delete()

    product_views_flush()
    assert rows() == [(kept.product_id, today(), kept.seller_id, 2)]


def test_a_failed_upsert_gives_the_counts_back():
    offer = listed("10.00")
    view_store().add(f"{today().isoformat()}:{offer.product_id}:{offer.seller_id}", 3)

    with pytest.raises(DatabaseError), transaction.atomic():
        # The transaction is aborted: the flush's upsert cannot run in it.
        with connection.cursor() as cursor, contextlib.suppress(DatabaseError):
            cursor.execute("SELECT 1 / 0")
        product_views_flush()

    assert product_views_flush() == 3
    assert rows() == [(offer.product_id, today(), offer.seller_id, 3)]


@pytest.fixture
def redis_cache(settings):
    """The production backend (Django's RedisCache on the local Redis), under a prefix of its own."""
    prefix = f"test-views-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    backend = caches["default"]
    try:
        backend._cache.get_client(write=True).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    yield backend
    client = backend._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_on_redis_overlapping_flushes_take_disjoint_counts(redis_cache):
    offer = listed("10.00")
    field = f"{today().isoformat()}:{offer.product_id}:{offer.seller_id}"
    store = view_store()
    assert type(store).__name__ == "RedisStore"
    for _ in range(4):
        store.add(field)

    taken = store.take()  # flush A has taken the counts but not saved them yet
    store.add(field)  # a view counted meanwhile
    assert product_views_flush() == 1  # flush B takes only what came after A
    product_views_upsert_and_commit(taken)
    assert product_views_flush() == 0
    assert rows() == [(offer.product_id, today(), offer.seller_id, 5)]


def product_views_upsert_and_commit(batch):
    from catalog.analytics.counting import view_field_parse
    from catalog.analytics.flushing import product_views_upsert

    product_views_upsert(counts={view_field_parse(name): views for name, views in batch.counts.items()})
    batch.commit()


def test_on_redis_a_claim_left_by_a_dead_flush_is_taken_later(redis_cache, monkeypatch):
    offer = listed("10.00")
    store = view_store()
    store.add(f"{today().isoformat()}:{offer.product_id}:{offer.seller_id}", 6)
    store.take()  # and the flush died: the claim stays in Redis

    assert product_views_flush() == 0  # too recent: maybe still running
    monkeypatch.setattr("catalog.analytics.counting.CLAIM_STALE_SECONDS", -1)
    assert product_views_flush() == 6
    assert product_views_flush() == 0
    assert rows() == [(offer.product_id, today(), offer.seller_id, 6)]
