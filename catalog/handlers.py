"""Catalog's reactions to domain events of lower apps."""

from catalog.models import Offer
from catalog.services import product_refresh_buy_box


def on_seller_status_changed(*, seller_id: int, **_payload) -> None:
    """A seller's standing decides whether its offers can win: refresh their buy boxes."""
    product_ids = set(Offer.objects.filter(seller_id=seller_id).values_list("product_id", flat=True))
    if product_ids:
        product_refresh_buy_box(product_ids=product_ids)


def seller_rating_buy_boxes_refresh(*, seller_id: int, **_payload) -> None:
    """Outbox handler of ``seller.rating_changed`` (reviews): ties in the buy box go to the higher rating."""
    on_seller_status_changed(seller_id=seller_id)


def on_products_changed(*, product_ids=(), offer_ids=(), **_payload) -> None:
    """A product's text, offers, stock or rating changed: refresh its search document."""
    from catalog.search.indexing import search_index_refresh

    ids = set(product_ids)
    if offer_ids:
        ids.update(Offer.objects.filter(pk__in=offer_ids).values_list("product_id", flat=True))
    search_index_refresh(product_ids=ids)
