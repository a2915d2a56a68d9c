"""What reviews holds about a person (reviews, votes, reports, feedback), for the GDPR export and erasure.

Reviews and feedback are kept, so the ratings and the seller's scores stay as
they were, but shown as by a "Former customer"; report notes are blanked.
"""

from __future__ import annotations

from marketplace.accounts.privacy.registry import PrivacySection, rows_of
from reviews.models import Review, ReviewReport, ReviewVote, SellerFeedback

FORMER_CUSTOMER = "Former customer"


def reviews_export(user) -> dict:
    return {
        "reviews": rows_of(
            Review.objects.filter(author=user),
            [
                "id",
                "product__title",
                "author_name",
                "rating",
                "title",
                "body",
                "variation_label",
                "status",
                "created_at",
            ],
        ),  # fmt: skip
        "review_votes": rows_of(ReviewVote.objects.filter(user=user), ["id", "review_id", "created_at"]),
        "review_reports": rows_of(
            ReviewReport.objects.filter(user=user), ["id", "review_id", "reason", "note", "created_at"]
        ),
        "seller_feedback": rows_of(
            SellerFeedback.objects.filter(author=user),
            [
                "id",
                "seller__name",
                "author_name",
                "rating",
                "arrived_on_time",
                "as_described",
                "good_service",
                "comment",
                "created_at",
            ],
        ),  # fmt: skip
    }


def reviews_erase(user) -> int:
    count = Review.objects.filter(author=user).update(author_name=FORMER_CUSTOMER)
    count += SellerFeedback.objects.filter(author=user).update(author_name=FORMER_CUSTOMER)
    count += ReviewReport.objects.filter(user=user).update(note="")
    return count


SECTION = PrivacySection(key="reviews", export=reviews_export, erase=reviews_erase)
