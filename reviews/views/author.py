"""The author's pages: their reviews (reviews/urls.py)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from reviews.models import Review


class MyReviewsView(LoginRequiredMixin, TemplateView):
    """Every review the signed-in shopper wrote, with its status and what staff said."""

    template_name = "reviews/mine.html"

    def get_context_data(self, **kwargs):
        reviews = (
            Review.objects.filter(author=self.request.user)
            .select_related("product")
            .order_by("-created_at", "-id")
        )
        return super().get_context_data(reviews=reviews, **kwargs)
