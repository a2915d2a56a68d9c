"""Reads of sellers for the public storefront."""

from __future__ import annotations

from django.http import Http404

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
