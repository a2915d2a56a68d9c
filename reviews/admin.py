"""Staff moderation of reviews, seller replies and feedback (docs/reviews.md, "Moderation").

The review list opens on the queue: reviews held by the automatic checks and
published reviews with open reports, oldest first, each with why it is there.
Staff publish (keep), reject with a reason (the author is told and may edit),
or remove (abuse: gone for good); every decision goes through
``reviews.services``, so aggregates and e-mails follow, and is logged.
Rows are read-only here: nobody edits a customer's words.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html_join

from catalog.admin import AutocompleteListFilter
from marketplace.core.admin_actions import action_confirmation, decide_each
from reviews.feedback.services import feedback_staff_remove
from reviews.models import Review, ReviewReport, SellerFeedback, SellerReply
from reviews.services import review_publish, review_reject, review_remove, seller_reply_moderate


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=500,
        help_text="E-mailed to each author and shown on their reviews page.",
    )


def reason_then(
    modeladmin, request, queryset, *, apply, action: str, title: str, template: str, related: str
):
    """Ask for the reason on an intermediate page; once it is given, ``apply(reason)``."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        apply(form.cleaned_data["reason"])
        return None
    return action_confirmation(
        modeladmin,
        request,
        template=template,
        title=title,
        action=action,
        objects=queryset.select_related(related).order_by("pk"),
        form=form,
        submit_label=title.split()[0],
    )


class QueueFilter(admin.SimpleListFilter):
    title = "moderation queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("held", "Held by the checks"), ("reported", "Reported"), ("all", "Held or reported")]

    def queryset(self, request, queryset):
        held = Q(status=Review.Status.PENDING)
        reported = Q(status=Review.Status.PUBLISHED, reports__resolved_at__isnull=True, reports__isnull=False)
        chosen = {"held": held, "reported": reported, "all": held | reported}.get(self.value())
        return queryset.filter(chosen).distinct() if chosen is not None else queryset


class ReportInline(admin.TabularInline):
    model = ReviewReport
    extra = 0
    can_delete = False
    fields = ["reason", "note", "user", "created_at", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "rating",
        "product",
        "author_name",
        "status",
        "held",
        "report_count",
        "helpful_count",
        "created_at",
    ]
    list_filter = [QueueFilter, "status", "rating", ("product", AutocompleteListFilter), "created_at"]
    search_fields = [
        "title",
        "body",
        "author__email",
        "product__title",
        "=product__gtin",
        "order_line__seller_order__seller__name",
    ]
    search_help_text = (
        "Title or text, author's e-mail, product title, GTIN (exact) or the selling seller's name."
    )
    list_select_related = ["product"]
    list_per_page = 50
    ordering = ["created_at", "id"]
    inlines = [ReportInline]
    actions = ["publish", "reject", "remove"]
    readonly_fields = [
        "product",
        "purchased_product",
        "variation_label",
        "order_line",
        "author",
        "author_name",
        "rating",
        "title",
        "body",
        "photos_list",
        "status",
        "held_reasons",
        "moderation_note",
        "moderated_by",
        "moderated_at",
        "helpful_count",
        "report_count",
        "verified_purchase",
        "created_at",
        "published_at",
        "edited_at",
    ]
    exclude = ["photo_count"]

    @property
    def media(self):
        return super().media + AutocompleteListFilter.media_for(Review, "product", self.admin_site)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # "remove" keeps the row (and the author cannot post again); deleting would not

    @admin.display(description="Held for")
    def held(self, review: Review) -> str:
        return "; ".join(review.held_reasons) if review.status == Review.Status.PENDING else ""

    @admin.display(description="Photos")
    def photos_list(self, review: Review):
        photos = list(review.photos.all())
        if not photos:
            return "None"
        return format_html_join(
            " ", '<a href="{}">photo {}</a>', ((p.image.url, p.position + 1) for p in photos)
        )

    def _decide(self, request, queryset, verb, service, **kwargs):
        decide_each(
            self,
            request,
            queryset.order_by("pk"),
            change=lambda review, actor, **extra: service(review=review, staff=actor, **extra),
            keyword="review",
            subject_of=lambda review: review,
            name_of=lambda review: f"“{review.title}”",
            log_label="Review",
            verb=verb,
            **kwargs,
        )

    @admin.action(description="Publish (or keep, when reported) the selected reviews")
    def publish(self, request, queryset):
        self._decide(request, queryset, "published", review_publish)

    def _with_reason(self, request, queryset, *, action, verb, service, title, intro_template):
        return reason_then(
            self,
            request,
            queryset,
            apply=lambda reason: self._decide(request, queryset, verb, service, reason=reason),
            action=action,
            title=title,
            template=intro_template,
            related="product",
        )

    @admin.action(description="Reject the selected reviews (the authors may edit them)")
    def reject(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="reject",
            verb="rejected",
            service=review_reject,
            title="Reject reviews",
            intro_template="admin/reviews/review/reject_selected.html",
        )

    @admin.action(description="Remove the selected reviews for good (abuse)")
    def remove(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="remove",
            verb="removed",
            service=review_remove,
            title="Remove reviews",
            intro_template="admin/reviews/review/remove_selected.html",
        )


