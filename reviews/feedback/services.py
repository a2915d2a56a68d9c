"""Seller feedback, written by the buyer of a delivered seller order (docs/reviews.md#seller-feedback).

Feedback rates how a seller handled one seller order (on time, as described,
service), not the product. It is published at once and moves the seller's
rating aggregate in the same transaction (``reviews.aggregates``); a negative
one (1 or 2 stars) is also an order defect of the seller's scorecard
(``fulfillment.scorecard``). Its author may remove it within 60 days, staff
at any time with a reason: both withdraw it from the aggregate and the
defect. ADR 0087 has the reasons for the windows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from fulfillment.models import OrderDefect
from fulfillment.scorecard.defects import order_defect_record, order_defect_withdraw
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from orders.models import SellerOrder
from orders.seller_central.selectors import buyer_short_name
from reviews import aggregates, notifications
from reviews.models import SellerFeedback
from reviews.services import NOTE_MAX, rating_parse, text_clean
from sellers.models import SellerMember

# How long after delivery a buyer may leave feedback, and after leaving it remove it.
LEAVE_DAYS = 90
REMOVE_DAYS = 60
COMMENT_MAX = 1000

QUESTIONS = {
    "arrived_on_time": "Did it arrive on time?",
    "as_described": "Was the item as described by the seller?",
    "good_service": "Was the seller's service good?",
}
YES = frozenset({"yes", "true", "1", "on"})
NO = frozenset({"no", "false", "0"})

SIGN_IN = "Sign in to leave seller feedback."
NOT_THE_BUYER = "Only the buyer of this order can leave feedback for its seller."
NOT_DELIVERED = "You can leave feedback for the seller once this order has been delivered."
ALREADY_LEFT = "You have already left feedback for this order."
REMOVED_BY_AUTHOR = "You removed your feedback for this order: it cannot be left again."
REMOVED_BY_STAFF = "Your feedback for this order was removed by the marketplace: it cannot be left again."
OWN_SELLER = "You cannot leave feedback for a seller you work for."
AUTHOR_NOTE = "Removed by its author."

FS = SellerFeedback.Status


def answer_parse(value, *, question: str) -> bool:
    """A yes/no answer from a form or API value (``True``/``False``, "yes"/"no"); refuse anything else."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in YES:
        return True
    if text in NO:
        return False
    raise ApplicationError(f"Answer yes or no: {QUESTIONS.get(question, question)}")


def feedback_deadline(seller_order: SellerOrder) -> datetime | None:
    """The last moment feedback can be left for ``seller_order``: 90 days after its delivery."""
    if seller_order.delivered_at is None:
        return None
    return seller_order.delivered_at + timedelta(days=LEAVE_DAYS)


def _too_late(seller_order: SellerOrder) -> str:
    delivered = date_format(timezone.localtime(seller_order.delivered_at), "F j, Y")
    return f"Feedback can be left within {LEAVE_DAYS} days of delivery; this order arrived on {delivered}."


def feedback_refusal(*, user, seller_order: SellerOrder, now: datetime | None = None) -> str | None:
    """Why ``user`` may not leave feedback for ``seller_order`` now, or ``None`` if they may."""
    if user is None or not user.is_authenticated:
        return SIGN_IN
    if seller_order.order.user_id != user.pk:
        return NOT_THE_BUYER
    if seller_order.status != SellerOrder.Status.DELIVERED or seller_order.delivered_at is None:
        return NOT_DELIVERED
    existing = SellerFeedback.objects.filter(seller_order=seller_order).first()
    if existing is not None:
        if existing.status == FS.PUBLISHED:
            return ALREADY_LEFT
        return REMOVED_BY_AUTHOR if existing.moderation_note == AUTHOR_NOTE else REMOVED_BY_STAFF
    if (now or timezone.now()) > feedback_deadline(seller_order):
        return _too_late(seller_order)
    if SellerMember.objects.filter(user=user, seller_id=seller_order.seller_id).exists():
        return OWN_SELLER
    return None


def _author_name(user, seller_order: SellerOrder) -> str:
    """First name and last initial, from the account or the order's address; never the e-mail."""
    return buyer_short_name(getattr(user, "full_name", "") or seller_order.order.ship_full_name)[:80]


