"""Reads of sellers for the public storefront."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.http import Http404

from catalog.buybox import offers_with_availability
from catalog.models import Offer
from catalog.selectors import card_image_prefetch
from sellers.models import Seller


def seller_get_public(*, slug: str) -> Seller:
    """Return the approved seller with this slug; applied or suspended sellers raise Http404."""
    seller = (
        Seller.objects.filter(slug=slug, status=Seller.Status.APPROVED)
        .only(
            "id",
            "name",
            "slug",
            "status",
            "description",
            "country",
            "rating_average",
            "rating_count",
            "created_at",
            "approved_at",
        )
        .first()
    )
    if seller is None:
        raise Http404("No such seller.")
    return seller


def seller_offer_list(*, seller: Seller) -> QuerySet[Offer]:
    """Return a seller's active listings of active products, newest first.

    Each offer carries ``available`` units and its product with brand and first
    image (``product.card_images``), so a page of them is three queries with the
    count.
    """
    return (
        offers_with_availability(Offer.objects.filter(seller=seller, is_active=True, product__is_active=True))
        .select_related("product", "product__brand")
        .only(
            "id",
            "product",
            "price_amount",
            "shipping_amount",
            "currency",
            "condition",
            "product__id",
            "product__slug",
            "product__title",
            "product__parent_id",
            "product__variation_theme",
            "product__variant_attributes",
            "product__rating_average",
            "product__rating_count",
            "product__brand",
            "product__brand__name",
        )
        .prefetch_related(card_image_prefetch("product__images"))
        .order_by(F("created_at").desc(), F("id").desc())
    )
