"""A buyer reviews a delivered kettle with a photo; another shopper finds it helpful and reports
another review; the list page filters in place. Mobile and desktop, with axe at every step."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from marketplace.accounts.models import OutboundEmail
from reviews.models import Review
from reviews.requests import review_requests_plan, review_requests_send
from reviews.services import review_create, seller_reply_create
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.reviews.review_data import delivered_line
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.browser

OLD_REVIEWS = [
    (5, "Boils in two minutes", "Fast and quiet.\nThe lid opens wide, easy to fill."),
    (4, "Good, a little loud", "Does the job. The click at the end is loud."),
    (2, "Handle gets warm", "Works, but the handle is hot after a few boils."),
]


def png_bytes(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def kettle(live_server):
    offer = OfferFactory(product__title="Acme Steel Kettle 1.7 l", product__slug="acme-steel-kettle")
    for name, (rating, title, body) in zip(("Ann Lee", "Bo Chan", "Cy Diaz"), OLD_REVIEWS, strict=True):
        line = delivered_line(offer=offer, user=UserFactory(full_name=name))
        review = review_create(
            user=line.seller_order.order.user, product=offer.product, rating=rating, title=title, body=body
        )
        if rating == 2:
            seller_reply_create(
                review=review,
                seller=offer.seller,
                user=None,
                body="Sorry to hear that: we have sent a glove.",
            )
    buyer = delivered_line(offer=offer, user=UserFactory(full_name="Grace Hopper")).seller_order.order.user
    return {"offer": offer, "product": offer.product, "buyer": buyer, "voter": UserFactory()}


def sign_in_as(page, base_url: str, user) -> None:
    """Give the browser a signed-in session (the sign-in page has its own journey)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page.goto(base_url + "/reviews/mine/")  # a new document: the next goto is never a same-page jump
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reviews")


def test_buyer_writes_a_review_and_another_shopper_finds_it_helpful(
    live_server, kettle, page, screenshot, page_problems, tmp_path
):
    product, base = kettle["product"], live_server.url
    photo = tmp_path / "kettle.png"
    photo.write_bytes(png_bytes("teal"))

    # A guest sees the histogram and the reviews
    page.goto(f"{base}/p/{product.slug}/")
    reviews = page.locator("#reviews")
    reviews.scroll_into_view_if_needed()
    expect(reviews.get_by_role("heading", name="Customer reviews", level=2)).to_be_visible()
    expect(reviews.get_by_role("link", name=re.compile(r"^5 stars 33%"))).to_be_visible()
    expect(reviews.get_by_text("Response from")).to_be_visible()
    screenshot("product-reviews-guest")

    # Days after the delivery the buyer gets the review request, and follows its "4 stars" link
    buyer = kettle["buyer"]
    review_requests_plan(seller_order_id=buyer.orders.get().seller_orders.get().pk)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert review_requests_send() == 1
    (request_mail,) = OutboundEmail.objects.filter(payload__to=[buyer.email])
    four_stars = re.search(r"^4 stars: \S+?(/reviews/\S+)$", request_mail.payload["body"], re.MULTILINE)
    sign_in_as(page, base, buyer)
    page.goto(f"{base}/p/{product.slug}/#reviews")
    expect(page.locator("#reviews").get_by_role("link", name="Write a customer review")).to_be_visible()
    page.goto(base + four_stars.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a customer review")
    expect(page.get_by_label("4 stars")).to_be_checked()
    page.get_by_label("Title").fill("Solid <b>kettle</b>")
    page.get_by_label("Your review").fill("Heats fast.\nThe filter catches the scale.")
    page.get_by_label("Photos").set_input_files(str(photo))
    screenshot("write-form")
    page.get_by_role("button", name="Submit your review").click()
    expect(page.get_by_text("Thank you: your review is published.")).to_be_visible()
    mine = Review.objects.get(author=kettle["buyer"])
    card = page.locator(f"#review-{mine.pk}")
    expect(card.get_by_role("heading", name="Solid <b>kettle</b>")).to_be_visible()
    expect(card.get_by_text("Verified Purchase")).to_be_visible()
    expect(card.get_by_role("img", name=re.compile("Photo 1 of 1"))).to_be_visible()
    card.scroll_into_view_if_needed()
    screenshot("review-published")

    # Another shopper finds it helpful (htmx swaps the button) and reports another review
    sign_in_as(page, base, kettle["voter"])
    page.goto(f"{base}/p/{product.slug}/#review-{mine.pk}")
    card = page.locator(f"#review-{mine.pk}")
    card.get_by_role("button", name=re.compile("^Helpful")).click()
    expect(card.get_by_text("Thank you for your feedback. You found this review helpful.")).to_be_visible()
    expect(card.get_by_text("One person found this helpful")).to_be_visible()
    loud = page.locator("article.review", has_text="Good, a little loud")
    loud.get_by_text("Report", exact=False).first.click()
    loud.get_by_label("Spam or advertising").check()
    screenshot("helpful-and-report")
    loud.get_by_role("button", name="Send report").click()
    expect(loud.get_by_text("Thank you: we will look into this review.")).to_be_visible()
    assert Review.objects.get(title="Good, a little loud").report_count == 1

    # The list page filters in place
    page.goto(f"{base}/reviews/product/{product.slug}/")
    expect(page.get_by_role("heading", level=2, name=re.compile("of 4 reviews"))).to_be_visible()
    page.get_by_label("Stars", exact=True).select_option("2")
    expect(page.get_by_role("heading", level=2, name=re.compile("of 1 review with 2 stars"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"stars=2"))
    screenshot("list-filtered")

    # The buyer's own list
    sign_in_as(page, base, kettle["buyer"])
    page.goto(f"{base}/reviews/mine/")
    expect(page.get_by_text("Published", exact=True)).to_be_visible()
    screenshot("your-reviews")

    # The seller replies in Seller Central; the reply shows under the review
    owner = SellerMemberFactory(seller=kettle["offer"].seller, role=SellerMember.Role.OWNER).user
    sign_in_as(page, base, owner)
    page.goto(f"{base}/seller/reviews/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews of what you sold")
    mine_there = page.locator(f"#review-{mine.pk}")
    mine_there.get_by_label(re.compile("Your public reply to")).fill("Thank you! Descale it monthly.")
    screenshot("seller-reply")
    mine_there.get_by_role("button", name="Publish reply").click()
    expect(page.get_by_text(re.compile("reply is published", re.IGNORECASE)).first).to_be_visible()
    page.context.clear_cookies()
    page.goto(f"{base}/p/{product.slug}/#review-{mine.pk}")
    card = page.locator(f"#review-{mine.pk}")
    expect(card.get_by_text("Thank you! Descale it monthly.")).to_be_visible()
    screenshot("reply-shown")
    assert page_problems == []
