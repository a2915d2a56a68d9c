"""The review list page, the write / edit / delete pages and "Your reviews"."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product
from reviews.models import ProductRating, Review, ReviewPhoto
from reviews.services import review_reject, review_remove, review_vote
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.reviews.pages_data import list_url, png, product_url, review_written, reviews_written
from tests.reviews.review_data import delivered_line, variation_family

pytestmark = pytest.mark.django_db

BODY = "Sturdy, arrived quickly and works exactly as described."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def offer():
    return OfferFactory(product__title="Acme Kettle", product__slug="acme-kettle")


@pytest.fixture
def buyer(offer):
    """A shopper whose order of the kettle was delivered."""
    return delivered_line(offer=offer).seller_order.order.user


def ids_in_order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="review stack" id="review-(\d+)"', html)]


def write_url(product):
    return reverse("reviews:write", kwargs={"slug": product.slug})


def form_data(**changes):
    return {"rating": "4", "title": "Good kettle", "body": BODY, **changes}


# The list page


def test_the_list_sorts_by_helpful_or_newest_and_filters_by_stars_and_photos(client, offer):
    one = review_written(offer=offer, rating=1, title="One star")
    five = review_written(offer=offer, rating=5, title="Five stars", photos=[png()])
    three = review_written(offer=offer, rating=3, title="Three stars")
    review_vote(review=one, user=UserFactory())
    url = list_url(offer.product)

    html = client.get(url).content.decode()
    assert ids_in_order(html) == [one.pk, three.pk, five.pk]
    assert "Showing 1&ndash;3 of 3 reviews" in html
    assert 'Customer reviews <span class="review-page__product">of Acme Kettle</span>' in html
    assert ids_in_order(client.get(url, {"sort": "newest"}).content.decode()) == [three.pk, five.pk, one.pk]
    html = client.get(url, {"stars": "5"}).content.decode()
    assert ids_in_order(html) == [five.pk]
    assert "of 1 review with 5 stars" in html
    assert 'href="?stars=5" aria-current="true"' in html
    assert ids_in_order(client.get(url, {"with_photos": "1"}).content.decode()) == [five.pk]
    html = client.get(url, {"stars": "2"}).content.decode()
    assert ids_in_order(html) == [] and "No review matches these filters." in html


def test_the_list_pages_ten_at_a_time(client, offer):
    reviews = reviews_written(12, offer=offer, photos_every=0, reply_every=0)
    url = list_url(offer.product)
    first = client.get(url, {"sort": "newest"}).content.decode()
    second = client.get(url, {"sort": "newest", "page": "2"}).content.decode()
    newest = [review.pk for review in reversed(reviews)]
    assert ids_in_order(first) == newest[:10] and ids_in_order(second) == newest[10:]
    assert "Showing 11&ndash;12 of 12 reviews" in second
    assert 'href="?sort=newest&amp;page=2"' in first
    # a page past the end shows the last one
    assert ids_in_order(client.get(url, {"sort": "newest", "page": "99"}).content.decode()) == newest[10:]


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"stars": "9"}, "The star filter takes a number from 1 to 5"),
        ({"stars": "0"}, "The star filter takes a number from 1 to 5"),
        ({"stars": "9" * 5000}, "The star filter takes a number from 1 to 5"),
        ({"stars": "\x00"}, "The star filter takes a number from 1 to 5"),
        ({"stars": "²"}, "The star filter takes a number from 1 to 5"),
        ({"sort": "price"}, "Unknown sort order"),
        ({"sort": "new\x00est"}, "Unknown sort order"),
        ({"with_photos": "maybe"}, "The photo filter takes 1 or nothing"),
        ({"page": "abc"}, None),
        ({"page": "9" * 5000}, None),
        ({"page": "-3"}, None),
        ({"page": "\x00"}, None),
    ],
)
def test_a_bad_filter_is_ignored_with_a_notice_never_a_500(client, offer, params, notice):
    review = review_written(offer=offer)
    response = client.get(list_url(offer.product), params)
    html = response.content.decode()
    assert response.status_code == 200
    assert ids_in_order(html) == [review.pk]
    if notice:
        assert notice in html
    assert "\x00" not in html


def test_an_unknown_product_is_a_404(client):
    assert client.get(reverse("reviews:product", kwargs={"slug": "no-such-thing"})).status_code == 404
    hidden = OfferFactory(product__is_active=False).product
    assert client.get(list_url(hidden)).status_code == 404


def test_htmx_gets_only_the_results_and_the_page_varies_on_it(client, offer):
    five = review_written(offer=offer, rating=5)
    review_written(offer=offer, rating=1)
    response = client.get(
        list_url(offer.product),
        {"stars": "5"},
        headers={"HX-Request": "true", "HX-Target": "review-results"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="review-results stack" id="review-results">')
    assert "<html" not in html and ids_in_order(html) == [five.pk]
    # the histogram, out of band, marks the stars filtered on
    assert '<div class="review-summary stack" id="review-histogram" hx-swap-oob="true">' in html
    assert 'href="?stars=5" aria-current="true"' in html
    assert "HX-Request" in response["Vary"]
    full = client.get(list_url(offer.product)).content.decode()
    assert 'hx-get="/reviews/product/acme-kettle/"' in full and 'hx-target="#review-results"' in full


def test_a_variations_slug_lists_the_familys_reviews(client):
    parent, (small, medium, _large) = variation_family()
    review = review_written(product=medium)
    for product in (parent, small):
        html = client.get(list_url(product)).content.decode()
        assert ids_in_order(html) == [review.pk] and "Size: M" in html


@pytest.mark.parametrize("who", ["guest", "shopper"])
def test_the_list_costs_the_same_queries_for_3_and_for_30_reviews(who):
    counts = []
    for size in (3, 30):
        offer = OfferFactory()
        reviews_written(size, offer=offer, photos_every=1, reply_every=1)
        client = Client()
        if who == "shopper":
            shopper = UserFactory()
            review_vote(review=Review.objects.filter(product=offer.product).first(), user=shopper)
            client.force_login(shopper)
        client.get(list_url(offer.product))
        with CaptureQueriesContext(connection) as queries:
            html = client.get(list_url(offer.product)).content.decode()
        assert len(ids_in_order(html)) == min(size, 10)
        counts.append(len(queries))
    assert counts[0] == counts[1] == (5 if who == "guest" else 10)


# Writing


def test_writing_needs_a_sign_in(client, offer):
    response = client.get(write_url(offer.product))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/reviews/product/{offer.product.slug}/write/"
    assert client.post(write_url(offer.product), form_data()).status_code == 302
    assert not Review.objects.exists()


def test_the_form_shows_what_is_reviewed_with_labelled_stars_and_the_limits(client):
    parent, (_small, medium, _large) = variation_family()
    user = delivered_line(product=medium).seller_order.order.user
    client.force_login(user)
    response = client.get(write_url(parent))
    html = response.content.decode()
    assert response.status_code == 200
    assert parent.title in html and "You bought: Size: M" in html
    for stars in range(1, 6):
        assert f'<input type="radio" name="rating" value="{stars}"' in html
        assert f"{stars} star{'s' if stars > 1 else ''}</label>" in html
    assert "up to 120 characters" in html and "up to 5,000 characters" in html
    assert 'type="file" name="photos"' in html and "multiple" in html and 'accept="image/*"' in html
    assert "Up to 5 photos in all" in html
    assert 'maxlength="120"' in html and 'maxlength="5000"' in html


@pytest.mark.parametrize(("value", "checked"), [("4", "4"), ("1", "1"), ("9", None), ("x" * 5000, None)])
def test_the_rating_in_the_link_pre_fills_the_stars(client, offer, buyer, value, checked):
    client.force_login(buyer)
    html = client.get(write_url(offer.product), {"rating": value}).content.decode()
    found = re.findall(r'<input type="radio" name="rating" value="(\d)"[^>]*checked', html)
    assert found == ([checked] if checked else [])


def test_a_shopper_who_may_not_review_is_told_why_with_a_403_and_no_form(client, offer):
    client.force_login(UserFactory())
    response = client.get(write_url(offer.product))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You can review a product once an order of it has been delivered to you." in html
    assert 'name="rating"' not in html
    response = client.post(write_url(offer.product), form_data())
    assert response.status_code == 403 and not Review.objects.exists()


def test_a_second_review_is_refused_with_a_link_to_edit(client, offer, buyer):
    review = review_written(offer=offer, user=buyer)
    client.force_login(buyer)
    response = client.get(write_url(offer.product))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You have already reviewed this product: edit your review instead." in html
    assert f'href="/reviews/{review.pk}/edit/"' in html


def test_a_review_is_published_and_the_shopper_lands_on_the_product_page(client, offer, buyer):
    client.force_login(buyer)
    photo = png()
    response = client.post(write_url(offer.product), form_data(photos=[photo]))
    assert response.status_code == 302 and response["Location"] == product_url(offer.product) + "#reviews"
    review = Review.objects.get()
    assert (review.rating, review.title, review.status, review.photo_count) == (
        4,
        "Good kettle",
        "published",
        1,
    )
    html = client.get(response["Location"]).content.decode()
    assert "Thank you: your review is published." in html and "Good kettle" in html
    assert "Verified Purchase" in html


def test_a_held_review_says_it_will_appear_once_checked(client, offer, buyer):
    client.force_login(buyer)
    response = client.post(write_url(offer.product), form_data(body="Write to me at someone@example.com"))
    assert Review.objects.get().status == Review.Status.PENDING
    html = client.get(response["Location"]).content.decode()
    assert "Your review will appear once it has been checked" in html
    assert ids_in_order(html) == []


def test_a_shopper_whose_review_was_removed_is_told_so_without_an_edit_link(client, offer, buyer):
    review = review_written(offer=offer, user=buyer)
    review_remove(review=review, staff=UserFactory(is_staff=True), reason="Abusive")
    client.force_login(buyer)
    response = client.get(write_url(offer.product))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your review of this product was removed by the marketplace: you cannot review it again." in html
    assert "/edit/" not in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rating": ""}, "Choose a star rating from 1 to 5."),
        ({"rating": "6"}, "Choose a star rating from 1 to 5."),
        ({"rating": "9" * 5000}, "Choose a star rating from 1 to 5."),
        ({"title": "   "}, "This field is required."),
        ({"title": "x" * 121}, "at most 120 characters (it has 121)"),
        ({"body": ""}, "This field is required."),
        ({"body": "a" * 20_000}, "at most 5000 characters (it has 20000)"),
        ({"body": "nul \x00 byte"}, "Null characters are not allowed."),
        (
            {"photos": [SimpleUploadedFile("a.jpg", b"not a picture", content_type="image/jpeg")]},
            "not a picture",
        ),
        ({"photos": [png() for _ in range(6)]}, "at most 5 photos"),
    ],
)
def test_bad_input_re_renders_the_form_with_400_and_writes_nothing(client, offer, buyer, changes, message):
    client.force_login(buyer)
    response = client.post(write_url(offer.product), form_data(**changes))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'name="rating"' in html
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()
    assert not ProductRating.objects.exists()


def test_a_body_of_5000_characters_with_line_breaks_is_accepted(client, offer, buyer):
    """A browser sends CRLF line breaks; the limit counts each as one character, as the browser does."""
    client.force_login(buyer)
    lines = ["word " * 99 + "end"] * 10
    body = "\r\n".join(lines)[: 5000 + 9]
    response = client.post(write_url(offer.product), form_data(body=body))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(Review.objects.get().body) == len(body.replace("\r\n", "\n"))


def test_script_in_the_title_and_text_is_shown_as_text_everywhere(client, offer, buyer):
    client.force_login(buyer)
    client.post(
        write_url(offer.product),
        form_data(title='<script>alert("t")</script>', body="<img src=x onerror=alert(1)> fine kettle"),
    )
    review = Review.objects.get()
    for url in (product_url(offer.product), list_url(offer.product), reverse("reviews:mine")):
        html = client.get(url).content.decode()
        assert '<script>alert("t")' not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    html = client.get(reverse("reviews:edit", kwargs={"pk": review.pk})).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; fine kettle</textarea>" in html


# Editing and deleting


def test_only_the_author_may_edit_or_delete_others_get_a_404(client, offer, buyer):
    review = review_written(offer=offer, user=buyer)
    urls = [reverse(name, kwargs={"pk": review.pk}) for name in ("reviews:edit", "reviews:delete")]
    for url in urls:
        assert client.get(url).status_code == 302  # a guest signs in first
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url, form_data()).status_code == 404
    assert client.get(reverse("reviews:edit", kwargs={"pk": 10**30})).status_code == 404
    review.refresh_from_db()
    assert review.title == "Does the job"


def test_the_author_edits_stars_text_and_photos(client, offer, buyer):
    review = review_written(offer=offer, user=buyer, rating=5, photos=[png(), png("blue")])
    first, second = review.photos.all()
    client.force_login(buyer)
    url = reverse("reviews:edit", kwargs={"pk": review.pk})
    html = client.get(url).content.decode()
    assert '<input type="radio" name="rating" value="5"' in html and "Does the job" in html
    assert f'value="{first.pk}"' in html and "Remove photo 1</label>" in html
    response = client.post(
        url, form_data(rating="2", title="Broke after a week", photos_remove=[str(first.pk)], photos=[png()])
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.rating, review.title, review.photo_count) == (2, "Broke after a week", 2)
    kept = set(review.photos.values_list("pk", flat=True))
    assert second.pk in kept and first.pk not in kept and len(kept) == 2
    assert not ReviewPhoto.objects.filter(pk=first.pk).exists()
    assert ProductRating.objects.get(product=offer.product).histogram == {5: 0, 4: 0, 3: 0, 2: 1, 1: 0}
    assert "Thank you: your review is published." in client.get(response["Location"]).content.decode()


def test_an_edit_past_five_photos_is_refused_and_changes_nothing(client, offer, buyer):
    review = review_written(offer=offer, user=buyer, photos=[png() for _ in range(4)])
    client.force_login(buyer)
    response = client.post(
        reverse("reviews:edit", kwargs={"pk": review.pk}), form_data(title="New", photos=[png(), png()])
    )
    assert response.status_code == 400 and "at most 5 photos" in response.content.decode()
    review.refresh_from_db()
    assert (review.title, review.photo_count, review.photos.count()) == ("Does the job", 4, 4)


def test_a_removed_review_cannot_be_edited(client, offer, buyer):
    review = review_written(offer=offer, user=buyer)
    review_remove(review=review, staff=UserFactory(is_staff=True), reason="Abusive")
    client.force_login(buyer)
    url = reverse("reviews:edit", kwargs={"pk": review.pk})
    response = client.get(url)
    assert response.status_code == 403
    assert "removed by the marketplace and cannot be edited" in response.content.decode()
    response = client.post(url, form_data(title="Back again"))
    assert response.status_code == 400 and "cannot be edited" in response.content.decode()
    review.refresh_from_db()
    assert (review.status, review.title) == ("removed", "Does the job")


def test_delete_asks_first_then_deletes(client, offer, buyer):
    review = review_written(offer=offer, user=buyer)
    client.force_login(buyer)
    url = reverse("reviews:delete", kwargs={"pk": review.pk})
    html = client.get(url).content.decode()
    assert "Delete your review?" in html and '<form method="post"' in html
    assert Review.objects.filter(pk=review.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("reviews:mine")
    assert not Review.objects.exists()
    assert Product.objects.get(pk=offer.product.pk).rating_count == 0
    assert "Your review of Acme Kettle was deleted." in client.get(response["Location"]).content.decode()


# Your reviews


def test_your_reviews_show_status_staff_notes_and_links(client):
    user = UserFactory()
    published = review_written(user=user, title="Published one")
    held = review_written(user=user, title="Held one", body="See www.example.com for photos of it")
    rejected = review_written(user=user, title="Rejected one")
    review_reject(review=rejected, staff=UserFactory(is_staff=True), reason="Talks about the courier only")
    removed = review_written(user=user, title="Removed one")
    review_remove(review=removed, staff=UserFactory(is_staff=True), reason="Abusive language")
    client.force_login(user)
    html = client.get(reverse("reviews:mine")).content.decode()
    assert "Being checked: it will appear once it has been checked." in html
    assert "Not published: Talks about the courier only." in html
    assert "Removed by" in html and "Abusive language" in html
    for review in (published, held, rejected):
        assert f'href="/reviews/{review.pk}/edit/"' in html
    assert f'href="/reviews/{removed.pk}/edit/"' not in html
    for review in (published, held, rejected, removed):
        assert f'href="/reviews/{review.pk}/delete/"' in html
    assert "Rejected one" in html and "Published one" in html


def test_your_reviews_need_a_sign_in(client):
    assert client.get(reverse("reviews:mine"))["Location"] == "/accounts/login/?next=/reviews/mine/"


def test_your_reviews_cost_the_same_queries_for_3_and_for_30():
    counts = []
    for size in (3, 30):
        user = UserFactory()
        for _ in range(size):
            review_written(user=user, photos=())
        client = Client()
        client.force_login(user)
        client.get(reverse("reviews:mine"))
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("reviews:mine")).content.decode()
        assert html.count('class="card stack my-review"') == min(size, 20)
        counts.append(len(queries))
    assert counts[0] == counts[1]
