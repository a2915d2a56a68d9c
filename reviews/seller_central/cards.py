"""The "Customer feedback" card of the Seller Central dashboard (registered in ``ReviewsConfig.ready``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import number_format

from reviews.feedback.selectors import PERIODS, feedback_counts
from reviews.seller_central.selectors import NEW_REVIEW_DAYS, seller_reviews_unanswered_count
from sellers.access import Section
from sellers.central import DashboardCard, dashboard_card_register


def feedback_card_context(seller) -> dict:
    """Lifetime rating (cached on the seller), % positive over 12 months, reviews to answer: two queries."""
    (year,) = feedback_counts(seller=seller, periods=[PERIODS[2]])
    unanswered = seller_reviews_unanswered_count(seller=seller)
    rating = (
        f"{number_format(seller.rating_average, 1)} out of 5 ({seller.rating_count:,} rating"
        f"{'s' if seller.rating_count != 1 else ''})"
        if seller.rating_count
        else "No ratings yet"
    )
    positive = f"{year.positive_percent}% of {year.total:,}" if year.total else "No feedback yet"
    return {
        "title": "Customer feedback",
        "rows": [
            ("Seller rating", rating),
            ("Positive, last 12 months", positive),
            (f"New reviews without your reply ({NEW_REVIEW_DAYS} days)", unanswered),
        ],
        "url": reverse("seller:reviews") + ("?reply=none" if unanswered else ""),
        "link_label": "Answer reviews" if unanswered else "See reviews",
    }


def register() -> None:
    dashboard_card_register(
        DashboardCard(
            key="customer-feedback",
            section=Section.PERFORMANCE,
            template="sellers/central/card.html",
            context=feedback_card_context,
            order=60,
        )
    )
