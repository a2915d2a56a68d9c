"""Seller Central's Reviews and Feedback pages: scoping, filters, the reply, roles, read-only staff."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from reviews.feedback import feedback_leave
from reviews.models import Review, SellerReply
from reviews.services import review_create, seller_reply_create
from sellers.central import READ_ONLY_MESSAGE
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.reviews.review_data import delivered_line
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db
Role = SellerMember.Role

BODY = "Solid build, arrived in two days, does what it says"
_numbers = itertools.count(1)


def reviewed(offer, *, rating=4, title="Does the job", body=None, days=0) -> Review:
    """A published review of a line ``offer`` sold (each with its own text: a repeat would be held)."""
    body = body or f"{BODY}, number {next(_numbers)}."
    line = delivered_line(offer=offer)
    review = review_create(
        user=line.seller_order.order.user, product=line.product, rating=rating, title=title, body=body
    )
    if days:
        Review.objects.filter(pk=review.pk).update(published_at=timezone.now() - timedelta(days=days))
    return review


def feedback_of(offer, *, rating=5, comment="", days=0):
    seller_order = delivered_line(offer=offer).seller_order
    feedback = feedback_leave(
        user=seller_order.order.user,
        seller_order=seller_order,
        rating=rating,
        arrived_on_time=True,
        as_described=rating > 2,
        good_service=True,
        comment=comment,
    )
    if days:
        type(feedback).objects.filter(pk=feedback.pk).update(created_at=timezone.now() - timedelta(days=days))
    return feedback


@pytest.fixture
def offer():
    return OfferFactory(seller__name="Kettle Co")


@pytest.fixture
def owner(offer):
    return SellerMemberFactory(seller=offer.seller, role=Role.OWNER).user


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def reply_url(review) -> str:
    return reverse("seller:review-reply", kwargs={"pk": review.pk})


# -- the reviews page ------------------------------------------------------------------------


def test_the_page_lists_the_published_reviews_of_what_this_seller_sold_newest_first(owner_client, offer):
    old = reviewed(offer, rating=2, title="Leaked", days=3)
    new = reviewed(offer, rating=5, title="Lovely")
    reviewed(offer, title="Mail me at ada@example.com")  # held by the checks: not shown
    other_offer = OfferFactory(product=offer.product)  # another seller of the same product
    reviewed(other_offer, title="From the other seller")

    response = owner_client.get(reverse("seller:reviews"))

    assert response.status_code == 200
    assert list(response.context["reviews"]) == [new, old]
    text = response.content.decode()
    assert "Leaked" in text and "Lovely" in text and "From the other seller" not in text
    assert "2 out of 5 stars" in text and "Verified Purchase" in text
    assert f'action="{reply_url(new)}"' in text and f'for="reply-{new.pk}">Your public reply' in text
    assert 'aria-current="page">Reviews</a>' in text


def test_the_list_filters_by_stars_and_by_reply(owner_client, offer, owner):
    five = reviewed(offer, rating=5)
    three = reviewed(offer, rating=3)
    seller_reply_create(review=five, seller=offer.seller, user=owner, body="Thank you!")

    def listed(query):
        return list(owner_client.get(reverse("seller:reviews"), query).context["reviews"])

    assert listed({"stars": "5"}) == [five]
    assert listed({"stars": "3"}) == [three]
    assert listed({"stars": "1"}) == []
    assert listed({"reply": "none"}) == [three]
    assert listed({"reply": "replied"}) == [five]
    assert listed({"stars": "9", "reply": "<script>"}) == [three, five]  # unknown values: no filter
    assert owner_client.get(reverse("seller:reviews"), {"page": "99"}).status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_the_reviews_page_costs_the_same_queries_for_3_and_30_reviews(
    owner_client, offer, owner, django_assert_num_queries, rows
):
    reviews = [reviewed(offer, rating=1 + index % 5) for index in range(rows)]
    seller_reply_create(review=reviews[0], seller=offer.seller, user=owner, body="Sorry about that.")
    owner_client.get(reverse("seller:reviews"))  # warm the navigation cache

    # session, user, membership (seller), count, the page of reviews (product, reply, order), photos
    with django_assert_num_queries(6):
        response = owner_client.get(reverse("seller:reviews"))
    assert len(response.context["reviews"]) == min(rows, 20)


# -- replying --------------------------------------------------------------------------------


def test_a_reply_is_published_and_shown_with_the_review(owner_client, offer, owner):
    review = reviewed(offer)

    response = owner_client.post(reply_url(review), {"body": "Thanks, enjoy it!"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('seller:reviews')}#review-{review.pk}"
    reply = SellerReply.objects.get()
    assert (reply.review, reply.seller, reply.author, reply.status) == (
        review,
        offer.seller,
        owner,
        "published",
    )
    page = owner_client.get(response["Location"]).content.decode()
    assert "Your reply is published under the review." in page
    assert "Thanks, enjoy it!" in page and f'action="{reply_url(review)}"' not in page


def test_a_reply_with_contact_details_is_held_for_a_check(owner_client, offer):
    review = reviewed(offer)

    response = owner_client.post(reply_url(review), {"body": "Call us on 555 123 4567"}, follow=True)

    assert SellerReply.objects.get().status == "pending"
    text = response.content.decode()
    assert "Your reply is held for a check by our staff before it is shown." in text
    assert "held for a check by our staff" in text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "The reply cannot be empty."),
        ("   ", "The reply cannot be empty."),
        ("x" * 2001, "The reply can be at most 2,000 characters (it has 2,001)."),
        ("bell \x07", "The reply contains characters that cannot be shown."),
    ],
)
def test_a_bad_reply_gets_400_with_the_reason_and_writes_nothing(owner_client, offer, body, message):
    review = reviewed(offer)

    response = owner_client.post(reply_url(review), {"body": body})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SellerReply.objects.exists()


def test_a_second_reply_is_refused(owner_client, offer, owner):
    review = reviewed(offer)
    seller_reply_create(review=review, seller=offer.seller, user=owner, body="First.")

    response = owner_client.post(reply_url(review), {"body": "Second."})

    assert response.status_code == 400 and "This review already has your reply." in response.content.decode()
    assert list(SellerReply.objects.values_list("body", flat=True)) == ["First."]


def test_htmx_gets_the_reviews_box_back(owner_client, offer):
    review = reviewed(offer)

    response = owner_client.post(reply_url(review), {"body": "Thank you."}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith(f'<article class="card stack seller-review" id="review-{review.pk}"')
    assert "Your reply is published under the review." in text
    bad = owner_client.post(reply_url(reviewed(offer)), {"body": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and "<html" not in bad.content.decode()


def test_the_reply_page_shows_one_review_with_its_form(owner_client, offer):
    review = reviewed(offer, title="Good kettle")
    response = owner_client.get(reply_url(review))
    assert response.status_code == 200
    assert (
        "<h1>Reply to a review</h1>" in response.content.decode()
        and "Good kettle" in response.content.decode()
    )


def test_another_sellers_review_or_a_bad_id_is_404_and_nothing_is_written(owner_client, offer):
    theirs = reviewed(OfferFactory(product=offer.product))
    held = reviewed(offer, title="Write to ada@example.com")
    assert held.status == "pending"

    for url in (
        reply_url(theirs),
        reply_url(held),
        "/seller/reviews/0/reply/",
        "/seller/reviews/9" + "9" * 30 + "/reply/",
    ):
        assert owner_client.get(url).status_code == 404, url
        assert owner_client.post(url, {"body": "Hello"}).status_code == 404, url
    assert not SellerReply.objects.exists()


# -- who gets in -----------------------------------------------------------------------------


def test_owners_and_managers_get_in_others_get_404_and_anonymous_sign_in(client, offer):
    review = reviewed(offer)
    urls = [reverse("seller:reviews"), reply_url(review), reverse("seller:feedback")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    for role, expected in ((Role.OWNER, 200), (Role.MANAGER, 200), (Role.SHIPPING, 404), (Role.FINANCE, 404)):
        client.force_login(SellerMemberFactory(seller=offer.seller, role=role).user)
        assert [client.get(url).status_code for url in urls] == [expected] * 3, role
    client.force_login(UserFactory())  # a shopper
    assert [client.get(url).status_code for url in urls] == [404] * 3
    client.force_login(SellerMemberFactory(role=Role.OWNER).user)  # another seller's owner
    assert client.get(reply_url(review)).status_code == 404
    assert client.post(reply_url(review), {"body": "Hi"}).status_code == 404
    assert list(client.get(reverse("seller:reviews")).context["reviews"]) == []
    assert not SellerReply.objects.exists()


def test_staff_viewing_as_the_seller_see_the_pages_and_cannot_reply(client, offer):
    review = reviewed(offer)
    feedback_of(offer, comment="Fast.")
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_seller", content_type__app_label="sellers")
    )
    client.force_login(staff)
    client.post(reverse("seller:view-as", kwargs={"pk": offer.seller.pk}), {"reason": "Ticket 77: reviews"})

    assert client.get(reverse("seller:reviews")).status_code == 200
    assert "Fast." in client.get(reverse("seller:feedback")).content.decode()
    response = client.post(reply_url(review), {"body": "Staff should not write this."})

    assert response.status_code == 403 and READ_ONLY_MESSAGE in response.content.decode()
    assert not SellerReply.objects.exists()


# -- the feedback page and the dashboard -----------------------------------------------------


def test_the_feedback_page_shows_the_summary_and_the_sellers_feedback(owner_client, offer):
    feedback_of(offer, rating=5, comment="Quick.", days=2)
    negative = feedback_of(offer, rating=1, comment="Broken <i>box</i>", days=1)
    feedback_of(OfferFactory(), rating=2, comment="Not this seller")

    response = owner_client.get(reverse("seller:feedback"))

    assert response.status_code == 200
    text = response.content.decode()
    assert '<th scope="row">30 days</th>' in text and '<th scope="row">Lifetime</th>' in text
    assert '50% <span class="muted">(1)</span>' in text
    assert "Quick." in text and "Broken &lt;i&gt;box&lt;/i&gt;" in text and "Not this seller" not in text
    assert negative.seller_order.number in text
    negatives = owner_client.get(reverse("seller:feedback"), {"kind": "negative"}).context["feedback_list"]
    assert list(negatives) == [negative]
    assert (
        len(owner_client.get(reverse("seller:feedback"), {"kind": "junk\x00"}).context["feedback_list"]) == 2
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_the_feedback_page_costs_the_same_queries_for_3_and_30(
    owner_client, offer, django_assert_num_queries, rows
):
    for index in range(rows):
        feedback_of(offer, rating=1 + index % 5, comment=f"Note {index}")
    owner_client.get(reverse("seller:feedback"))  # warm the navigation cache

    # session, user, membership (seller), count, the page (with seller orders), summary: counts, comments
    with django_assert_num_queries(7):
        response = owner_client.get(reverse("seller:feedback"))
    assert len(response.context["feedback_list"]) == min(rows, 20)


def test_the_dashboard_card_shows_rating_share_positive_and_reviews_to_answer(owner_client, offer, owner):
    for rating in (5, 5, 4, 1):
        feedback_of(offer, rating=rating)
    feedback_of(offer, rating=2, days=400)  # lifetime only
    answered = reviewed(offer)
    reviewed(offer)
    reviewed(offer, days=40)  # not new
    seller_reply_create(review=answered, seller=offer.seller, user=owner, body="Thanks!")

    text = owner_client.get(reverse("seller:dashboard")).content.decode()

    assert '<h2 class="card__title">Customer feedback</h2>' in text
    assert "<dt>Seller rating</dt><dd>3.4 out of 5 (5 ratings)</dd>" in text
    assert "<dt>Positive, last 12 months</dt><dd>75% of 4</dd>" in text
    assert "<dt>New reviews without your reply (30 days)</dt><dd>1</dd>" in text
    assert f'href="{reverse("seller:reviews")}?reply=none">Answer reviews</a>' in text
