"""The buyer's feedback pages, the links on the order page and the seller page's feedback section."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fulfillment.models import Shipment, ShipmentLine
from orders.models import Order, SellerOrder, StockAllocation
from reviews.feedback import feedback_leave
from reviews.models import SellerFeedback
from reviews.services import review_create
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.orders.order_data import order_build
from tests.reviews.review_data import delivered_line

pytestmark = pytest.mark.django_db

GOOD = {
    "rating": "5",
    "arrived_on_time": "yes",
    "as_described": "yes",
    "good_service": "no",
    "comment": "Fine.",
}
_tracking = itertools.count(1)


def leave_url(seller_order) -> str:
    return reverse("feedback:leave", kwargs={"number": seller_order.number})


@pytest.fixture
def seller_order():
    return delivered_line(user=UserFactory(full_name="Grace Hopper")).seller_order


@pytest.fixture
def buyer_client(client, seller_order):
    client.force_login(seller_order.order.user)
    return client


def test_the_buyer_gets_the_form(buyer_client, seller_order):
    response = buyer_client.get(leave_url(seller_order))

    assert response.status_code == 200
    text = response.content.decode()
    assert f"Feedback for {seller_order.seller.name}" in text
    assert (
        "<legend>How would you rate" in text and 'id="rating-5"' in text and 'for="rating-1">1 star<' in text
    )
    for name in ("arrived_on_time", "as_described", "good_service"):
        assert f'id="{name}-yes"' in text and f'id="{name}-no"' in text
    assert '<label for="feedback-comment">Comment (optional)</label>' in text


def test_anonymous_visitors_sign_in_and_other_users_get_404(client, seller_order):
    response = client.get(leave_url(seller_order))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(leave_url(seller_order)).status_code == 404
    assert client.post(leave_url(seller_order), GOOD).status_code == 404
    assert client.get(reverse("feedback:leave", kwargs={"number": "x" * 500})).status_code == 404
    assert not SellerFeedback.objects.exists()


def test_posting_the_form_publishes_the_feedback_and_returns_to_the_order(buyer_client, seller_order):
    response = buyer_client.post(leave_url(seller_order), GOOD)

    assert response.status_code == 302 and response["Location"] == seller_order.order.get_absolute_url()
    feedback = SellerFeedback.objects.get()
    assert (feedback.rating, feedback.good_service, feedback.comment, feedback.author_name) == (
        5,
        False,
        "Fine.",
        "Grace H.",
    )
    page = buyer_client.get(response["Location"]).content.decode()
    assert f"Thank you: your feedback for {seller_order.seller.name} is published." in page
    assert "Your seller feedback:" in page and "5 out of 5 stars" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rating": ""}, "Choose a star rating from 1 to 5."),
        ({"rating": "6"}, "Choose a star rating from 1 to 5."),
        ({"rating": "٥"}, "Choose a star rating from 1 to 5."),
        ({"arrived_on_time": ""}, "Answer yes or no."),
        ({"as_described": "maybe"}, "Answer yes or no."),
        ({"comment": "x" * 1001}, "The comment can be at most 1,000 characters."),
        ({"comment": "bell \x07 rings"}, "The comment contains characters that cannot be shown."),
        ({"comment": "nul \x00 byte"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_gets_400_with_the_error_and_writes_nothing(buyer_client, seller_order, changes, message):
    response = buyer_client.post(leave_url(seller_order), GOOD | changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SellerFeedback.objects.exists()


def test_nothing_posted_lists_every_missing_answer(buyer_client, seller_order):
    response = buyer_client.post(leave_url(seller_order), {})
    assert response.status_code == 400
    text = response.content.decode()
    assert text.count("Answer yes or no.") == 3 and "Choose a star rating from 1 to 5." in text


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"status": SellerOrder.Status.SHIPPED, "delivered_at": None}, "once this order has been delivered"),
        ({"delivered_at": timezone.now() - timedelta(days=120)}, "within 90 days of delivery"),
    ],
)
def test_a_buyer_who_may_not_leave_feedback_gets_403_with_the_reason(
    buyer_client, seller_order, update, message
):
    SellerOrder.objects.filter(pk=seller_order.pk).update(**update)

    for response in (
        buyer_client.get(leave_url(seller_order)),
        buyer_client.post(leave_url(seller_order), GOOD),
    ):
        assert response.status_code == 403
        assert message in response.content.decode()
    assert not SellerFeedback.objects.exists()


def test_feedback_given_is_shown_and_a_second_post_is_refused(buyer_client, seller_order):
    buyer_client.post(leave_url(seller_order), GOOD)

    page = buyer_client.get(leave_url(seller_order))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your feedback" in text and "Remove my feedback" in text
    again = buyer_client.post(leave_url(seller_order), GOOD | {"rating": "1"})
    assert (
        again.status_code == 403
        and "You have already left feedback for this order." in again.content.decode()
    )
    assert SellerFeedback.objects.get().rating == 5


def test_the_buyer_removes_feedback_and_cannot_leave_it_again(buyer_client, seller_order):
    buyer_client.post(leave_url(seller_order), GOOD)
    remove_url = reverse("feedback:remove", kwargs={"number": seller_order.number})

    response = buyer_client.post(remove_url)

    assert response.status_code == 302 and response["Location"] == leave_url(seller_order)
    assert SellerFeedback.objects.get().status == "removed"
    page = buyer_client.get(leave_url(seller_order))
    assert page.status_code == 403 and "cannot be left again" in page.content.decode()
    assert buyer_client.get(remove_url).status_code == 405


def test_removal_after_60_days_is_refused_with_the_reason(buyer_client, seller_order):
    buyer_client.post(leave_url(seller_order), GOOD)
    SellerFeedback.objects.update(created_at=timezone.now() - timedelta(days=61))

    response = buyer_client.post(reverse("feedback:remove", kwargs={"number": seller_order.number}))

    assert response.status_code == 403
    assert "Feedback can be removed within 60 days of leaving it." in response.content.decode()
    assert SellerFeedback.objects.get().status == "published"


def test_removing_feedback_never_given_is_404(buyer_client, seller_order):
    response = buyer_client.post(reverse("feedback:remove", kwargs={"number": seller_order.number}))
    assert response.status_code == 404


# -- the order page -----------------------------------------------------------------------------


def delivered_order(*, user, parts: int, delivered: bool = True) -> Order:
    """An order of ``parts`` sellers, one line each, every parcel delivered (or only shipped)."""
    offers = [OfferFactory() for _ in range(parts)]
    stocks = {}
    for offer in offers:
        stocks[offer.pk] = StockFactory(
            offer=offer, warehouse=WarehouseFactory(seller=offer.seller), on_hand=10
        )
    order = order_build(user=user, parts=[[(offer, 1)] for offer in offers])
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, paid_at=now - timedelta(days=6))
    for seller_order in order.seller_orders.all():
        SellerOrder.objects.filter(pk=seller_order.pk).update(
            status=SellerOrder.Status.DELIVERED if delivered else SellerOrder.Status.SHIPPED,
            shipped_at=now - timedelta(days=5),
            delivered_at=now - timedelta(days=1) if delivered else None,
        )
        for line in seller_order.lines.all():
            StockAllocation.objects.filter(line=line).update(status=StockAllocation.Status.SHIPPED)
            stock = stocks[line.offer_id]
            shipment = Shipment.objects.create(
                seller_order=seller_order,
                warehouse=stock.warehouse,
                direction=Shipment.Direction.OUTBOUND,
                carrier="sandbox",
                service="ground",
                service_name="Ground",
                tracking_number=f"FBK{next(_tracking):09d}",
                status=Shipment.Status.DELIVERED if delivered else Shipment.Status.IN_TRANSIT,
                weight_grams=500,
                length_cm=20,
                width_cm=15,
                height_cm=10,
                delivered_at=now - timedelta(days=1) if delivered else None,
            )
            ShipmentLine.objects.create(shipment=shipment, line=line, stock=stock, quantity=1)
    return order


def test_the_order_page_links_to_feedback_and_reviews_of_what_was_delivered(client):
    buyer = UserFactory()
    order = delivered_order(user=buyer, parts=2)
    first, second = order.seller_orders.order_by("pk")
    feedback_leave(
        user=buyer,
        seller_order=first,
        rating=4,
        arrived_on_time=True,
        as_described=True,
        good_service=True,
        comment="",
    )
    reviewed = first.lines.get()
    review = review_create(
        user=buyer, product=reviewed.product, rating=5, title="Good", body="Works well, sturdy."
    )
    client.force_login(buyer)

    text = client.get(order.get_absolute_url()).content.decode()

    assert '<h2 id="order-feedback-heading">Rate your purchase</h2>' in text
    assert "Your seller feedback:" in text and "4 out of 5 stars" in text
    assert f'href="{leave_url(second)}">Leave seller feedback' in text
    assert f'href="{reverse("reviews:edit", kwargs={"pk": review.pk})}">Edit your review' in text
    write_url = reverse("reviews:write", kwargs={"slug": second.lines.get().product.slug})
    assert f'href="{write_url}">Write a product review' in text


def test_the_order_page_offers_nothing_before_delivery_or_after_90_days(client):
    buyer = UserFactory()
    shipped = delivered_order(user=buyer, parts=1, delivered=False)
    client.force_login(buyer)
    assert "Rate your purchase" not in client.get(shipped.get_absolute_url()).content.decode()

    old = delivered_order(user=buyer, parts=1)
    SellerOrder.objects.filter(order=old).update(delivered_at=timezone.now() - timedelta(days=91))
    text = client.get(old.get_absolute_url()).content.decode()
    assert "Leave seller feedback" not in text
    assert "Write a product review" in text  # reviews have no such window


def test_a_line_in_a_delivered_parcel_of_a_part_still_on_its_way_can_be_reviewed(client):
    buyer = UserFactory()
    order = delivered_order(user=buyer, parts=1, delivered=False)
    Shipment.objects.filter(seller_order__order=order).update(
        status=Shipment.Status.DELIVERED, delivered_at=timezone.now()
    )
    client.force_login(buyer)

    text = client.get(order.get_absolute_url()).content.decode()

    assert "Write a product review" in text and "Leave seller feedback" not in text


@pytest.mark.parametrize("parts", [3, 30])
def test_the_order_page_section_costs_a_fixed_number_of_queries(client, django_assert_num_queries, parts):
    buyer = UserFactory()
    order = delivered_order(user=buyer, parts=parts)
    for seller_order in order.seller_orders.all()[:2]:
        feedback_leave(
            user=buyer,
            seller_order=seller_order,
            rating=5,
            arrived_on_time=True,
            as_described=True,
            good_service=True,
            comment="",
        )
    client.force_login(buyer)
    client.get(order.get_absolute_url())  # warm the navigation cache

    # The order page's 10 (session, user, order, parts, lines, parcels, their scans, returns, claims,
    # events) + this section's 2: the parts' feedback and the buyer's reviews of the lines' families.
    with django_assert_num_queries(12):
        response = client.get(order.get_absolute_url())
    assert response.content.decode().count("Leave seller feedback") == parts - 2


# -- the public seller page ---------------------------------------------------------------------


def feedback_for(offer, *, rating, comment, days=0):
    seller_order = delivered_line(offer=offer).seller_order
    feedback = feedback_leave(
        user=seller_order.order.user,
        seller_order=seller_order,
        rating=rating,
        arrived_on_time=True,
        as_described=True,
        good_service=True,
        comment=comment,
    )
    if days:
        SellerFeedback.objects.filter(pk=feedback.pk).update(created_at=timezone.now() - timedelta(days=days))
    return feedback


def test_the_seller_page_shows_the_rating_the_share_positive_and_the_latest_comments(client):
    offer = OfferFactory()
    for index, (rating, days) in enumerate([(5, 1), (4, 2), (1, 3), (5, 4), (5, 5), (3, 6), (2, 400)]):
        feedback_for(offer, rating=rating, days=days, comment=f"Comment {index} <b>bold</b>")

    text = client.get(offer.seller.get_absolute_url()).content.decode()

    assert '<h2 id="seller-feedback-heading">Customer feedback</h2>' in text
    assert "<strong>67% positive</strong> in the last 12 months (6 ratings)" in text  # 4 of 6
    assert "Rated 3.6 out of 5 stars" in text  # lifetime: 25 / 7
    assert "<dt>Positive (4&ndash;5 stars)</dt><dd>4</dd>" in text
    assert "<dt>Neutral (3 stars)</dt><dd>1</dd>" in text
    assert "<dt>Negative (1&ndash;2 stars)</dt><dd>2</dd>" in text
    assert [f"Comment {i} " in text for i in range(7)] == [True] * 5 + [False] * 2
    assert "&lt;b&gt;bold&lt;/b&gt;" in text and "<b>bold</b>" not in text
    assert "1 out of 5 stars" in text


def test_a_seller_without_feedback_says_so(client):
    offer = OfferFactory()
    assert "No customer feedback yet." in client.get(offer.seller.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_seller_page_costs_the_same_queries_for_3_and_30_feedback(
    client, django_assert_num_queries, count
):
    offer = OfferFactory()
    for index in range(count):
        feedback_for(offer, rating=5 - index % 5, comment=f"Comment {index}")
    client.get(offer.seller.get_absolute_url())  # warm the navigation cache

    # seller, offers count, offers page, their images (catalog) + the latest comments and the counts
    with django_assert_num_queries(6):
        response = client.get(offer.seller.get_absolute_url())
    assert response.content.decode().count('class="feedback-item"') == min(count, 5)
