"""Published reviews written through the real services, for the shopper's pages.

``review_written`` makes a buyer with a delivered line of the product (or of
``offer``) and has them write a review with ``reviews.services.review_create``,
so eligibility, moderation and the aggregates run as they do for a shopper.
"""

from __future__ import annotations

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from reviews.services import review_create, review_vote, seller_reply_create
from tests.accounts.factories import UserFactory
from tests.reviews.review_data import delivered_line

_words = itertools.count(1)
# Distinct words, so no two bodies repeat each other (the moderation's repeated-text check).
VOCABULARY = [
    "sturdy",
    "quiet",
    "handle",
    "lid",
    "spout",
    "steel",
    "cord",
    "base",
    "light",
    "heavy",
    "smooth",
    "quick",
    "warm",
    "bright",
]


def body_text() -> str:
    n = next(_words)
    words = [VOCABULARY[(n * 7 + i * 3) % len(VOCABULARY)] for i in range(6)]
    return f"Review number {n}: " + " ".join(words) + f", used for {n} days."


def png(colour="red", size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def review_written(
    *, product=None, offer=None, rating=5, title="Does the job", body=None, photos=(), user=None
):
    """A published (or held, by the checks) review of ``product``'s family by a buyer who received it."""
    line = delivered_line(user=user, product=product if offer is None else None, offer=offer)
    return review_create(
        user=line.seller_order.order.user,
        product=line.product,
        rating=rating,
        title=title,
        body=body if body is not None else body_text(),
        photos=photos,
    )


def reviews_written(count, *, offer, photos_every=3, reply_every=4, votes_on_first=0):
    """``count`` reviews of the offer's product, some with a photo and a published seller reply."""
    reviews = []
    for n in range(count):
        photos = [png()] if photos_every and n % photos_every == 0 else ()
        review = review_written(offer=offer, rating=n % 5 + 1, title=f"Review title {n}", photos=photos)
        if reply_every and n % reply_every == 0:
            seller_reply_create(
                review=review, seller=offer.seller, user=None, body=f"Thank you, reviewer {n}."
            )
        reviews.append(review)
    for _ in range(votes_on_first):
        review_vote(review=reviews[0], user=UserFactory())
    return reviews


def product_url(product) -> str:
    return reverse("catalog:product-detail", kwargs={"slug": product.slug})


def list_url(product) -> str:
    return reverse("reviews:product", kwargs={"slug": product.slug})
