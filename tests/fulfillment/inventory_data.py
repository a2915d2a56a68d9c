"""A seller with an owner, two warehouses and listings stocked in them, for the inventory pages."""

from __future__ import annotations

from decimal import Decimal

from catalog.services import product_refresh_buy_box
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory, SellerMemberFactory


def inventory_shop(*, listings: int = 2, name: str = "Stock Co", on_hand=(10, 4)) -> dict:
    """``listings`` offers ("Kettle 00"...), each with ``on_hand`` units in Reno and Austin."""
    seller = SellerFactory(name=name, support_email=f"help@{name.lower().replace(' ', '-')}.example")
    owner = SellerMemberFactory(
        seller=seller, role=SellerMember.Role.OWNER, user=UserFactory(email=f"owner@{seller.slug}.example")
    ).user
    reno = WarehouseFactory(seller=seller, name="Reno DC", city="Reno")
    austin = WarehouseFactory(
        seller=seller,
        name="Austin DC",
        city="Austin",
        latitude=Decimal("30.2672"),
        longitude=Decimal("-97.7431"),
    )
    offers, stocks = [], []
    for n in range(listings):
        offer = OfferFactory(
            seller=seller, sku=f"{seller.slug}-K{n:02d}", product=ProductFactory(title=f"Kettle {n:02d}")
        )
        offers.append(offer)
        stocks.append(StockFactory(offer=offer, warehouse=reno, on_hand=on_hand[0]))
        stocks.append(StockFactory(offer=offer, warehouse=austin, on_hand=on_hand[1]))
    product_refresh_buy_box(product_ids=[offer.product_id for offer in offers])
    return {
        "seller": seller,
        "owner": owner,
        "reno": reno,
        "austin": austin,
        "offers": offers,
        "stocks": stocks,
    }


def levels(stock) -> tuple[int, int]:
    stock.refresh_from_db()
    return stock.on_hand, stock.reserved
