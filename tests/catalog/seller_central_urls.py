"""Arguments for catalog's Seller Central URLs (tests/sellers/central_data.py explains)."""

URL_KWARGS = {
    "listing-list": lambda world: {},
    "listing-add": lambda world: {},
    "listing-price": lambda world: {"pk": world["offers"][0].pk},
    "listing-pause": lambda world: {"pk": world["offers"][0].pk},
    "listing-resume": lambda world: {"pk": world["offers"][0].pk},
    "product-list": lambda world: {},
    "product-new": lambda world: {},
}


def world_extend(world: dict) -> None:
    """The listing pages use the world's offers (``world["offers"]``): nothing to add."""
