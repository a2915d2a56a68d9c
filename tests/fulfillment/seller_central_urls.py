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
    "inventory": lambda world: {},
    "inventory-history": lambda world: {},
    "stock-set": lambda world: {"offer": world["offers"][0].pk, "warehouse": world["warehouse"].pk},
    "stock-threshold": lambda world: {"offer": world["offers"][0].pk},
    "warehouse-list": lambda world: {},
    "warehouse-add": lambda world: {},
    "warehouse-edit": lambda world: {"pk": world["warehouse"].pk},
    "shipping-settings": lambda world: {},
    "return-policy": lambda world: {},
}


def world_extend(world: dict) -> None:
    """Fulfillment's pages need only the base world's order, parcel, return, warehouse and offers."""
