"""What the review cards need wherever they are shown: the product page's section and the list page."""

from __future__ import annotations

from django.urls import reverse

from marketplace.core.redirects import safe_next_url
from reviews.models import ReviewReport
from reviews.selectors import RatingSummary, review_ids_voted, review_write_state


def histogram_rows(summary: RatingSummary, *, link) -> list[dict]:
    """The five bars, each with the link that filters the list by its stars (``link(stars)``)."""
    return [
        {"stars": bar.stars, "count": bar.count, "percent": bar.percent, "href": link(bar.stars)}
        for bar in summary.bars
    ]


def cards_context(request, *, family, reviews) -> dict:
    """The per-shopper parts of a list of review cards; a guest's is the same for every guest.

    A guest makes no query here, so the cached product page is the same for
    every shopper who is not signed in; a signed-in shopper's costs two queries
    (their review or right to write one, and their votes) however many reviews.
    """
    user = request.user
    return {
        "write_state": review_write_state(user=user, family=family),
        "voted_ids": review_ids_voted(user=user, review_ids=[review.pk for review in reviews]),
        "report_reasons": ReviewReport.Reason.choices,
        "back_url": request.get_full_path(),
    }


def next_url(request, fallback: str) -> str:
    """The page to return to after a POST: the form's ``next`` if it is ours, else ``fallback``."""
    return safe_next_url(request, request.POST.get("next")) or fallback


def reviews_url(product) -> str:
    return reverse("reviews:product", kwargs={"slug": product.slug})
