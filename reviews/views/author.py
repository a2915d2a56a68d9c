"""The author's pages: their reviews (reviews/urls.py)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_int
from reviews.selectors import review_list_for_author

MINE_PER_PAGE = 20


class MyReviewsView(LoginRequiredMixin, TemplateView):
    """Every review the signed-in shopper wrote, with its status, what staff said, edit and delete."""

    template_name = "reviews/mine.html"

    def get_context_data(self, **kwargs):
        try:
            number = parse_int(self.request.GET.get("page", "1")[:20] or "1", minimum=1)
        except ApplicationError:
            number = 1
        page_obj = Paginator(review_list_for_author(user=self.request.user), MINE_PER_PAGE).get_page(number)
        return super().get_context_data(page_obj=page_obj, reviews=page_obj.object_list, **kwargs)
