"""Arguments for orders's Seller Central URLs (tests/sellers/central_data.py explains)."""

from tests.orders.seller_orders_data import paid, part_of

URL_KWARGS: dict = {
    "order-list": lambda world: {},
    "order-detail": lambda world: {"number": world["seller_order"].number},
    "order-acknowledge": lambda world: {"number": world["open_seller_order"].number},
    "order-cancel": lambda world: {"number": world["open_seller_order"].number},
}


def world_extend(world: dict) -> None:
    """Add ``open_seller_order``: a paid, unshipped order of the world's seller (one unit)."""
    order = paid(parts=[[(world["offers"][0], 1)]])
    world["open_seller_order"] = part_of(order, world["seller"])
