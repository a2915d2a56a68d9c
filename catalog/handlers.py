"""Catalog's reactions to domain events of lower apps."""

from catalog.models import Offer
from catalog.services import product_refresh_buy_box


def on_seller_status_changed(*, seller_id: int, **_payload) -> None:
    """A seller's standing decides whether its offers can win: refresh their buy boxes."""
    product_ids = set(Offer.objects.filter(seller_id=seller_id).values_list("product_id", flat=True))
    if product_ids:
        product_refresh_buy_box(product_ids=product_ids)
