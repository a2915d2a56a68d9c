"""Product reviews, their photos, votes, reports and seller replies; seller feedback; the aggregates.

Written only through the services of ``reviews`` (``reviews.services``,
``reviews.feedback``, ``reviews.moderation``), which keep the aggregates
(``ProductRating``, ``SellerRating`` and the cached figures on
``catalog.Product`` and ``sellers.Seller``) in the same transaction as the
change (docs/decisions/0086-reviews.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from catalog.models import Product
from orders.models import OrderLine, SellerOrder
from sellers.models import Seller

RATING_RANGE = Q(rating__gte=1) & Q(rating__lte=5)


class Review(models.Model):
    """One buyer's review of a product family, from a delivered order line.

    ``product`` is the family: the parent of a variation, or the standalone
    product; ``purchased_product`` is what was bought (a variation), and
    ``variation_label`` says how it differs ("Size: M, Colour: Blue").
    Only published reviews are shown and counted.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Held for moderation"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        REMOVED = "removed", "Removed"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    purchased_product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order_line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    author_name = models.CharField(
        max_length=80, help_text="Shown with the review: the name at writing time."
    )
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField()
    variation_label = models.CharField(max_length=200, blank=True)
    verified_purchase = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    held_reasons = models.JSONField(
        default=list, blank=True, help_text="Why the automatic checks held it for staff."
    )
    moderation_note = models.CharField(
        max_length=500, blank=True, help_text="Why staff rejected or removed it: shown to the author."
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    report_count = models.PositiveIntegerField(default=0)
    photo_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-helpful_count", "-published_at", "-id"]
        indexes = [
            # The product page's orders: most helpful, newest; and the star filter.
            models.Index(
                "product",
                F("helpful_count").desc(),
                F("published_at").desc(),
                name="review_product_helpful_idx",
                condition=Q(status="published"),
            ),
            models.Index(
                "product",
                F("published_at").desc(),
                name="review_product_newest_idx",
                condition=Q(status="published"),
            ),
            models.Index(
                "product",
                "rating",
                F("published_at").desc(),
                name="review_product_stars_idx",
                condition=Q(status="published"),
            ),
            models.Index("status", "created_at", name="review_queue_idx", condition=Q(status="pending")),
            models.Index("author", F("created_at").desc(), name="review_author_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["author", "product"], name="one_review_per_family_per_author"),
            models.CheckConstraint(condition=RATING_RANGE, name="review_rating_1_to_5"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="review_published_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.rating}/5 on {self.product_id} by {self.author_id}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ReviewPhoto(models.Model):
    """A picture attached to a review, re-encoded on upload (``reviews.photos``)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="reviews/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "position", "id"]

    def __str__(self):
        return f"photo {self.position} of review {self.review_id}"


class ReviewVote(models.Model):
    """A shopper found a review helpful: one per user and review, never on one's own."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="one_vote_per_review_per_user")
        ]

    def __str__(self):
        return f"{self.user_id} found {self.review_id} helpful"


class ReviewReport(models.Model):
    """A shopper reported a review as abusive: one per user and review; sends it to the queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        OFFENSIVE = "offensive", "Offensive or abusive"
        OFF_TOPIC = "off_topic", "Not about the product"
        PERSONAL = "personal", "Contains personal information"
        FAKE = "fake", "Fake or paid review"
        OTHER = "other", "Something else"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_reports"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index("review", name="reviewreport_open_idx", condition=Q(resolved_at__isnull=True))
        ]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="one_report_per_review_per_user")
        ]

    def __str__(self):
        return f"{self.get_reason_display()} on {self.review_id}"


class SellerReply(models.Model):
    """The seller's one public reply under a review of a product it sells, moderated like reviews."""

    class Status(models.TextChoices):
        PENDING = "pending", "Held for moderation"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="seller_reply")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="review_replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    held_reasons = models.JSONField(default=list, blank=True)
    moderation_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index("status", "created_at", name="sellerreply_queue_idx")]

    def __str__(self):
        return f"reply of {self.seller_id} to {self.review_id}"


class StarsHistogram(models.Model):
    """How many published ratings of each star count (an aggregate row)."""

    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def histogram(self) -> dict[int, int]:
        return {stars: getattr(self, f"stars_{stars}") for stars in range(5, 0, -1)}

    @property
    def count(self) -> int:
        return sum(self.histogram.values())


class ProductRating(StarsHistogram):
    """The published reviews of a product family, counted by stars.

    Changed only by ``reviews.aggregates`` in the transaction of the review
    change, with the row locked; ``catalog.Product.rating_average`` and
    ``rating_count`` (which search and listings read) are written with it.
    """

    product = models.OneToOneField(Product, primary_key=True, on_delete=models.CASCADE, related_name="+")
    with_photos = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"ratings of {self.product_id}"


class SellerFeedback(models.Model):
    """A buyer's rating of how a seller handled one delivered seller order (not the product)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        REMOVED = "removed", "Removed"

    seller_order = models.OneToOneField(SellerOrder, on_delete=models.CASCADE, related_name="feedback")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_feedback"
    )
    author_name = models.CharField(max_length=80)
    rating = models.PositiveSmallIntegerField()
    arrived_on_time = models.BooleanField()
    as_described = models.BooleanField()
    good_service = models.BooleanField()
    comment = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    moderation_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                "seller",
                F("created_at").desc(),
                name="feedback_seller_new_idx",
                condition=Q(status="published"),
            )
        ]
        constraints = [models.CheckConstraint(condition=RATING_RANGE, name="feedback_rating_1_to_5")]

    def __str__(self):
        return f"{self.rating}/5 for {self.seller_id} on {self.seller_order_id}"

    @property
    def is_positive(self) -> bool:
        return self.rating >= 4

    @property
    def is_negative(self) -> bool:
        return self.rating <= 2


class SellerRating(StarsHistogram):
    """The published feedback of a seller, lifetime, counted by stars (kept like ``ProductRating``)."""

    seller = models.OneToOneField(Seller, primary_key=True, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"feedback of {self.seller_id}"


class ReviewRequest(models.Model):
    """The e-mail asking a buyer to review a delivered order line: one per line, sent once."""

    order_line = models.OneToOneField(OrderLine, on_delete=models.CASCADE, related_name="review_request")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_reason = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                "due_at", name="reviewrequest_due_idx", condition=Q(sent_at__isnull=True, skipped_reason="")
            )
        ]

    def __str__(self):
        return f"review request for line {self.order_line_id}"
