"""A shopper's "Helpful" vote and abuse report on a review: POST only, sign-in required.

Without JavaScript each is a form POST answered with a redirect back (the
form's ``next``) and a message. With htmx the answer is the swapped fragment:
the button with its new count, or the report form's outcome; a refusal from
the service is the same fragment with the message, status 400 (which the
site's htmx configuration swaps in). A guest is sent to sign in and back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from marketplace.core.errors import ApplicationError
from reviews.forms import ReportForm
from reviews.models import ReviewReport
from reviews.selectors import review_get
from reviews.services import review_report, review_vote
from reviews.views.common import next_url, reviews_url

VOTED = "Thank you for your feedback."
REPORTED = "Thank you: we will look into this review."


class ReviewActionView(View):
    """Load the review, send a guest to sign in, run ``act`` and answer as the request expects."""

    http_method_names = ["post"]
    fragment_template = ""
    success_message = ""

    def act(self, request, review):
        raise NotImplementedError

    def fragment_context(self, request, review, *, done: bool) -> dict:
        return {"review": review}

    def post(self, request, pk):
        review = review_get(pk=pk)
        fallback = f"{reviews_url(review.product)}#review-{review.pk}"
        back = next_url(request, fallback)
        if not request.user.is_authenticated:
            login = redirect_to_login(back)
            return HttpResponseClientRedirect(login.url) if request.htmx else login
        try:
            review = self.act(request, review)
        except ApplicationError as error:
            if request.htmx:
                return self.fragment(request, review, back=back, error=error.message, status=400)
            messages.error(request, error.message)
            return HttpResponseRedirect(back)
        if request.htmx:
            return self.fragment(request, review, back=back, done=self.success_message)
        messages.success(request, self.success_message)
        return HttpResponseRedirect(back)

    def fragment(self, request, review, *, back, error="", done="", status=200):
        context = {
            **self.fragment_context(request, review, done=bool(done)),
            "back_url": back.split("#", 1)[0],  # the fragment adds the review's anchor again
            "error": error,
            "done": done,
        }
        return TemplateResponse(request, self.fragment_template, context, status=status)


class ReviewVoteView(ReviewActionView):
    """``reviews:vote``: "Helpful"; once per shopper, never on one's own or a hidden review."""

    fragment_template = "reviews/includes/helpful.html"
    success_message = VOTED

    def act(self, request, review):
        return review_vote(review=review, user=request.user)

    def fragment_context(self, request, review, *, done):
        return {"review": review, "voted": done}


class ReviewReportView(ReviewActionView):
    """``reviews:report``: a reason from ``ReviewReport.Reason`` and an optional note, for staff."""

    fragment_template = "reviews/includes/report.html"
    success_message = REPORTED

    def act(self, request, review):
        form = ReportForm(request.POST)
        if not form.is_valid():
            raise ApplicationError(" ".join(error for errors in form.errors.values() for error in errors))
        review_report(
            review=review,
            user=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        return review

    def fragment_context(self, request, review, *, done):
        return {"review": review, "report_reasons": ReviewReport.Reason.choices}
