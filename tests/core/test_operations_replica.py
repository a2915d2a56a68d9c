"""The read replica: storefront pages read from it, writes and everything else from the primary.

The replica is a real second database on the same PostgreSQL server, copied
from the test database (``CREATE DATABASE ... TEMPLATE``) and then made to
differ: a product is deleted from the primary after the copy, so it exists only
on the replica. It is registered as the ``replica`` alias for the test (not a
test mirror), and the router is installed with ``override_settings``.

The tests are transactional: the router never reads the replica inside
``transaction.atomic``, which is where every non-transactional test runs. They
name ``replica`` in their ``databases`` (pytest-django refuses a connection to
any other alias), so the alias is registered by a module-scoped fixture, before
pytest-django sets each test up.
"""

from __future__ import annotations

import psycopg2
import pytest
from celery import shared_task
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Brand, Product
from marketplace.core.replica import REPLICA_ALIAS, reading_from_replica, unit_of_work_begin
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory

ROUTER = ["marketplace.core.replica.ReplicaRouter"]
pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_ALIAS])


def server_connection(settings_dict: dict):
    """An autocommit connection to the server's ``postgres`` database (to create and drop databases)."""
    connection = psycopg2.connect(
        dbname="postgres",
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
    )
    connection.autocommit = True
    return connection


def sessions_end(cursor, name: str) -> None:
    cursor.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )


def replica_copy(primary: dict, name: str) -> None:
    """(Re)create the database ``name`` as a copy of the primary as it is now."""
    connections.close_all()  # a template database must have no other session
    server = server_connection(primary)
    try:
        with server.cursor() as cursor:
            sessions_end(cursor, name)
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            sessions_end(cursor, primary["NAME"])
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary["NAME"]}"')
    finally:
        server.close()


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """Register the ``replica`` alias for this module's tests, on a database of its own.

    Module-scoped, so it exists before pytest-django sets each test up (the
    tests name it in their ``databases``); the database is named after the
    test database, so parallel test runs each have their own.
    """
    primary = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    name = f"{primary['NAME']}_replica"
    assert name.replace("_", "").isalnum()
    with django_db_blocker.unblock():
        replica_copy(primary, name)
    connections.settings[REPLICA_ALIAS] = {**primary, "NAME": name, "TEST": {**primary["TEST"], "NAME": name}}
    yield {"primary": primary, "name": name}
    connections[REPLICA_ALIAS].close()
    del connections[REPLICA_ALIAS]
    del connections.settings[REPLICA_ALIAS]
    server = server_connection(primary)
    try:
        with server.cursor() as cursor:
            sessions_end(cursor, name)
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        server.close()


@pytest.fixture
def replica(replica_alias):
    """Return ``copy()``: make the replica a copy of the primary as it is at that moment."""
    return lambda: replica_copy(replica_alias["primary"], replica_alias["name"])


@pytest.fixture
def replica_only_product(replica):
    """A product with an offer that the replica has and the primary no longer has."""
    offer = OfferFactory(product=ProductFactory(title="Replica-only kettle", slug="replica-only-kettle"))
    replica()
    Product.objects.filter(pk=offer.product_id).delete()
    assert Product.objects.using(REPLICA_ALIAS).filter(slug="replica-only-kettle").exists()
    return offer.product


def product_page(client, product):
    return client.get(reverse("catalog:product-detail", kwargs={"slug": product.slug}))


@override_settings(DATABASE_ROUTERS=ROUTER)
def test_the_product_page_is_read_from_the_replica(client, replica_only_product):
    with CaptureQueriesContext(connections[REPLICA_ALIAS]) as on_replica:
        response = product_page(client, replica_only_product)

    assert response.status_code == 200
    assert "Replica-only kettle" in response.content.decode()
    assert any('"catalog_product"' in query["sql"] for query in on_replica.captured_queries)


@override_settings(DATABASE_ROUTERS=ROUTER)
def test_search_and_category_pages_read_from_the_replica(client, replica_only_product):
    category = replica_only_product.category

    category_page = client.get(reverse("catalog:category-detail", kwargs={"slug": category.slug}))

    assert category_page.status_code == 200
    assert "Replica-only kettle" in category_page.content.decode()


