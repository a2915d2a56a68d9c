"""The automatic checks, and staff deciding the moderation queue in the admin."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from catalog.models import Product
from marketplace.accounts.models import OutboundEmail
from marketplace.core.errors import ApplicationError
from reviews import moderation
from reviews.models import Review
from reviews.services import review_create, review_report, review_update
from tests.accounts.factories import UserFactory
from tests.reviews.review_data import delivered_line
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

CLEAN = "Solid build, does what it says, would buy again."
CHANGELIST = "admin:reviews_review_changelist"


def write(body=CLEAN, *, line=None, title="Works well", rating=5):
    line = line or delivered_line()
    return review_create(
        user=line.seller_order.order.user, product=line.product, rating=rating, title=title, body=body
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Better price at https://elsewhere.example/deal, check it", moderation.REASON_LINK),
        ("Visit www.cheapcopies.net for the same thing", moderation.REASON_LINK),
        ("Cheaper on bargainbin.shop honestly", moderation.REASON_LINK),
        ("Write to me at joe.bloggs+deals@mail.example.org for a discount", moderation.REASON_EMAIL),
        ("Call me on +1 (415) 555-0134 and I sell it cheaper", moderation.REASON_PHONE),
        ("Text 07700 900 123 for more", moderation.REASON_PHONE),
        ("buy buy buy buy buy buy buy buy buy buy buy buy buy now", moderation.REASON_LOW_CONTENT),
    ],
)
def test_each_text_check_holds_the_review_with_its_reason(body, reason):
    review = write(body)
    assert review.status == Review.Status.PENDING and reason in review.held_reasons
    assert Product.objects.get(pk=review.product_id).rating_count == 0


@pytest.mark.parametrize(
    "body",
    [
        "Arrived in 2 days, 3 of the 4 screws were 10 mm not 12 mm.",
        "Version 2.0 of the firmware fixed it; battery lasts 14 hours.",
        "Great value. Sturdy. My son uses it daily!",
    ],
)
def test_ordinary_reviews_with_numbers_and_full_stops_are_published(body):
    assert write(body).status == Review.Status.PUBLISHED


def test_text_repeated_from_another_review_is_held():
    first = write("This kettle boils fast and the lid never sticks, very happy.")
    again = write(
        "This kettle boils fast and the lid never sticks, very happy!",
        line=delivered_line(product=first.product),
    )
    assert again.status == Review.Status.PENDING and moderation.REASON_REPEATED in again.held_reasons


def test_a_burst_of_reviews_from_one_account_is_held():
    user = UserFactory()
    reviews = [
        write(f"{CLEAN} Number {i} of the day, different product each time.", line=delivered_line(user=user))
        for i in range(moderation.REVIEWS_PER_DAY + 1)
    ]
    assert [r.status for r in reviews[:-1]] == [Review.Status.PUBLISHED] * moderation.REVIEWS_PER_DAY
    assert moderation.REASON_BURST in reviews[-1].held_reasons


def test_a_review_by_a_member_of_a_seller_of_the_product_is_held():
    from sellers.models import SellerMember
    from tests.catalog.factories import OfferFactory

    line = delivered_line()
    seller = SellerFactory()
    OfferFactory(product=line.product, seller=seller)
    SellerMember.objects.create(seller=seller, user=line.seller_order.order.user, role="owner")
    review = write(line=line)
    assert moderation.REASON_SELLER in review.held_reasons


def test_an_edit_is_checked_again():
    review = write()
    line_user = review.author
    edited = review_update(review=review, user=line_user, rating=1, title="Now", body="See www.other.com")
    assert edited.status == Review.Status.PENDING
    assert Product.objects.get(pk=review.product_id).rating_count == 0


@pytest.fixture
def staff_client(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff = staff
    return client


def run_action(client, action, reviews, **extra):
    data = {"action": action, "_selected_action": [r.pk for r in reviews], **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


def test_the_queue_lists_held_and_reported_reviews_with_why(staff_client):
    held = write("Go to www.elsewhere.com")
    reported = write()
    quiet = write()
    review_report(review=reported, user=UserFactory(), reason="offensive", note="Rude words")
    page = staff_client.get(reverse(CHANGELIST), {"queue": "all"})
    assert page.status_code == 200
    assert {r.pk for r in page.context["cl"].result_list} == {held.pk, reported.pk}
    assert moderation.REASON_LINK in page.content.decode()
    assert {
        r.pk for r in staff_client.get(reverse(CHANGELIST), {"queue": "held"}).context["cl"].result_list
    } == {held.pk}
    detail = staff_client.get(reverse("admin:reviews_review_change", args=[reported.pk]))
    assert detail.status_code == 200 and "Rude words" in detail.content.decode()
    assert quiet.pk not in {r.pk for r in page.context["cl"].result_list}


def test_publishing_a_held_review_counts_it(staff_client):
    held = write("Go to www.elsewhere.com")
    response = run_action(staff_client, "publish", [held])
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.status == Review.Status.PUBLISHED and held.moderated_by == staff_client.staff
    assert Product.objects.get(pk=held.product_id).rating_count == 1
    assert LogEntry.objects.filter(object_id=str(held.pk), change_message__contains="published").exists()


@pytest.mark.parametrize(("action", "status"), [("reject", "rejected"), ("remove", "removed")])
def test_reject_and_remove_ask_for_a_reason_tell_the_author_and_uncount(staff_client, action, status):
    review = write()
    asked = staff_client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [review.pk]})
    assert asked.status_code == 200 and b"reason" in asked.content
    review.refresh_from_db()
    assert review.status == Review.Status.PUBLISHED  # nothing until the reason is given
    run_action(staff_client, action, [review], apply="1", reason="Talks about the delivery, not the product.")
    review.refresh_from_db()
    assert review.status == status and review.moderation_note.startswith("Talks about")
    assert Product.objects.get(pk=review.product_id).rating_count == 0
    mail = OutboundEmail.objects.get(payload__to=[review.author.email])
    assert "Talks about the delivery" in mail.payload["body"]


def test_a_removed_review_cannot_be_reported_edited_or_published(staff_client):
    review = write()
    run_action(staff_client, "remove", [review], apply="1", reason="Abusive.")
    review.refresh_from_db()
    with pytest.raises(ApplicationError, match="already been removed"):
        review_report(review=review, user=UserFactory(), reason="spam")
    with pytest.raises(ApplicationError, match="removed"):
        review_update(review=review, user=review.author, rating=5, title="t", body=CLEAN)
    response = run_action(staff_client, "publish", [review])
    assert "cannot be published" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.REMOVED


def test_reviews_are_read_only_in_the_admin(staff_client):
    review = write()
    assert staff_client.get(reverse("admin:reviews_review_add")).status_code == 403
    staff_client.post(
        reverse("admin:reviews_review_change", args=[review.pk]), {"title": "Edited by staff", "body": "x"}
    )
    review.refresh_from_db()
    assert review.title == "Works well"


def test_staff_remove_feedback_with_a_reason_in_the_admin(staff_client):
    from fulfillment.models import OrderDefect
    from reviews.feedback import feedback_leave
    from reviews.models import SellerFeedback

    line = delivered_line()
    seller_order = line.seller_order
    feedback = feedback_leave(
        user=seller_order.order.user,
        seller_order=seller_order,
        rating=1,
        arrived_on_time=False,
        as_described=True,
        good_service=False,
        comment="Never answered my messages.",
    )
    assert OrderDefect.objects.filter(seller_order=seller_order).count() == 1
    changelist = reverse("admin:reviews_sellerfeedback_changelist")
    asked = staff_client.post(changelist, {"action": "remove", "_selected_action": [feedback.pk]})
    assert asked.status_code == 200 and b"reason" in asked.content
    staff_client.post(
        changelist,
        {
            "action": "remove",
            "_selected_action": [feedback.pk],
            "apply": "1",
            "reason": "Left by a competitor.",
        },
        follow=True,
    )
    feedback.refresh_from_db()
    assert feedback.status == SellerFeedback.Status.REMOVED
    assert not OrderDefect.objects.filter(seller_order=seller_order).exists()
    seller_order.seller.refresh_from_db()
    assert seller_order.seller.rating_count == 0


def test_staff_filter_reviews_by_product_and_find_them_by_seller(staff_client):
    first, second = write(), write()
    url = reverse(CHANGELIST)
    by_product = staff_client.get(url, {"product__id__exact": first.product_id})
    assert by_product.status_code == 200
    assert [r.pk for r in by_product.context["cl"].result_list] == [first.pk]
    seller_name = second.order_line.seller_order.seller.name
    found = staff_client.get(url, {"q": seller_name})
    assert second.pk in {r.pk for r in found.context["cl"].result_list}
    for stars in ("5", "1"):
        assert staff_client.get(url, {"rating": stars}).status_code == 200
    feedback_list = staff_client.get(
        reverse("admin:reviews_sellerfeedback_changelist"), {"seller__id__exact": 1}
    )
    assert feedback_list.status_code == 200