@admin.register(SellerReply)
class SellerReplyAdmin(admin.ModelAdmin):
    list_display = ["review", "seller", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["body", "seller__name", "review__title"]
    list_select_related = ["review", "seller"]
    readonly_fields = [
        "review",
        "seller",
        "author",
        "body",
        "status",
        "held_reasons",
        "moderation_note",
        "created_at",
        "published_at",
    ]
    actions = ["publish", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, verb, **kwargs):
        decide_each(
            self,
            request,
            queryset.order_by("pk"),
            change=lambda reply, actor, **extra: seller_reply_moderate(reply=reply, staff=actor, **extra),
            keyword="reply",
            subject_of=lambda reply: reply,
            name_of=lambda reply: f"reply of {reply.seller.name}",
            log_label="Seller reply",
            verb=verb,
            **kwargs,
        )

    @admin.action(description="Publish the selected replies")
    def publish(self, request, queryset):
        self._decide(request, queryset, "published", publish=True)

    @admin.action(description="Reject the selected replies")
    def reject(self, request, queryset):
        return reason_then(
            self,
            request,
            queryset,
            apply=lambda reason: self._decide(request, queryset, "rejected", publish=False, reason=reason),
            action="reject",
            title="Reject replies",
            template="admin/reviews/sellerreply/reject_selected.html",
            related="seller",
        )


@admin.register(SellerFeedback)
class SellerFeedbackAdmin(admin.ModelAdmin):
    list_display = [
        "seller",
        "rating",
        "arrived_on_time",
        "as_described",
        "good_service",
        "status",
        "created_at",
    ]
    list_filter = [
        "status",
        "rating",
        ("seller", AutocompleteListFilter),
        "arrived_on_time",
        "as_described",
        "good_service",
        "created_at",
    ]
    search_fields = ["seller__name", "comment", "author__email", "seller_order__number"]
    list_select_related = ["seller"]
    readonly_fields = [
        "seller_order",
        "seller",
        "author",
        "author_name",
        "rating",
        "arrived_on_time",
        "as_described",
        "good_service",
        "comment",
        "status",
        "moderation_note",
        "created_at",
        "updated_at",
    ]
    actions = ["remove"]

    @property
    def media(self):
        return super().media + AutocompleteListFilter.media_for(SellerFeedback, "seller", self.admin_site)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Remove the selected feedback (abuse, or not about the seller)")
    def remove(self, request, queryset):
        def apply(reason):
            decide_each(
                self,
                request,
                queryset.select_related("seller").order_by("pk"),
                change=lambda feedback, actor, **extra: feedback_staff_remove(
                    feedback=feedback, staff=actor, **extra
                ),
                keyword="feedback",
                subject_of=lambda feedback: feedback,
                name_of=lambda feedback: f"feedback on {feedback.seller_order_id} for {feedback.seller.name}",
                log_label="Seller feedback",
                verb="removed",
                reason=reason,
            )

        return reason_then(
            self,
            request,
            queryset,
            apply=apply,
            action="remove",
            title="Remove feedback",
            template="admin/reviews/sellerfeedback/remove_selected.html",
            related="seller",
        )
