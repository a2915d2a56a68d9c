"""Arguments for orders's Seller Central URLs (tests/sellers/central_data.py explains)."""

URL_KWARGS: dict = {}


def world_extend(world: dict) -> None:
    """Adds the objects orders's Seller Central pages need (none yet)."""
