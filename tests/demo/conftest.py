import pytest

from marketplace.demo.seed import seed_demo

SMALL = 60
SEED = 3


@pytest.fixture
def seeded(db):
    """A demo catalog of about 60 products (no past orders: tests/demo/test_seed_orders.py has those)."""
    seed_demo(products=SMALL, seed=SEED, orders=False)
