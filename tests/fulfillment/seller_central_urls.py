"""Arguments for fulfillment's Seller Central URLs (tests/sellers/central_data.py explains)."""

URL_KWARGS = {
    "shipping-queue": lambda world: {},
    "shipping-order": lambda world: {"number": world["seller_order"].number},
    "shipment-label": lambda world: {"pk": world["shipment"].pk},
    "shipment-void": lambda world: {"pk": world["shipment"].pk},
    "shipment-packing-slip": lambda world: {"pk": world["shipment"].pk},
    "performance": lambda world: {},
    "return-list": lambda world: {},
    "return-detail": lambda world: {"number": world["return"].number},
    "return-label": lambda world: {"number": world["return"].number},
}


def world_extend(world: dict) -> None:
    """Fulfillment's pages need only the base world's order, parcel and return."""
