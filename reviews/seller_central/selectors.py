"""Seller Central's reads of reviews: only reviews of order lines this seller sold."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from reviews.models import Review
from sellers.models import Seller

# "New" reviews on the dashboard: published in the last 30 days.
NEW_REVIEW_DAYS = 30
REPLY_FILTERS = {"none": "Without your reply", "replied": "With your reply"}


def seller_reviews(*, seller: Seller) -> QuerySet[Review]:
    """Published reviews of lines ``seller`` sold: the scope of every read here."""
    return Review.objects.filter(status=Review.Status.PUBLISHED, order_line__seller_order__seller=seller)


def seller_review_list(*, seller: Seller, stars: int | None = None, reply: str = "") -> QuerySet[Review]:
    """The seller's reviews, newest first, with product, reply, seller order and photos fetched."""
    queryset = seller_reviews(seller=seller)
    if stars:
        queryset = queryset.filter(rating=stars)
    if reply == "none":
        queryset = queryset.filter(seller_reply__isnull=True)
    elif reply == "replied":
        queryset = queryset.filter(seller_reply__isnull=False)
    return (
        queryset.select_related("product", "seller_reply", "order_line__seller_order")
        .prefetch_related("photos")
        .order_by("-published_at", "-id")
    )


def seller_review_get(*, seller: Seller, pk: int) -> Review:
    """One of the seller's published reviews; ``Review.DoesNotExist`` for any other."""
    return (
        seller_reviews(seller=seller)
        .select_related("product", "seller_reply", "order_line__seller_order")
        .prefetch_related("photos")
        .get(pk=pk)
    )


def seller_reviews_unanswered_count(*, seller: Seller, now=None) -> int:
    """Reviews published in the last 30 days that have no reply from the seller: one query."""
    since = (now or timezone.now()) - timedelta(days=NEW_REVIEW_DAYS)
    return seller_reviews(seller=seller).filter(published_at__gte=since, seller_reply__isnull=True).count()
