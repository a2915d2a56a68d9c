"""The reviews section of the product page (``marketplace.core.page_sections``, page ``"product"``).

Registered in ``reviews.apps``. The page belongs to ``catalog`` and is cached
whole for guests (``catalog.cache``), so a guest's section depends on nothing
but the product; every change it shows (a review published, edited or
removed, a vote, a seller reply) bumps the family's page version.
"""

from __future__ import annotations

from urllib.parse import urlencode

from marketplace.core.page_sections import PageSection
from reviews.eligibility import family_of
from reviews.selectors import rating_summary_get, rating_summary_of, review_list_published
from reviews.views.common import cards_context, histogram_rows, reviews_url

TOP_REVIEWS = 8


def product_reviews_context(*, request, page, **_) -> dict:
    """The family's histogram and its most helpful published reviews (at most ``TOP_REVIEWS``).

    A standalone or parent product with no rating costs no query (its cached
    ``rating_count`` is written with the histogram); otherwise two or three
    (histogram, reviews, their photos), plus two for a signed-in shopper.
    """
    product = page.product
    family = family_of(product)
    if family is product and not product.rating_count:
        summary = rating_summary_of(None)
    else:
        summary = rating_summary_get(family_id=family.pk)
    reviews = list(review_list_published(family_id=family.pk)[:TOP_REVIEWS]) if summary.count else []
    list_url = reviews_url(product)
    return {
        "product": product,
        "family": family,
        "summary": summary,
        "histogram": histogram_rows(summary, link=lambda stars: f"{list_url}?{urlencode({'stars': stars})}"),
        "reviews": reviews,
        "list_url": list_url,
        **cards_context(request, family=family, reviews=reviews),
    }


PRODUCT_REVIEWS_SECTION = PageSection(
    key="reviews",
    page="product",
    template="reviews/product_section.html",
    context=product_reviews_context,
    order=50,
)
