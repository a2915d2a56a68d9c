"""Writing, editing and deleting one's review (sign-in required; only the author's own, else 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from marketplace.core.errors import ApplicationError
from reviews.eligibility import review_eligibility, variation_label
from reviews.forms import ReviewForm, rating_initial
from reviews.selectors import family_get, product_image_first, review_get_for_author
from reviews.services import family_review_of, review_create, review_delete, review_update

PUBLISHED = "Thank you: your review is published."
HELD = "Thank you. Your review will appear once it has been checked."
EDIT_REMOVED = "This review was removed by the marketplace and cannot be edited."
REMOVED = "Your review of this product was removed by the marketplace: you cannot review it again."


def _outcome_message(review) -> str:
    return PUBLISHED if review.is_published else HELD


def _not_allowed(request, *, product, message: str, own_review=None):
    """The write or edit page of a shopper who may not: why, with status 403 and no form."""
    context = {"product": product, "message": message, "own_review": own_review}
    return TemplateResponse(request, "reviews/review_not_allowed.html", context, status=403)


class ReviewWriteView(LoginRequiredMixin, View):
    """``reviews:write``: the form for a buyer whose order of the family was delivered.

    ``?rating=N`` (1-5, the request e-mail's star links) pre-fills the stars.
    """

    template_name = "reviews/review_form.html"

    def _eligibility(self, request, slug):
        product, family = family_get(slug=slug)
        try:
            return product, review_eligibility(user=request.user, product=product), None
        except ApplicationError as error:
            own = family_review_of(user=request.user, product=family)
            message = REMOVED if own is not None and own.status == own.Status.REMOVED else error.message
            return product, None, _not_allowed(request, product=family, message=message, own_review=own)

    def _render(self, request, *, product, eligibility, form, status=200):
        family = eligibility.family
        context = {
            "form": form,
            "family": family,
            "product": product,
            "variation_label": eligibility.variation_label,
            "image": product_image_first(product_ids=[eligibility.purchased_product.pk, family.pk]),
            "editing": False,
        }
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request, slug):
        product, eligibility, refusal = self._eligibility(request, slug)
        if refusal is not None:
            return refusal
        form = ReviewForm(initial={"rating": rating_initial(request.GET.get("rating"))})
        return self._render(request, product=product, eligibility=eligibility, form=form)

    def post(self, request, slug):
        product, eligibility, refusal = self._eligibility(request, slug)
        if refusal is not None:
            return refusal
        form = ReviewForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                review = review_create(
                    user=request.user,
                    product=product,
                    rating=form.cleaned_data["rating"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    photos=form.cleaned_data["photos"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _outcome_message(review))
                return HttpResponseRedirect(product.get_absolute_url() + "#reviews")
        return self._render(request, product=product, eligibility=eligibility, form=form, status=400)


class ReviewEditView(LoginRequiredMixin, View):
    """``reviews:edit``: the author changes stars, text and photos; it is checked again."""

    template_name = "reviews/review_form.html"

    def _render(self, request, *, review, form, status=200):
        purchased = review.purchased_product
        context = {
            "form": form,
            "review": review,
            "family": review.product,
            "product": review.product,
            "variation_label": review.variation_label or variation_label(purchased),
            "image": product_image_first(product_ids=[getattr(purchased, "pk", None), review.product_id]),
            "editing": True,
        }
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request, pk):
        review = review_get_for_author(user=request.user, pk=pk)
        if review.status == review.Status.REMOVED:
            return _not_allowed(request, product=review.product, message=EDIT_REMOVED)
        initial = {"rating": str(review.rating), "title": review.title, "body": review.body}
        return self._render(request, review=review, form=ReviewForm(initial=initial, review=review))

    def post(self, request, pk):
        review = review_get_for_author(user=request.user, pk=pk)
        form = ReviewForm(request.POST, request.FILES, review=review)
        if form.is_valid():
            try:
                review = review_update(
                    review=review,
                    user=request.user,
                    rating=form.cleaned_data["rating"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    photos=form.cleaned_data["photos"],
                    photos_remove=form.cleaned_data.get("photos_remove") or (),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _outcome_message(review))
                return HttpResponseRedirect(review.product.get_absolute_url() + "#reviews")
        return self._render(request, review=review, form=form, status=400)


class ReviewDeleteView(LoginRequiredMixin, View):
    """``reviews:delete``: a confirmation page, and the POST that deletes."""

    template_name = "reviews/review_confirm_delete.html"

    def get(self, request, pk):
        review = review_get_for_author(user=request.user, pk=pk)
        return TemplateResponse(request, self.template_name, {"review": review})

    def post(self, request, pk):
        review = review_get_for_author(user=request.user, pk=pk)
        title = review.product.title
        try:
            review_delete(review=review, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Your review of {title} was deleted.")
        return HttpResponseRedirect(reverse("reviews:mine"))
