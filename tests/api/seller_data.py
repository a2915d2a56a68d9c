"""A seller with listings, its members in each role, and integrator keys, for the seller API tests."""

from __future__ import annotations

from decimal import Decimal

from rest_framework.test import APIClient

from sellers.api_keys import Scope, SellerApiKey
from sellers.models import SellerMember
from tests.api.conftest import signed_in_client, verified_user
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory, SellerMemberFactory

ALL_SCOPES = list(Scope.values)


def key_for(seller, *, scopes=None, created_by=None, **fields) -> tuple[SellerApiKey, str]:
    """A key of ``seller`` made directly (the service's checks are tested on their own)."""
    if created_by is None:
        created_by = SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user
    return SellerApiKey.objects.create_key(
        seller=seller,
        name=fields.pop("name", "Integration"),
        scopes=ALL_SCOPES if scopes is None else scopes,
        created_by=created_by,
        **fields,
    )


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def member_client(seller, role: str) -> APIClient:
    """A member of ``seller`` in ``role``, signed in the way an app signs in."""
    user = verified_user()
    SellerMemberFactory(seller=seller, user=user, role=role)
    return signed_in_client(user)


def listed(seller, *, count: int = 1, stock: int = 5, price: str = "19.99") -> list:
    """``count`` stocked offers of ``seller``, each of its own product."""
    offers = []
    warehouse = WarehouseFactory(seller=seller) if stock else None
    for _ in range(count):
        offer = OfferFactory(seller=seller, product=ProductFactory(), price_amount=Decimal(price))
        if stock:
            StockFactory(offer=offer, warehouse=warehouse, on_hand=stock)
        offers.append(offer)
    return offers


def new_seller():
    return SellerFactory()
