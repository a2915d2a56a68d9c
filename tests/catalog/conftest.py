import pytest

from tests.catalog.search_fixtures import build_search_catalog


@pytest.fixture
def search_catalog(db) -> dict:
    """The fixed search catalog (tests/catalog/search_fixtures.py), indexed."""
    return build_search_catalog()
