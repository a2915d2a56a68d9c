"""Seller feedback: who may leave it and when, what it moves (rating, defects), and its removal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from fulfillment.models import OrderDefect
from fulfillment.scorecard import scorecard_figures
from marketplace.accounts.models import OutboundEmail
from marketplace.core.errors import ApplicationError
from orders.models import SellerOrder
from reviews.feedback import (
    answer_parse,
    feedback_leave,
    feedback_remove,
    feedback_staff_remove,
    seller_feedback_summary,
)
from reviews.models import SellerFeedback, SellerRating
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.concurrency import race
from tests.reviews.review_data import delivered_line
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"arrived_on_time": True, "as_described": True, "good_service": True}


BUYER = object()


def leave(seller_order, *, user=BUYER, rating=5, comment="", **answers):
    return feedback_leave(
        user=seller_order.order.user if user is BUYER else user,
        seller_order=seller_order,
        rating=rating,
        comment=comment,
        **(ANSWERS | answers),
    )


def nothing_written():
    return not (
        SellerFeedback.objects.exists() or SellerRating.objects.exists() or OrderDefect.objects.exists()
    )


@pytest.fixture
def seller_order():
    return delivered_line(user=UserFactory(full_name="Ada Lovelace")).seller_order


def test_feedback_is_published_at_once_and_moves_the_sellers_rating(seller_order):
    feedback = leave(seller_order, rating=4, comment="  Well packed.  ", good_service="no")

    assert (feedback.status, feedback.rating, feedback.comment) == ("published", 4, "Well packed.")
    assert (feedback.arrived_on_time, feedback.as_described, feedback.good_service) == (True, True, False)
    assert feedback.author_name == "Ada L."
    assert feedback.seller_id == seller_order.seller_id
    rating = SellerRating.objects.get(seller_id=seller_order.seller_id)
    assert rating.histogram == {5: 0, 4: 1, 3: 0, 2: 0, 1: 0}
    seller = seller_order.seller
    seller.refresh_from_db()
    assert (seller.rating_average, seller.rating_count) == (Decimal("4.00"), 1)
    assert not OrderDefect.objects.exists()


def test_a_second_feedback_of_another_order_averages_in(seller_order):
    other = delivered_line(offer=seller_order.lines.get().offer).seller_order
    leave(seller_order, rating=5)
    leave(other, rating=2)

    seller = seller_order.seller
    seller.refresh_from_db()
    assert (seller.rating_average, seller.rating_count) == (Decimal("3.50"), 2)


@pytest.mark.parametrize(("rating", "defect"), [(1, True), (2, True), (3, False), (4, False), (5, False)])
def test_only_one_or_two_stars_record_an_order_defect(seller_order, rating, defect):
    feedback = leave(seller_order, rating=rating)

    defects = list(OrderDefect.objects.values_list("seller_order_id", "kind", "source_id", "occurred_at"))
    expected = [(seller_order.pk, "negative_feedback", str(feedback.pk), feedback.created_at)]
    assert defects == (expected if defect else [])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rating": 0}, "from 1 to 5"),
        ({"rating": 6}, "from 1 to 5"),
        ({"rating": "4.5"}, "from 1 to 5"),
        ({"rating": None}, "from 1 to 5"),
        ({"rating": "9" * 5000}, "from 1 to 5"),
        ({"arrived_on_time": None}, "Did it arrive on time"),
        ({"as_described": ""}, "as described"),
        ({"good_service": "maybe"}, "service good"),
        ({"comment": "x" * 1001}, "at most 1,000 characters"),
        ({"comment": "nul \x00 byte"}, "cannot be shown"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(seller_order, fields, message):
    values = {"rating": 5, **ANSWERS, "comment": "", **fields}
    with pytest.raises(ApplicationError, match=message):
        feedback_leave(user=seller_order.order.user, seller_order=seller_order, **values)
    assert nothing_written()


def test_a_comment_of_1000_characters_and_html_are_kept_as_text(seller_order):
    text = "<script>alert(1)</script>" + "x" * 975
    feedback = leave(seller_order, comment=text)
    assert feedback.comment == text


def test_only_the_buyer_may_leave_feedback(seller_order):
    for user, message in ((AnonymousUser(), "Sign in"), (None, "Sign in"), (UserFactory(), "Only the buyer")):
        with pytest.raises(ApplicationError, match=message):
            leave(seller_order, user=user)
    assert nothing_written()


@pytest.mark.parametrize("status", [SellerOrder.Status.SHIPPED, SellerOrder.Status.CANCELLED])
def test_an_order_not_delivered_is_refused(seller_order, status):
    SellerOrder.objects.filter(pk=seller_order.pk).update(status=status, delivered_at=None)
    seller_order.refresh_from_db()
    with pytest.raises(ApplicationError, match="once this order has been delivered"):
        leave(seller_order)
    assert nothing_written()


def test_feedback_is_open_for_90_days_after_delivery(seller_order):
    SellerOrder.objects.filter(pk=seller_order.pk).update(delivered_at=timezone.now() - timedelta(days=91))
    seller_order.refresh_from_db()
    with pytest.raises(ApplicationError, match="within 90 days of delivery"):
        leave(seller_order)
    assert nothing_written()

    SellerOrder.objects.filter(pk=seller_order.pk).update(delivered_at=timezone.now() - timedelta(days=89))
    seller_order.refresh_from_db()
    assert leave(seller_order).status == "published"


def test_feedback_is_left_once_per_seller_order(seller_order):
    leave(seller_order, rating=5)
    with pytest.raises(ApplicationError, match="already left feedback"):
        leave(seller_order, rating=1)
    assert SellerFeedback.objects.count() == 1
    assert SellerRating.objects.get(seller_id=seller_order.seller_id).count == 1
    assert not OrderDefect.objects.exists()


def test_a_member_of_the_seller_cannot_rate_it(seller_order):
    SellerMemberFactory(
        seller=seller_order.seller, user=seller_order.order.user, role=SellerMember.Role.SHIPPING
    )
    with pytest.raises(ApplicationError, match="a seller you work for"):
        leave(seller_order)
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_two_feedbacks_at_the_same_instant_make_one_and_count_once():
    seller_order = delivered_line().seller_order

    errors = race([lambda: leave(seller_order, rating=1), lambda: leave(seller_order, rating=1)])

    assert len(errors) == 1 and isinstance(errors[0], ApplicationError)
    assert errors[0].message == "You have already left feedback for this order."
    assert SellerFeedback.objects.count() == 1
    assert SellerRating.objects.get(seller_id=seller_order.seller_id).histogram[1] == 1
    assert OrderDefect.objects.count() == 1


def test_answers_read_yes_and_no():
    assert [answer_parse(v, question="good_service") for v in (True, "yes", "Yes ", "1", "on")] == [True] * 5
    assert [answer_parse(v, question="good_service") for v in (False, "no", "NO", "0", "false")] == [
        False
    ] * 5
    with pytest.raises(ApplicationError, match="Answer yes or no: Was the seller's service good?"):
        answer_parse("y" * 10_000, question="good_service")


# -- removal ----------------------------------------------------------------------------------


def defect_counted(seller_order) -> int:
    figures = scorecard_figures(seller_ids=[seller_order.seller_id])[seller_order.seller_id][30]
    return figures.defective_orders


def test_the_author_removes_negative_feedback_and_it_stops_counting(seller_order):
    feedback = leave(seller_order, rating=1, comment="Never again.")
    assert defect_counted(seller_order) == 1

    removed = feedback_remove(feedback=feedback, user=seller_order.order.user)

    assert (removed.status, removed.moderation_note) == ("removed", "Removed by its author.")
    assert SellerRating.objects.get(seller_id=seller_order.seller_id).count == 0
    seller = seller_order.seller
    seller.refresh_from_db()
    assert (seller.rating_average, seller.rating_count) == (Decimal("0.00"), 0)
    assert not OrderDefect.objects.exists()
    assert defect_counted(seller_order) == 0
    assert seller_feedback_summary(seller=seller).lifetime.total == 0


def test_removed_feedback_cannot_be_left_again(seller_order):
    feedback_remove(feedback=leave(seller_order), user=seller_order.order.user)
    with pytest.raises(ApplicationError, match="You removed your feedback for this order"):
        leave(seller_order)


def test_removal_is_refused_to_others_late_and_twice(seller_order):
    feedback = leave(seller_order, rating=2)
    with pytest.raises(ApplicationError, match="Only its author"):
        feedback_remove(feedback=feedback, user=UserFactory())
    SellerFeedback.objects.filter(pk=feedback.pk).update(created_at=timezone.now() - timedelta(days=61))
    with pytest.raises(ApplicationError, match="within 60 days of leaving it"):
        feedback_remove(feedback=feedback, user=seller_order.order.user)
    assert SellerFeedback.objects.get().status == "published"
    assert OrderDefect.objects.count() == 1

    SellerFeedback.objects.filter(pk=feedback.pk).update(created_at=timezone.now() - timedelta(days=59))
    feedback_remove(feedback=feedback, user=seller_order.order.user)
    with pytest.raises(ApplicationError, match="already been removed"):
        feedback_remove(feedback=feedback, user=seller_order.order.user)
    assert SellerRating.objects.get(seller_id=seller_order.seller_id).count == 0


def test_staff_remove_feedback_with_a_reason_and_the_author_is_told(seller_order):
    feedback = leave(seller_order, rating=1, comment="The seller is a thief.")
    staff = UserFactory(is_staff=True)

    feedback_staff_remove(feedback=feedback, staff=staff, reason="Abusive language")

    feedback.refresh_from_db()
    assert (feedback.status, feedback.moderation_note) == ("removed", "Abusive language")
    assert SellerRating.objects.get(seller_id=seller_order.seller_id).count == 0
    assert not OrderDefect.objects.exists()
    email = OutboundEmail.objects.get()
    assert email.payload["to"] == [seller_order.order.user.email]
    assert email.payload["subject"] == f"Your feedback for {seller_order.seller.name} was removed"
    assert "Our team's reason: Abusive language" in email.payload["body"]
    with pytest.raises(ApplicationError, match="removed by the marketplace"):
        leave(seller_order)


def test_staff_removal_needs_staff_a_reason_and_published_feedback(seller_order):
    feedback = leave(seller_order, rating=3)
    with pytest.raises(ApplicationError, match="Only marketplace staff"):
        feedback_staff_remove(feedback=feedback, staff=UserFactory(), reason="Spam")
    with pytest.raises(ApplicationError, match="The reason cannot be empty"):
        feedback_staff_remove(feedback=feedback, staff=UserFactory(is_staff=True), reason="  ")
    assert SellerFeedback.objects.get().status == "published"
    feedback_staff_remove(feedback=feedback, staff=UserFactory(is_staff=True), reason="Spam")
    with pytest.raises(ApplicationError, match="already been removed"):
        feedback_staff_remove(feedback=feedback, staff=UserFactory(is_staff=True), reason="Spam")
    assert SellerRating.objects.get(seller_id=seller_order.seller_id).count == 0


# -- the summary ------------------------------------------------------------------------------


def feedback_aged(offer, *, rating, days, comment=""):
    seller_order = delivered_line(offer=offer).seller_order
    feedback = leave(seller_order, rating=rating, comment=comment)
    SellerFeedback.objects.filter(pk=feedback.pk).update(created_at=timezone.now() - timedelta(days=days))
    return feedback


def test_the_summary_counts_each_period_and_lists_the_latest_comments(django_assert_num_queries):
    offer = OfferFactory()
    # (stars, days ago, comment)
    rows = [
        (5, 1, "Great"),
        (4, 10, ""),
        (1, 20, "Late"),
        (3, 60, "Fine"),
        (5, 200, "Good"),
        (2, 300, ""),
        (5, 400, "Old"),
        (4, 500, "Older"),
    ]
    made = [feedback_aged(offer, rating=stars, days=days, comment=text) for stars, days, text in rows]
    feedback_staff_remove(feedback=made[1], staff=UserFactory(is_staff=True), reason="Spam")
    other_seller = feedback_aged(OfferFactory(), rating=1, days=1, comment="Elsewhere")
    seller = offer.seller
    seller.refresh_from_db()

    with django_assert_num_queries(2):
        summary = seller_feedback_summary(seller=seller)

    counts = {p.label: (p.positive, p.neutral, p.negative) for p in summary.periods}
    assert counts == {
        "30 days": (1, 0, 1),
        "90 days": (1, 1, 1),
        "12 months": (2, 1, 2),
        "Lifetime": (4, 1, 2),
    }
    year = summary.last_12_months
    assert (year.total, year.positive_percent, year.neutral_percent, year.negative_percent) == (5, 40, 20, 40)
    assert summary.lifetime.positive_percent == 57  # 4 of 7, half up
    assert [f.comment for f in summary.recent] == ["Great", "Late", "Fine", "Good", "Old"]
    assert other_seller.comment not in [f.comment for f in summary.recent]
    assert (summary.rating_count, summary.rating_average) == (7, Decimal("3.57"))


def test_a_seller_without_feedback_has_an_empty_summary():
    summary = seller_feedback_summary(seller=OfferFactory().seller)
    assert [p.total for p in summary.periods] == [0, 0, 0, 0]
    assert summary.lifetime.positive_percent is None and summary.recent == []
