"""Seller Central's write on reviews: the seller's one public reply."""

from __future__ import annotations

from django.db import transaction

from catalog.cache import page_versions_bump
from reviews.models import Review, SellerReply
from reviews.services import seller_reply_create
from sellers.models import SellerMember


@transaction.atomic
def seller_review_reply(*, review: Review, member: SellerMember, body) -> SellerReply:
    """Reply as the member's seller, through the automatic checks (``seller_reply_create``).

    A reply published at once shows under the review on the product page,
    so that page (cached for anonymous shoppers) is made stale.
    """
    reply = seller_reply_create(review=review, seller=member.seller, user=member.user, body=body)
    if reply.status == SellerReply.Status.PUBLISHED:
        page_versions_bump(product_ids=[review.product_id], listings=False)
    return reply
