import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (navigation, fragments)."""
    cache.clear()
    yield
    cache.clear()
