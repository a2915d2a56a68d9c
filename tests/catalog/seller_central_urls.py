"""Arguments for catalog's Seller Central URLs (tests/sellers/central_data.py explains)."""

from tests.catalog.factories import ProductFactory

URL_KWARGS = {
    "listing-list": lambda world: {},
    "listing-add": lambda world: {},
    "listing-edit": lambda world: {"pk": world["offers"][0].pk},
    "listing-price": lambda world: {"pk": world["offers"][0].pk},
    "listing-pause": lambda world: {"pk": world["offers"][0].pk},
    "listing-resume": lambda world: {"pk": world["offers"][0].pk},
    "product-list": lambda world: {},
    "product-new": lambda world: {},
    "product-edit": lambda world: {"pk": world["rejected_product"].pk},
}


def world_extend(world: dict) -> None:
    """The listing pages use the world's offers (``world["offers"]``); the correction page a
    product of the seller's that staff rejected."""
    world["rejected_product"] = ProductFactory(
        submitted_by_seller=world["seller"],
        review_status="rejected",
        review_note="The pictures show another item.",
        is_active=False,
    )
