"""Reading reviews for the shopper's pages: each function a fixed number of queries.

The product page's section (``reviews.views.sections``), the list page and the
author's pages read through these; a review list comes with its photos
prefetched and its seller reply (with the seller) joined, so a template never
queries per review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from catalog.models import Product, ProductImage
from reviews.aggregates import rating_average
from reviews.eligibility import NOT_DELIVERED, delivered_lines, family_of
from reviews.models import ProductRating, Review, ReviewPhoto, ReviewVote

SORTS = {
    "helpful": ("-helpful_count", "-published_at", "-id"),
    "newest": ("-published_at", "-id"),
}
SORT_LABELS = {"helpful": "Most helpful", "newest": "Newest"}
DEFAULT_SORT = "helpful"

PHOTO_FIELDS = ("id", "review_id", "image", "width", "height", "position")
FAMILY_FIELDS = ("id", "slug", "title", "parent_id", "is_active", "variant_attributes", "rating_count")


@dataclass(frozen=True, slots=True)
class StarsBar:
    """One bar of the histogram: how many reviews gave ``stars`` and their share, in whole percent."""

    stars: int
    count: int
    percent: int


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """A family's published reviews counted by stars, as the histogram shows them."""

    average: Decimal
    count: int
    with_photos: int
    bars: list[StarsBar] = field(default_factory=list)


def _percent(part: int, whole: int) -> int:
    if not whole:
        return 0
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rating_summary_of(rating: ProductRating | None) -> RatingSummary:
    """The histogram of a ``ProductRating`` row (all zeros without one), five stars first."""
    histogram = rating.histogram if rating is not None else dict.fromkeys(range(5, 0, -1), 0)
    count = sum(histogram.values())
    return RatingSummary(
        average=rating_average(histogram),
        count=count,
        with_photos=rating.with_photos if rating is not None else 0,
        bars=[StarsBar(stars, number, _percent(number, count)) for stars, number in histogram.items()],
    )


def rating_summary_get(*, family_id: int) -> RatingSummary:
    """The histogram of a family's published reviews (one query)."""
    return rating_summary_of(ProductRating.objects.filter(product_id=family_id).first())


def family_get(*, slug: str) -> tuple[Product, Product]:
    """The active product with this slug and its family (parent or itself), or ``Http404``."""
    product = (
        Product.objects.filter(slug=slug, is_active=True)
        .select_related("parent")
        .only(*FAMILY_FIELDS, *(f"parent__{name}" for name in FAMILY_FIELDS))
        .first()
    )
    if product is None or (product.parent is not None and not product.parent.is_active):
        raise Http404("No such product.")
    return product, family_of(product)


def review_photos_prefetch() -> Prefetch:
    return Prefetch("photos", queryset=ReviewPhoto.objects.only(*PHOTO_FIELDS).order_by("position", "id"))


def review_list_published(
    *, family_id: int, stars: int | None = None, with_photos: bool = False, sort: str = DEFAULT_SORT
) -> QuerySet[Review]:
    """The family's published reviews in ``sort`` order, optionally of ``stars`` only or with photos.

    Each carries its photos (prefetched) and its seller reply with the seller
    (joined; the template shows a reply only when it is published).
    """
    reviews = Review.objects.filter(product_id=family_id, status=Review.Status.PUBLISHED)
    if stars is not None:
        reviews = reviews.filter(rating=stars)
    if with_photos:
        reviews = reviews.filter(photo_count__gt=0)
    return (
        reviews.select_related("seller_reply", "seller_reply__seller")
        .defer(
            "held_reasons", "moderation_note", "seller_reply__held_reasons", "seller_reply__moderation_note"
        )
        .prefetch_related(review_photos_prefetch())
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


def review_ids_voted(*, user, review_ids) -> set[int]:
    """Which of ``review_ids`` the user already found helpful (one query; none for a guest)."""
    review_ids = list(review_ids)
    if not review_ids or user is None or not user.is_authenticated:
        return set()
    return set(
        ReviewVote.objects.filter(user=user, review_id__in=review_ids).values_list("review_id", flat=True)
    )


@dataclass(frozen=True, slots=True)
class WriteState:
    """What a signed-in shopper may do about a family: edit their review, write one, or neither (why)."""

    own_review: Review | None = None
    may_write: bool = False
    reason: str = ""


def review_write_state(*, user, family: Product) -> WriteState:
    """The shopper's review of ``family`` or their right to write one (two queries at most).

    The same rules as ``reviews.eligibility.review_eligibility``, read
    without raising: a guest gets an empty state and no query.
    """
    if user is None or not user.is_authenticated:
        return WriteState()
    own = Review.objects.filter(author=user, product=family).only("id", "status", "product_id").first()
    if own is not None:
        return WriteState(own_review=own)
    if delivered_lines(user=user, family=family).exists():
        return WriteState(may_write=True)
    return WriteState(reason=NOT_DELIVERED)


def review_get(*, pk: int) -> Review:
    """A review by id with its family's slug (for votes and reports), or ``Http404``.

    The services lock it again and refuse one that is not published, saying
    why, so a vote on a review removed meanwhile gets a message, not a 404.
    """
    review = (
        Review.objects.filter(pk=pk)
        .select_related("product")
        .only(
            "id",
            "product_id",
            "status",
            "author_id",
            "title",
            "helpful_count",
            "product__id",
            "product__slug",
        )
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def review_get_for_author(*, user, pk: int) -> Review:
    """The user's own review with its product, what was bought and its photos, or ``Http404``."""
    review = (
        Review.objects.filter(pk=pk, author=user)
        .select_related("product", "purchased_product")
        .prefetch_related(review_photos_prefetch())
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def review_list_for_author(*, user) -> QuerySet[Review]:
    """Every review the user wrote, newest first, with its product."""
    return Review.objects.filter(author=user).select_related("product").order_by("-created_at", "-id")


def product_image_first(*, product_ids) -> ProductImage | None:
    """The first picture of the first of ``product_ids`` that has one (what was bought, then its family)."""
    product_ids = [pk for pk in product_ids if pk]
    images = list(ProductImage.objects.filter(product_id__in=product_ids).order_by("position", "id"))
    for product_id in product_ids:
        for image in images:
            if image.product_id == product_id:
                return image
    return None