@transaction.atomic
def feedback_leave(
    *, user, seller_order: SellerOrder, rating, arrived_on_time, as_described, good_service, comment=""
) -> SellerFeedback:
    """Publish the buyer's feedback for the seller of a delivered seller order.

    Refuse (``ApplicationError``) anybody but the order's buyer, an order not
    delivered or delivered more than 90 days ago, a second feedback for it
    (even after a removal), a member of the seller, a rating outside 1-5, a
    question left unanswered and a comment over 1,000 characters. Move the
    seller's rating; a rating of 1 or 2 records an order defect.
    """
    refusal = feedback_refusal(user=user, seller_order=seller_order)
    if refusal:
        raise ApplicationError(refusal)
    stars = rating_parse(rating)
    answers = {
        name: answer_parse(value, question=name)
        for name, value in (
            ("arrived_on_time", arrived_on_time),
            ("as_described", as_described),
            ("good_service", good_service),
        )
    }
    comment = text_clean(comment, label="The comment", max_length=COMMENT_MAX, required=False)
    try:
        with transaction.atomic():
            feedback = SellerFeedback.objects.create(
                seller_order=seller_order,
                seller_id=seller_order.seller_id,
                author=user,
                author_name=_author_name(user, seller_order),
                rating=stars,
                comment=comment,
                **answers,
            )
    except IntegrityError:  # the same buyer's other request won the race
        raise ApplicationError(ALREADY_LEFT) from None
    aggregates.seller_rating_move(seller_id=feedback.seller_id, added=feedback.rating)
    if feedback.is_negative:
        order_defect_record(
            seller_order=seller_order,
            kind=OrderDefect.Kind.NEGATIVE_FEEDBACK,
            source_id=feedback.pk,
            occurred_at=feedback.created_at,
        )
    return feedback


def feedback_removable_until(feedback: SellerFeedback) -> datetime:
    """The last moment the author may remove ``feedback``: 60 days after leaving it."""
    return feedback.created_at + timedelta(days=REMOVE_DAYS)


def _lock(feedback: SellerFeedback) -> SellerFeedback:
    return SellerFeedback.objects.select_for_update().select_related("seller_order").get(pk=feedback.pk)


def _withdraw(locked: SellerFeedback, *, note: str) -> SellerFeedback:
    """Take published feedback out of view, of the seller's rating and of the defects."""
    locked.status = FS.REMOVED
    locked.moderation_note = note
    locked.save(update_fields=["status", "moderation_note", "updated_at"])
    aggregates.seller_rating_move(seller_id=locked.seller_id, removed=locked.rating)
    if locked.is_negative:
        order_defect_withdraw(
            seller_order=locked.seller_order, kind=OrderDefect.Kind.NEGATIVE_FEEDBACK, source_id=locked.pk
        )
    return locked


@transaction.atomic
def feedback_remove(*, feedback: SellerFeedback, user) -> SellerFeedback:
    """The author removes their feedback, within 60 days of leaving it; it cannot be left again."""
    locked = _lock(feedback)
    if user is None or locked.author_id != getattr(user, "pk", None):
        raise ApplicationError("Only its author can remove this feedback.")
    if locked.status != FS.PUBLISHED:
        raise ApplicationError("This feedback has already been removed.")
    if timezone.now() > feedback_removable_until(locked):
        raise ApplicationError(f"Feedback can be removed within {REMOVE_DAYS} days of leaving it.")
    return _withdraw(locked, note=AUTHOR_NOTE)


@transaction.atomic
def feedback_staff_remove(*, feedback: SellerFeedback, staff, reason) -> SellerFeedback:
    """Staff remove feedback that breaks the rules, saying why; the author is told by e-mail."""
    if staff is None or not getattr(staff, "is_staff", False):
        raise ApplicationError("Only marketplace staff can remove feedback.")
    reason = text_clean(reason, label="The reason", max_length=NOTE_MAX)
    if reason == AUTHOR_NOTE:
        raise ApplicationError("Say why the marketplace removes this feedback.")
    locked = _lock(feedback)
    if locked.status != FS.PUBLISHED:
        raise ApplicationError("This feedback has already been removed.")
    _withdraw(locked, note=reason)
    audit_record(
        action="feedback.removed",
        target=locked,
        before={"status": FS.PUBLISHED},
        after={"status": FS.REMOVED},
        reason=reason,
        actor=staff,
    )
    notifications.reviews_email_send(
        to=[locked.author.email],
        template="feedback_removed",
        context={"feedback": locked, "seller_name": locked.seller.name, "reason": reason},
    )
    return locked
