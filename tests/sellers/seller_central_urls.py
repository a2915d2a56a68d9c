"""Arguments for the sellers app's own Seller Central URLs (tests/sellers/central_data.py explains)."""

URL_KWARGS = {
    "dashboard": lambda world: {},
    "choose": lambda world: {},
}


def world_extend(world: dict) -> None:
    """The dashboard and the picker need nothing beyond the base world."""
