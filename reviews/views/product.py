"""All the reviews of a product family: sorted, filtered by stars and photos, ten a page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views import View

from reviews.forms import PER_PAGE, ReviewFilters
from reviews.selectors import SORT_LABELS, family_get, rating_summary_get, review_list_published
from reviews.views.common import cards_context, histogram_rows

RESULTS_ID = "review-results"


class ProductReviewsView(View):
    """``reviews:product``: the list page, or only its results for htmx when a filter changes.

    Filters live in the query string (``stars``, ``with_photos``, ``sort``,
    ``page``); a value that makes no sense is ignored and the page says so.
    """

    template_name = "reviews/product_reviews.html"
    results_template = "reviews/includes/review_results.html"

    def get(self, request, slug):
        product, family = family_get(slug=slug)
        filters = ReviewFilters.from_query(request.GET)
        summary = rating_summary_get(family_id=family.pk)
        reviews = review_list_published(
            family_id=family.pk, stars=filters.stars, with_photos=filters.with_photos, sort=filters.sort
        )
        page_obj = Paginator(reviews, PER_PAGE).get_page(filters.page)
        shown = list(page_obj.object_list)
        context = {
            "product": product,
            "family": family,
            "summary": summary,
            "filters": filters,
            "histogram": histogram_rows(summary, link=lambda stars: filters.query(stars=stars)),
            "all_stars_href": filters.query(stars=None),
            "sort_labels": SORT_LABELS,
            "star_choices": range(5, 0, -1),
            "page_obj": page_obj,
            "reviews": shown,
            "results_id": RESULTS_ID,
            **cards_context(request, family=family, reviews=shown),
        }
        partial = bool(request.htmx) and request.htmx.target == RESULTS_ID
        # The histogram marks the stars filtered on: htmx swaps it out of band with the results.
        context["oob_histogram"] = partial
        response = TemplateResponse(
            request, self.results_template if partial else self.template_name, context
        )
        patch_vary_headers(response, ("HX-Request",))
        return response
