"""Arguments for orders's Seller Central URLs (tests/sellers/central_data.py explains)."""

from orders.messages.services import message_post_by_buyer
from tests.orders.seller_orders_data import paid, part_of

URL_KWARGS: dict = {
    "order-list": lambda world: {},
    "order-detail": lambda world: {"number": world["seller_order"].number},
    "order-acknowledge": lambda world: {"number": world["open_seller_order"].number},
    "order-cancel": lambda world: {"number": world["open_seller_order"].number},
    "message-list": lambda world: {},
    "message-detail": lambda world: {"number": world["seller_order"].number},
}


def world_extend(world: dict) -> None:
    """Add ``open_seller_order`` (paid, unshipped, one unit) and ``message`` (the buyer asks)."""
    order = paid(parts=[[(world["offers"][0], 1)]])
    world["open_seller_order"] = part_of(order, world["seller"])
    # A buyer's question on the delivered order: the conversation its message pages show.
    world["message"] = message_post_by_buyer(
        seller_order=world["seller_order"], user=world["order"].user, body="Is the mug dishwasher safe?"
    )
