"""Helpful votes and reports from the pages: POST only, signed in, a message for every refusal."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from catalog.cache import HEADER
from reviews.models import Review, ReviewReport, ReviewVote
from reviews.services import review_remove
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.reviews.pages_data import list_url, product_url, review_written

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def offer():
    return OfferFactory(product__slug="acme-kettle")


@pytest.fixture
def review(offer):
    return review_written(offer=offer, title="Boils fast")


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    return user


def vote_url(review):
    return reverse("reviews:vote", kwargs={"pk": review.pk})


def report_url(review):
    return reverse("reviews:report", kwargs={"pk": review.pk})


def helpful_count(review) -> int:
    return Review.objects.get(pk=review.pk).helpful_count


# Votes


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_get_is_405_and_changes_nothing(client, review, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    for url in (vote_url(review), report_url(review)):
        assert client.get(url).status_code == 405
    assert helpful_count(review) == 0 and not ReviewReport.objects.exists()


def test_a_guest_is_sent_to_sign_in_and_back(client, review, offer):
    back = product_url(offer.product)
    response = client.post(vote_url(review), {"next": back})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/p/acme-kettle/"
    response = client.post(vote_url(review), {"next": back}, headers=HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == "/accounts/login/?next=/p/acme-kettle/"
    assert helpful_count(review) == 0


def test_a_vote_counts_once_and_says_so(client, review, shopper, offer):
    back = f"{product_url(offer.product)}#review-{review.pk}"
    response = client.post(vote_url(review), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert helpful_count(review) == 1
    html = client.get(response["Location"]).content.decode()
    assert "Thank you for your feedback." in html and "One person found this helpful" in html
    # a second vote: the service's message, and still one vote
    response = client.post(vote_url(review), {"next": back})
    assert response["Location"] == back
    assert "You have already found this review helpful." in client.get(back).content.decode()
    assert helpful_count(review) == 1 and ReviewVote.objects.count() == 1


def test_htmx_swaps_the_button_for_the_new_count(client, review, shopper):
    response = client.post(vote_url(review), {"next": "/p/acme-kettle/"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form class="review__helpful"')
    assert "One person found this helpful" in html
    assert "Thank you for your feedback. You found this review helpful." in html
    assert "<button" not in html
    assert f'value="/p/acme-kettle/#review-{review.pk}"' in html  # the fallback's anchor, once


@pytest.mark.parametrize("case", ["second", "own", "removed", "held"])
def test_htmx_refusals_are_400_with_the_message_in_the_fragment(client, offer, case):
    message = {
        "second": "You have already found this review helpful.",
        "own": "You cannot vote on your own review.",
        "removed": "This review is not shown any more.",
        "held": "This review is not shown any more.",
    }[case]
    author = UserFactory()
    body = "Call 0123 456 7890 for a spare lid" if case == "held" else None
    review = review_written(offer=offer, user=author, body=body)
    voter = author if case == "own" else UserFactory()
    if case == "second":
        ReviewVote.objects.create(review=review, user=voter)
    if case == "removed":
        review_remove(review=review, staff=UserFactory(is_staff=True), reason="Abuse")
    client.force_login(voter)
    before = ReviewVote.objects.count()
    response = client.post(vote_url(review), headers=HTMX)
    assert response.status_code == 400
    assert f'<p class="review__error" role="alert">{message}</p>' in response.content.decode()
    assert ReviewVote.objects.count() == before
    assert helpful_count(review) == 0


def test_an_unknown_review_is_a_404(client, shopper):
    assert client.post("/reviews/999999/helpful/").status_code == 404
    assert client.post(f"/reviews/{10**30}/helpful/").status_code == 404
    assert client.post(f"/reviews/{'9' * 5000}/report/").status_code == 404


def test_the_csrf_token_is_required(review):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.post(vote_url(review)).status_code == 403
    assert client.post(report_url(review), {"reason": "spam"}).status_code == 403
    assert helpful_count(review) == 0 and not ReviewReport.objects.exists()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/p/acme-kettle/\x00", "/" + "a" * 3000]
)
def test_next_never_leaves_the_site(client, review, shopper, target):
    response = client.post(vote_url(review), {"next": target})
    assert response["Location"] == f"{list_url(review.product)}#review-{review.pk}"


# Reports


def test_a_report_is_recorded_once_with_its_reason(client, review, shopper, offer):
    back = product_url(offer.product)
    response = client.post(report_url(review), {"reason": "spam", "note": "Advertises a shop", "next": back})
    assert response["Location"] == back
    report = ReviewReport.objects.get()
    assert (report.user, report.reason, report.note) == (shopper, "spam", "Advertises a shop")
    assert Review.objects.get(pk=review.pk).report_count == 1
    assert "Thank you: we will look into this review." in client.get(back).content.decode()
    response = client.post(report_url(review), {"reason": "fake"}, headers=HTMX)
    assert response.status_code == 400
    assert "You have already reported this review." in response.content.decode()
    assert ReviewReport.objects.count() == 1


def test_htmx_report_swaps_in_the_thank_you(client, review, shopper):
    response = client.post(report_url(review), {"reason": "offensive"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="review__report" id="report-{review.pk}">')
    assert "Thank you: we will look into this review." in html and "<form" not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose why you are reporting this review."),
        ({"reason": "boring"}, "Choose why you are reporting this review."),
        ({"reason": "spam\x00"}, "Choose why you are reporting this review."),
        ({"reason": "spam", "note": "x" * 501}, "at most 500 characters"),
        ({"reason": "spam", "note": "nul\x00"}, "Null characters are not allowed."),
    ],
)
def test_a_bad_report_is_refused_and_writes_nothing(client, review, shopper, data, message):
    response = client.post(report_url(review), data, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert "<details open>" in html and 'name="reason"' in html  # the form again, open
    assert not ReviewReport.objects.exists() and Review.objects.get(pk=review.pk).report_count == 0


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("removed", "This review has already been removed."),
        ("own", "You cannot report your own review: edit or delete it instead."),
    ],
)
def test_reports_the_service_refuses_show_its_message(client, offer, case, message):
    author = UserFactory()
    review = review_written(offer=offer, user=author)
    if case == "removed":
        review_remove(review=review, staff=UserFactory(is_staff=True), reason="Abuse")
    client.force_login(author if case == "own" else UserFactory())
    response = client.post(report_url(review), {"reason": "spam", "next": "/p/acme-kettle/"})
    assert response["Location"] == "/p/acme-kettle/"
    assert message in client.get("/p/acme-kettle/").content.decode()
    assert not ReviewReport.objects.exists()


# The cached product page


@pytest.fixture
def page_cache(settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_a_vote_from_the_page_refreshes_the_cached_page_for_guests(
    page_cache, review, offer, django_capture_on_commit_callbacks
):
    guest, url = Client(), product_url(offer.product)
    for _ in range(2):
        guest.get(url)
    assert guest.get(url)[HEADER] == "hit"
    voter = Client()
    voter.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        voter.post(vote_url(review), {"next": url})
    response = guest.get(url)
    assert response[HEADER] == "miss" and "One person found this helpful" in response.content.decode()


def test_a_report_makes_the_cached_page_stale(page_cache, review, offer, django_capture_on_commit_callbacks):
    guest, url = Client(), product_url(offer.product)
    for _ in range(2):
        guest.get(url)
    assert guest.get(url)[HEADER] == "hit"
    reporter = Client()
    reporter.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        reporter.post(report_url(review), {"reason": "spam"})
    assert guest.get(url)[HEADER] == "miss"
