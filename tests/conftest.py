import importlib

import pytest
from django.core.cache import cache

# The data migrations whose rows the tests rely on: (module, function).
SEEDING_MIGRATIONS = [
    ("marketplace.core.migrations.0001_site_name", "name_the_site"),
    ("orders.migrations.0002_default_tax_rates", "load_default_tax_rates"),
    ("fulfillment.migrations.0003_default_shipping", "seed"),
    ("catalog.migrations.0008_seed_search_synonyms", "seed"),
]


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and marker.kwargs.get("transaction")) or fixtures & {"transactional_db", "live_server"}
    )


def reseed_data_migrations() -> None:
    """Run the seeding data migrations again on empty tables.

    A transactional test ends by flushing every table, which also wipes the
    rows data migrations seed (the Sites record, tax rates, shipping zones and
    holidays), and the flush recreates ``example.com``. Django's
    ``serialized_rollback`` would restore them, but not across the Playwright
    tests (their event loop gives Django a fresh connection object without the
    snapshot), so the seeding functions simply run again.
    """
    from django.apps import apps

    from fulfillment.models import ShippingZone
    from orders.models import TaxRate

    empty = {"orders": not TaxRate.objects.exists(), "fulfillment": not ShippingZone.objects.exists()}
    for module_name, function in SEEDING_MIGRATIONS:
        app = module_name.split(".migrations.")[0].rsplit(".", 1)[-1]
        if empty.get(app, True):
            getattr(importlib.import_module(module_name), function)(apps, None)


@pytest.fixture(autouse=True)
def _seeded_rows_after_flush(request):
    """Give each transactional test the rows data migrations seed."""
    if _is_transactional(request.node):
        request.getfixturevalue("_django_db_helper")
        reseed_data_migrations()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (navigation, fragments)."""
    cache.clear()
    yield
    cache.clear()
