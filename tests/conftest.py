import pytest
from django.core.cache import cache


def pytest_collection_modifyitems(items):
    """Give every transactional test a serialized rollback.

    A transactional test ends by flushing every table, which would also wipe
    the rows data migrations seed (tax rates, shipping zones and holidays, the
    Sites record) for the tests after it. With ``serialized_rollback`` Django
    restores those rows from a snapshot taken when the test database was made.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"):
            continue
        item.own_markers.insert(
            0, pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True).mark
        )


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (navigation, fragments)."""
    cache.clear()
    yield
    cache.clear()
