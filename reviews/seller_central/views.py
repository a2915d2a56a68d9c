"""Seller Central's Reviews and Feedback pages (section Performance: owners and managers).

Every read goes through ``reviews.seller_central.selectors`` or
``reviews.feedback.selectors`` with the member's seller: a review of a line
another seller sold is a 404. Staff viewing as a seller see the pages; the
mixin refuses their replies (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_id
from reviews.feedback.selectors import KIND_LABELS, seller_feedback_list, seller_feedback_summary
from reviews.models import Review, SellerReply
from reviews.seller_central.selectors import REPLY_FILTERS, seller_review_get, seller_review_list
from reviews.seller_central.services import seller_review_reply
from reviews.services import REPLY_MAX
from sellers.access import Section
from sellers.central import SellerCentralMixin

PAGE_SIZE = 20
PUBLISHED_NOTE = "Your reply is published under the review."
HELD_NOTE = "Your reply is held for a check by our staff before it is shown."
STAR_FILTERS = [(str(stars), f"{stars} star{'s' if stars > 1 else ''}") for stars in range(5, 0, -1)]


def reply_note(reply: SellerReply) -> str:
    return PUBLISHED_NOTE if reply.status == SellerReply.Status.PUBLISHED else HELD_NOTE


class SellerReviewListView(SellerCentralMixin, ListView):
    """The reviews of what this seller sold, newest first, filtered by stars and reply."""

    section = Section.PERFORMANCE
    template_name = "reviews/seller/review_list.html"
    context_object_name = "reviews"
    paginate_by = PAGE_SIZE

    def filters(self) -> dict:
        stars = self.request.GET.get("stars", "")
        reply = self.request.GET.get("reply", "")
        return {
            "stars": stars if stars in {value for value, _ in STAR_FILTERS} else "",
            "reply": reply if reply in REPLY_FILTERS else "",
        }

    def get_queryset(self):
        filters = self.filters()
        stars = int(filters["stars"]) if filters["stars"] else None  # one of "1".."5" (``filters``)
        return seller_review_list(seller=self.seller, stars=stars, reply=filters["reply"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.filters(),
            star_filters=STAR_FILTERS,
            reply_filters=list(REPLY_FILTERS.items()),
            reply_max=REPLY_MAX,
            **kwargs,
        )


class SellerReviewReplyView(SellerCentralMixin, TemplateView):
    """GET: one review with the reply form; POST: reply (htmx gets the review's box back)."""

    section = Section.PERFORMANCE
    template_name = "reviews/seller/review_reply.html"
    partial_template = "reviews/seller/_review.html"

    def review(self) -> Review:
        try:
            pk = parse_id(self.kwargs["pk"], message="No such review.")
            return seller_review_get(seller=self.seller, pk=pk)
        except (ApplicationError, Review.DoesNotExist):
            raise Http404("No such review.") from None

    def get_context_data(self, **kwargs):
        return super().get_context_data(reply_max=REPLY_MAX, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(review=self.review()))

    def post(self, request, *args, **kwargs):
        review = self.review()
        body = request.POST.get("body", "")
        try:
            reply = seller_review_reply(review=review, member=self.member, body=body)
        except ApplicationError as error:
            context = self.get_context_data(review=review, body=body[: REPLY_MAX + 100], error=error.message)
            template = self.partial_template if request.htmx else self.template_name
            return render(request, template, context, status=400)
        note = reply_note(reply)
        if request.htmx:
            return render(
                request, self.partial_template, self.get_context_data(review=self.review(), note=note)
            )
        messages.success(request, note)
        return redirect(f"{reverse('seller:reviews')}#review-{review.pk}")


class SellerFeedbackListView(SellerCentralMixin, ListView):
    """The seller's feedback: the summary by period, then every feedback, newest first."""

    section = Section.PERFORMANCE
    template_name = "reviews/seller/feedback_list.html"
    context_object_name = "feedback_list"
    paginate_by = PAGE_SIZE

    def kind(self) -> str:
        kind = self.request.GET.get("kind", "")
        return kind if kind in KIND_LABELS else ""

    def get_queryset(self):
        return seller_feedback_list(seller=self.seller, kind=self.kind())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            summary=seller_feedback_summary(seller=self.seller),
            kind=self.kind(),
            kind_filters=list(KIND_LABELS.items()),
            **kwargs,
        )
