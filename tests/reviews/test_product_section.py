"""The reviews section of the product page: histogram, top reviews, per-shopper links, cache, query budget."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.cache import HEADER
from reviews.models import Review
from reviews.services import review_remove, review_vote, seller_reply_create
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.reviews.pages_data import list_url, png, product_url, review_written, reviews_written
from tests.reviews.review_data import delivered_line, variation_family

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def offer():
    return OfferFactory(product__title="Acme Kettle", product__slug="acme-kettle")


def review_ids_in_order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="review stack" id="review-(\d+)"', html)]


def test_the_section_shows_the_average_the_histogram_and_the_reviews(client, offer):
    # given three reviews: 5, 5 and 2 stars
    buyer = UserFactory(full_name="Ada Lovelace")
    review_written(offer=offer, rating=5, title="Boils fast", user=buyer)
    review_written(offer=offer, rating=5, title="Quiet")
    review_written(offer=offer, rating=2, title="Lid broke")
    # when
    response = client.get(product_url(offer.product))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="reviews-heading">Customer reviews</h2>' in html
    assert '<span>4.0 out of 5<span class="visually-hidden"> stars</span></span>' in html
    assert '<p class="muted">3 ratings</p>' in html
    for stars, percent in ((5, 67), (4, 0), (3, 0), (2, 33), (1, 0)):
        assert f'<span class="histogram__percent">{percent}%</span>' in html
        if percent:  # a bar with reviews links to the list filtered by its stars
            assert f'href="{list_url(offer.product)}?stars={stars}"' in html
    assert f'href="{list_url(offer.product)}?stars=4"' not in html
    assert "Boils fast" in html and "Quiet" in html and "Lid broke" in html
    assert "Ada L." in html
    assert html.count("Verified Purchase") == 3
    assert "5 out of 5 stars" in html and "2 out of 5 stars" in html
    assert "See all 3 reviews" in html


def test_the_most_helpful_come_first_and_at_most_eight(client, offer):
    reviews = reviews_written(10, offer=offer, photos_every=0, reply_every=0)
    for _ in range(2):
        review_vote(review=reviews[6], user=UserFactory())
    review_vote(review=reviews[3], user=UserFactory())
    html = client.get(product_url(offer.product)).content.decode()
    shown = review_ids_in_order(html)
    assert len(shown) == 8
    assert shown[:2] == [reviews[6].pk, reviews[3].pk]
    assert "2 people found this helpful" in html and "One person found this helpful" in html
    assert "See all 10 reviews" in html


def test_text_is_escaped_with_its_line_breaks_and_photos_link_to_the_full_picture(client, offer):
    review = review_written(
        offer=offer,
        title="<script>alert('t')</script> title",
        body="<script>alert('b')</script> first line\nsecond <b>line</b>",
        photos=[png(), png("blue")],
    )
    html = client.get(product_url(offer.product)).content.decode()
    assert "<script>alert(" not in html and "<b>line</b>" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; title" in html
    assert (
        "&lt;script&gt;alert(&#x27;b&#x27;)&lt;/script&gt; first line<br>second &lt;b&gt;line&lt;/b&gt;"
        in html
    )
    for photo in review.photos.all():
        assert f'<a href="{photo.image.url}"><img src="{photo.image.url}"' in html
    assert 'alt="Photo 2 of 2 from this review (opens the full picture)"' in html


def test_the_variation_bought_and_the_sellers_published_reply_are_shown(client):
    parent, (small, medium, _large) = variation_family()
    review = review_written(product=medium, title="Fits well")
    seller = review.order_line.seller_order.seller
    seller_reply_create(review=review, seller=seller, user=None, body="Glad it fits!\nEnjoy <it>.")
    # the family's reviews show on the parent's page and on every variation's page
    for product in (parent, small):
        html = client.get(product_url(product)).content.decode()
        assert "Fits well" in html and "Size: M" in html
        assert f"<strong>Response from {seller.name}</strong>" in html
        assert "Glad it fits!<br>Enjoy &lt;it&gt;." in html


def test_a_reply_held_for_moderation_is_not_shown(client, offer):
    review = review_written(offer=offer, title="Fine")
    seller_reply_create(review=review, seller=offer.seller, user=None, body="Call us on 0123 456 7890")
    html = client.get(product_url(offer.product)).content.decode()
    assert "Fine" in html and "Response from" not in html and "0123" not in html


def test_hidden_reviews_are_not_shown(client, offer):
    shown = review_written(offer=offer, title="Shown")
    held = review_written(offer=offer, title="Held", body="Visit www.example.com for more about it")
    removed = review_written(offer=offer, title="Removed")
    review_remove(review=removed, staff=UserFactory(is_staff=True), reason="Abuse")
    assert held.status == Review.Status.PENDING
    html = client.get(product_url(offer.product)).content.decode()
    assert review_ids_in_order(html) == [shown.pk]
    assert "See all 1 review<" in html


def test_a_product_without_reviews_says_so_and_queries_no_review_table(client, offer):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(product_url(offer.product))
    html = response.content.decode()
    assert "No customer reviews yet." in html and "No ratings yet" in html
    assert f'href="/reviews/product/{offer.product.slug}/write/">Write a customer review' in html
    assert not [q["sql"] for q in queries.captured_queries if "reviews_" in q["sql"]]


def test_who_sees_write_edit_or_why_not(client, offer):
    author = UserFactory()
    review = review_written(offer=offer, user=author)
    eligible = delivered_line(offer=offer).seller_order.order.user
    stranger = UserFactory()
    url = product_url(offer.product)

    write_link = f'href="/reviews/product/{offer.product.slug}/write/">Write a customer review'
    assert write_link in client.get(url).content.decode()  # a guest: the form asks to sign in
    client.force_login(eligible)
    assert write_link in client.get(url).content.decode()
    client.force_login(stranger)
    html = client.get(url).content.decode()
    assert write_link not in html
    assert "You can review a product once an order of it has been delivered to you." in html
    client.force_login(author)
    html = client.get(url).content.decode()
    assert f'href="/reviews/{review.pk}/edit/">Edit your review' in html and write_link not in html
    # the author gets no Helpful or Report on their own review
    assert f'action="/reviews/{review.pk}/helpful/"' not in html and "This is your review." in html


def test_a_signed_in_shopper_sees_which_reviews_they_found_helpful(client, offer):
    voted, other = review_written(offer=offer, title="Voted"), review_written(offer=offer, title="Other")
    shopper = UserFactory()
    review_vote(review=voted, user=shopper)
    client.force_login(shopper)
    html = client.get(product_url(offer.product)).content.decode()
    assert html.count("You found this review helpful.") == 1
    assert f'action="/reviews/{other.pk}/helpful/"' in html
    assert f'hx-post="/reviews/{other.pk}/helpful/"' in html
    # the voted review's form shows no button any more
    voted_form = html.split(f'action="/reviews/{voted.pk}/helpful/"', 1)[1].split("</form>", 1)[0]
    assert "<button" not in voted_form and "You found this review helpful." in voted_form


@pytest.mark.parametrize("who", ["guest", "shopper"])
def test_the_section_costs_the_same_queries_for_3_and_for_30_reviews(who, django_assert_num_queries):
    """Photos are prefetched and replies joined: 30 reviews (8 shown) cost what 3 do."""
    counts = []
    for size in (3, 30):
        offer = OfferFactory()
        reviews_written(size, offer=offer, photos_every=2, reply_every=2)
        client = Client()
        if who == "shopper":
            shopper = UserFactory()
            review_vote(review=Review.objects.filter(product=offer.product).first(), user=shopper)
            client.force_login(shopper)
        client.get(product_url(offer.product))  # warm the navigation and cart caches
        with CaptureQueriesContext(connection) as queries:
            html = client.get(product_url(offer.product)).content.decode()
        assert len(review_ids_in_order(html)) == min(size, 8)
        assert "Response from" in html and "review__photos" in html
        counts.append(len(queries))
    assert counts[0] == counts[1]
    offer = OfferFactory()
    reviews_written(30, offer=offer, photos_every=1, reply_every=1)
    client = Client()
    if who == "shopper":
        client.force_login(UserFactory())
    client.get(product_url(offer.product))
    with django_assert_num_queries(counts[0]):
        client.get(product_url(offer.product))


@pytest.fixture
def page_cache(settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def warm(client, url):
    """A product page learns its versions on the first render and is stored by the second."""
    client.get(url)
    client.get(url)
    assert client.get(url)[HEADER] == "hit"


def test_the_cached_page_shows_a_new_review_and_a_vote_after_the_bump(
    page_cache, offer, django_capture_on_commit_callbacks
):
    guest = Client()
    url = product_url(offer.product)
    warm(guest, url)
    with django_capture_on_commit_callbacks(execute=True):
        review = review_written(offer=offer, title="Fresh review")
    response = guest.get(url)
    assert response[HEADER] == "miss" and "Fresh review" in response.content.decode()
    warm(guest, url)
    with django_capture_on_commit_callbacks(execute=True):
        review_vote(review=review, user=UserFactory())
    response = guest.get(url)
    assert response[HEADER] == "miss" and "One person found this helpful" in response.content.decode()


def test_the_cached_page_is_the_same_for_every_guest_and_carries_each_ones_token(page_cache, offer):
    review_written(offer=offer, title="Cached")
    url = product_url(offer.product)
    first = Client()
    warm(first, url)
    second = Client()
    response = second.get(url)
    assert response[HEADER] == "hit" and "Cached" in response.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    assert token not in ("", "CatalogPageCsrfTokenSlot")
