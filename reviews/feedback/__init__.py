"""Seller feedback: the buyer rates how a seller handled a delivered seller order.

``services`` writes (``feedback_leave``, ``feedback_remove``,
``feedback_staff_remove``), ``selectors`` reads (``seller_feedback_summary``),
``sections`` adds it to the seller and order pages, ``views`` are the buyer's
pages at /feedback/. docs/reviews.md#seller-feedback and
docs/decisions/0087-seller-feedback.md.
"""

from reviews.feedback.selectors import (
    FeedbackCounts,
    FeedbackSummary,
    seller_feedback_list,
    seller_feedback_summary,
)
from reviews.feedback.services import (
    COMMENT_MAX,
    LEAVE_DAYS,
    REMOVE_DAYS,
    answer_parse,
    feedback_leave,
    feedback_refusal,
    feedback_remove,
    feedback_staff_remove,
)

__all__ = [
    "COMMENT_MAX",
    "LEAVE_DAYS",
    "REMOVE_DAYS",
    "FeedbackCounts",
    "FeedbackSummary",
    "answer_parse",
    "feedback_leave",
    "feedback_refusal",
    "feedback_remove",
    "feedback_staff_remove",
    "seller_feedback_list",
    "seller_feedback_summary",
]
