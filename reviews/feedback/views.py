"""The buyer's seller feedback pages, mounted at /feedback/ (reviews/urls_feedback.py).

Only the order's buyer gets in (anybody else: 404, as on the order pages).
A buyer who may not leave feedback (not delivered yet, too late, already
left) gets a 403 page saying why; bad input a 400 with the form's errors;
neither writes anything.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from marketplace.core.errors import ApplicationError
from orders.models import SellerOrder
from reviews.feedback.forms import FeedbackForm
from reviews.feedback.selectors import feedback_of
from reviews.feedback.services import (
    ALREADY_LEFT,
    LEAVE_DAYS,
    REMOVE_DAYS,
    feedback_deadline,
    feedback_leave,
    feedback_refusal,
    feedback_removable_until,
    feedback_remove,
)
from reviews.models import SellerFeedback

MAX_NUMBER = 40


def seller_order_for_feedback(*, user, number: str) -> SellerOrder:
    """The user's seller order ``number`` with its order and seller; ``DoesNotExist`` for anybody else's."""
    if not number or len(number) > MAX_NUMBER:
        raise SellerOrder.DoesNotExist
    return SellerOrder.objects.select_related("order", "seller").get(number=number, order__user=user)


class FeedbackLeaveView(LoginRequiredMixin, TemplateView):
    """GET: the form (or the feedback given); POST: leave it."""

    template_name = "reviews/feedback/leave.html"

    def seller_order(self) -> SellerOrder:
        try:
            return seller_order_for_feedback(user=self.request.user, number=self.kwargs["number"])
        except SellerOrder.DoesNotExist:
            raise Http404("No such order.") from None

    def page(self, seller_order: SellerOrder, *, status: int = 200, **extra):
        feedback = extra.pop("feedback", None)
        if feedback is None and "refusal" in extra:
            feedback = feedback_of(seller_order=seller_order)
        context = {
            "seller_order": seller_order,
            "order": seller_order.order,
            "seller": seller_order.seller,
            "feedback": feedback,
            "deadline": feedback_deadline(seller_order),
            "leave_days": LEAVE_DAYS,
            "remove_days": REMOVE_DAYS,
            **extra,
        }
        if feedback is not None and feedback.status == SellerFeedback.Status.PUBLISHED:
            context["removable_until"] = feedback_removable_until(feedback)
        return self.render_to_response(self.get_context_data(**context), status=status)

    def get(self, request, *args, **kwargs):
        seller_order = self.seller_order()
        refusal = feedback_refusal(user=request.user, seller_order=seller_order)
        if refusal == ALREADY_LEFT:
            return self.page(seller_order, feedback=feedback_of(seller_order=seller_order))
        if refusal:
            return self.page(seller_order, status=403, refusal=refusal)
        return self.page(seller_order, form=FeedbackForm())

    def post(self, request, *args, **kwargs):
        seller_order = self.seller_order()
        refusal = feedback_refusal(user=request.user, seller_order=seller_order)
        if refusal:
            return self.page(seller_order, status=403, refusal=refusal)
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            return self.page(seller_order, status=400, form=form)
        try:
            feedback_leave(user=request.user, seller_order=seller_order, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.page(seller_order, status=400, form=form)
        messages.success(request, f"Thank you: your feedback for {seller_order.seller.name} is published.")
        return redirect(seller_order.order.get_absolute_url())


class FeedbackRemoveView(FeedbackLeaveView):
    """POST: the author removes their feedback (within 60 days)."""

    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        seller_order = self.seller_order()
        feedback = feedback_of(seller_order=seller_order)
        if feedback is None:
            raise Http404("You left no feedback for this order.")
        try:
            feedback_remove(feedback=feedback, user=request.user)
        except ApplicationError as error:
            return self.page(seller_order, status=403, feedback=feedback, error=error.message)
        messages.success(request, f"Your feedback for {seller_order.seller.name} is removed.")
        return redirect(reverse("feedback:leave", kwargs={"number": seller_order.number}))