@override_settings(DATABASE_ROUTERS=ROUTER)
def test_a_signed_in_shoppers_session_and_cart_are_read_from_the_primary(client, replica_only_product):
    # given: a session that exists only on the primary (the replica was copied before the sign-in)
    client.force_login(UserFactory(email="shopper@example.com"))

    # when
    with CaptureQueriesContext(connections[REPLICA_ALIAS]) as on_replica:
        response = product_page(client, replica_only_product)

    # then: the product comes from the replica, the shopper is still signed in
    assert response.status_code == 200
    assert "Replica-only kettle" in response.content.decode()
    assert "Sign out" in response.content.decode()
    tables = " ".join(query["sql"] for query in on_replica.captured_queries)
    assert "django_session" not in tables and "accounts_user" not in tables and "orders_" not in tables


def test_without_the_router_the_same_page_reads_the_primary(client, replica_only_product):
    with CaptureQueriesContext(connections[REPLICA_ALIAS]) as on_replica:
        response = product_page(client, replica_only_product)

    assert response.status_code == 404
    assert on_replica.captured_queries == []


@override_settings(DATABASE_ROUTERS=ROUTER)
def test_writes_go_to_the_primary_and_the_reads_after_them_too(replica_only_product):
    slug = replica_only_product.slug
    unit_of_work_begin()  # as a request starts
    with reading_from_replica():
        # given: a read in the block goes to the replica
        assert Product.objects.filter(slug=slug).exists()

        # when: the unit of work writes
        brand = Brand.objects.create(name="Written in the block", slug="written-in-the-block")

        # then: the write went to the primary, and so does every read after it
        assert brand._state.db == DEFAULT_DB_ALIAS
        assert Brand.objects.using(DEFAULT_DB_ALIAS).filter(slug="written-in-the-block").exists()
        assert not Brand.objects.using(REPLICA_ALIAS).filter(slug="written-in-the-block").exists()
        assert not Product.objects.filter(slug=slug).exists()


@override_settings(DATABASE_ROUTERS=ROUTER)
def test_reads_outside_the_block_or_inside_a_transaction_stay_on_the_primary(replica_only_product):
    slug = replica_only_product.slug
    unit_of_work_begin()  # as a request starts

    assert not Product.objects.filter(slug=slug).exists()
    with transaction.atomic(), reading_from_replica():
        assert not Product.objects.filter(slug=slug).exists()
    with reading_from_replica():
        assert Product.objects.filter(slug=slug).exists()
        with reading_from_replica():  # nested blocks
            assert Product.objects.filter(slug=slug).exists()
        assert Product.objects.filter(slug=slug).exists()
    assert not Product.objects.filter(slug=slug).exists()


@shared_task(name="tests.core.operations_replica_task")
def operations_replica_task() -> None:
    """A task that does nothing (run eagerly, inside the caller's unit of work)."""


@override_settings(DATABASE_ROUTERS=ROUTER)
def test_an_eager_task_does_not_make_its_caller_forget_that_it_wrote(replica_only_product):
    unit_of_work_begin()
    Brand.objects.create(name="Written first", slug="written-first")

    operations_replica_task.delay()

    with reading_from_replica():
        assert not Product.objects.filter(slug=replica_only_product.slug).exists()


@override_settings(DATABASE_ROUTERS=ROUTER)
def test_a_write_in_one_request_does_not_pin_the_next_request_to_the_primary(client, replica_only_product):
    # The test itself wrote (the factories) before each request: every request starts afresh.
    assert product_page(client, replica_only_product).status_code == 200
    Brand.objects.create(name="Between requests", slug="between-requests")
    assert product_page(client, replica_only_product).status_code == 200


@override_settings(DATABASE_ROUTERS=ROUTER)
def test_with_the_router_but_no_replica_alias_everything_reads_the_primary(client, monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA_ALIAS)
    product = OfferFactory(product=ProductFactory(title="Primary kettle")).product

    with reading_from_replica():
        assert Product.objects.filter(pk=product.pk).exists()
    assert product_page(client, product).status_code == 200
