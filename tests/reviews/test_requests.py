"""Review requests: planned at delivery, sent once a few days later with one-click star links."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from marketplace.accounts.models import OutboundEmail
from reviews.models import ReviewRequest
from reviews.requests import review_requests_plan, review_requests_send
from reviews.services import review_create
from tests.reviews.review_data import delivered_line, variation_family

pytestmark = pytest.mark.django_db


def mails_to(user):
    return list(OutboundEmail.objects.filter(payload__to=[user.email]))


def test_a_delivery_through_the_carrier_plans_one_request_per_line(settings):
    from tests.fulfillment.returns_data import delivered_order

    order, seller_order, *_rest = delivered_order(prices=("10.00", "12.00"), quantities=(1, 2))
    requests = ReviewRequest.objects.filter(order_line__seller_order=seller_order)
    assert requests.count() == 2
    delay = timedelta(days=settings.REVIEW_REQUEST_DELAY_DAYS)
    for request in requests:
        assert timezone.now() + delay - timedelta(minutes=5) < request.due_at <= timezone.now() + delay
    assert review_requests_plan(seller_order_id=seller_order.pk) == 0  # again: nothing new


def test_due_requests_are_sent_once_with_star_links():
    line = delivered_line()
    review_requests_plan(seller_order_id=line.seller_order_id)
    user = line.seller_order.order.user
    assert review_requests_send() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert review_requests_send() == 1
        assert review_requests_send() == 0
    (mail,) = mails_to(user)
    body = mail.payload["body"]
    assert line.product.title in mail.payload["subject"]
    for stars in range(1, 6):
        assert f"/reviews/product/{line.product.slug}/write/?rating={stars}" in body
    assert ReviewRequest.objects.get(order_line=line).sent_at is not None


def test_a_buyer_who_reviewed_already_is_not_asked():
    line = delivered_line()
    user = line.seller_order.order.user
    review_create(user=user, product=line.product, rating=5, title="t", body="Good kettle, boils fast.")
    review_requests_plan(seller_order_id=line.seller_order_id)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert review_requests_send() == 0
    assert mails_to(user) == []
    assert "reviewed" in ReviewRequest.objects.get(order_line=line).skipped_reason


def test_two_variations_of_one_family_make_one_request():
    _parent, (small, medium, _large) = variation_family()
    first = delivered_line(product=small)
    user = first.seller_order.order.user
    second = delivered_line(user=user, product=medium)
    for line in (first, second):
        review_requests_plan(seller_order_id=line.seller_order_id)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert review_requests_send() == 1
    assert len(mails_to(user)) == 1
    with time_machine.travel(timezone.now() + timedelta(days=7)):
        assert review_requests_send() == 0


def test_the_star_link_opens_the_form_with_those_stars(client):
    line = delivered_line()
    client.force_login(line.seller_order.order.user)
    page = client.get(f"/reviews/product/{line.product.slug}/write/?rating=4")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="4"' in html and "checked" in html.split('value="4"', 1)[1][:80]


def test_a_buyer_asked_about_one_variation_is_not_asked_about_another():
    _parent, (small, medium, _large) = variation_family()
    first = delivered_line(product=small)
    user = first.seller_order.order.user
    review_requests_plan(seller_order_id=first.seller_order_id)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert review_requests_send() == 1
    second = delivered_line(user=user, product=medium)
    review_requests_plan(seller_order_id=second.seller_order_id)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert review_requests_send() == 0
    assert "asked" in ReviewRequest.objects.get(order_line=second).skipped_reason
    assert len(mails_to(user)) == 1


def test_a_batch_is_decided_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    """A savepoint, the locked batch, reviews, earlier requests, one update: never per request."""
    for _ in range(4):
        line = delivered_line()
        user = line.seller_order.order.user
        review_create(user=user, product=line.product, rating=5, title="t", body="Good kettle, boils fast.")
        review_requests_plan(seller_order_id=line.seller_order_id)
    with time_machine.travel(timezone.now() + timedelta(days=6)), django_assert_max_num_queries(6):
        assert review_requests_send() == 0
    assert set(ReviewRequest.objects.values_list("skipped_reason", flat=True)) == {
        "The buyer has reviewed this product already."
    }
