"""A seller with one of everything Seller Central shows, and how to fill every /seller/ URL's arguments.

Each app that adds Seller Central pages adds its URLs' arguments in its own
``tests/<app>/seller_central_urls.py``: ``URL_KWARGS`` maps a URL name (in the
``seller`` namespace) to a function of the world returning its kwargs, and
``world_extend(world)`` may add the objects those need. The permission and
sweep tests (tests/sellers/test_central_access.py) fail for a URL that has
no entry, so no page escapes them.
"""

from __future__ import annotations

import importlib

from django.urls import URLPattern, get_resolver

from fulfillment.models import Shipment
from fulfillment.returns import return_request_create
from sellers.models import SellerMember
from tests.fulfillment.returns_data import delivered_order
from tests.sellers.factories import SellerMemberFactory

# The apps whose Seller Central pages add URL arguments (each a module with URL_KWARGS and world_extend).
APP_MODULES = (
    "tests.catalog.seller_central_urls",
    "tests.fulfillment.seller_central_urls",
    "tests.orders.seller_central_urls",
    "tests.payments.seller_central_urls",
    "tests.reviews.seller_central_urls",
    "tests.sellers.seller_central_urls",
)


def _modules():
    return [importlib.import_module(name) for name in APP_MODULES]


def seller_world() -> dict:
    """One seller with a delivered order, its parcel, a return, and an owner; the apps add the rest."""
    order, seller_order, warehouse, stocks, payment = delivered_order(
        prices=("10.00", "5.00"), quantities=(2, 1)
    )
    seller = seller_order.seller
    owner = SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user
    line = seller_order.lines.order_by("pk").first()
    rma = return_request_create(
        user=order.user, seller_order=seller_order, quantities={line.pk: 1}, reason="no_longer_needed"
    )
    world = {
        "seller": seller,
        "owner": owner,
        "order": order,
        "seller_order": seller_order,
        "warehouse": warehouse,
        "stocks": stocks,
        "offers": [stock.offer for stock in stocks],
        "payment": payment,
        "shipment": Shipment.objects.filter(
            seller_order=seller_order, direction=Shipment.Direction.OUTBOUND
        ).first(),
        "return": rma,
    }
    for module in _modules():
        module.world_extend(world)
    return world


def url_kwargs() -> dict:
    """Every app's URL name -> function(world) -> kwargs."""
    merged: dict = {}
    for module in _modules():
        overlap = merged.keys() & module.URL_KWARGS.keys()
        assert not overlap, f"{module.__name__} repeats {sorted(overlap)}"
        merged.update(module.URL_KWARGS)
    return merged


def seller_patterns() -> list[tuple[str, URLPattern]]:
    """(name, pattern) of every URL in the ``seller`` namespace."""
    resolver = get_resolver()
    _, namespace_resolver = resolver.namespace_dict["seller"]
    patterns = []
    for pattern in namespace_resolver.url_patterns:
        assert isinstance(pattern, URLPattern), "Seller Central URLs are flat lists of paths"
        assert pattern.name, f"Seller Central URL {pattern.pattern} has no name"
        patterns.append((pattern.name, pattern))
    return patterns
