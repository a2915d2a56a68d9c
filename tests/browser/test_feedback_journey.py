"""A buyer leaves seller feedback from the order page and sees it on the seller's page; the seller
reads its reviews and feedback in Seller Central and replies to a review. Mobile and desktop, with
axe at every step."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from reviews.feedback import feedback_leave
from reviews.models import SellerFeedback, SellerReply
from reviews.services import review_create
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.reviews.review_data import delivered_line
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(live_server):
    offer = OfferFactory(product__title="Acme Steel Kettle 1.7 l", seller__name="Kettle Co")
    for name, rating, comment in (
        ("Ann Lee", 5, "Fast, well packed."),
        ("Bo Chan", 2, "Arrived a week late."),
    ):
        seller_order = delivered_line(offer=offer, user=UserFactory(full_name=name)).seller_order
        feedback_leave(
            user=seller_order.order.user,
            seller_order=seller_order,
            rating=rating,
            arrived_on_time=rating > 2,
            as_described=True,
            good_service=rating > 2,
            comment=comment,
        )
    line = delivered_line(offer=offer, user=UserFactory(full_name="Grace Hopper"))
    buyer = line.seller_order.order.user
    review = review_create(
        user=buyer,
        product=offer.product,
        rating=4,
        title="Quiet and quick",
        body="Boils fast, the lid is stiff.",
    )
    owner = SellerMemberFactory(seller=offer.seller, role=SellerMember.Role.OWNER).user
    return {
        "offer": offer,
        "seller_order": line.seller_order,
        "buyer": buyer,
        "owner": owner,
        "review": review,
    }


def sign_in_as(page, base_url: str, user, landing: str) -> None:
    """Give the browser a signed-in session (the sign-in page has its own journey)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page.goto(base_url + landing)


def test_buyer_leaves_feedback_and_the_seller_replies_to_a_review(
    live_server, shop, page, screenshot, page_problems
):
    base, seller_order = live_server.url, shop["seller_order"]

    # The buyer's order page offers feedback and shows the review written
    sign_in_as(page, base, shop["buyer"], seller_order.order.get_absolute_url())
    card = page.locator(".order-feedback")
    card.scroll_into_view_if_needed()
    expect(card.get_by_role("heading", name="Rate your purchase")).to_be_visible()
    expect(card.get_by_text("you reviewed this product")).to_be_visible()
    screenshot("order-page")
    card.get_by_role("link", name=re.compile("^Leave seller feedback")).click()

    # The form: a missing answer is said, nothing is written; then it is published
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback for Kettle Co")
    page.get_by_label("4 stars").check()
    page.get_by_role("group", name="Did it arrive on time?").get_by_label("Yes").check()
    page.get_by_role("group", name="Was the item as described by the seller?").get_by_label("Yes").check()
    page.get_by_label("Comment (optional)").fill("Good <b>service</b>, slow answer to my message.")
    page.evaluate("document.querySelectorAll('input[required]').forEach(i => i.removeAttribute('required'))")
    page.get_by_role("button", name="Publish feedback").click()
    expect(page.get_by_text("Answer yes or no.")).to_be_visible()
    assert not SellerFeedback.objects.filter(seller_order=seller_order).exists()
    screenshot("form-with-error")
    page.get_by_role("group", name="Was the seller's service good?").get_by_label("No").check()
    page.get_by_role("button", name="Publish feedback").click()
    expect(page.get_by_text("Thank you: your feedback for Kettle Co is published.")).to_be_visible()
    expect(page.locator(".order-feedback").get_by_text("Your seller feedback:")).to_be_visible()

    # The seller's public page
    page.goto(base + shop["offer"].seller.get_absolute_url())
    section = page.locator(".seller-feedback")
    expect(section.get_by_text("67% positive")).to_be_visible()
    expect(section.get_by_text("Good <b>service</b>, slow answer to my message.")).to_be_visible()
    section.scroll_into_view_if_needed()
    screenshot("seller-page")

    # The seller reads its reviews and replies; the feedback page has the summary
    sign_in_as(page, base, shop["owner"], "/seller/")
    expect(page.get_by_role("heading", name="Customer feedback")).to_be_visible()
    page.get_by_role("navigation", name="Seller Central sections").get_by_role("link", name="Reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews of what you sold")
    box = page.locator(f"#review-{shop['review'].pk}")
    box.get_by_label(re.compile("^Your public reply")).fill("Thank you, Grace: a softer lid is on its way.")
    screenshot("seller-reviews")
    box.get_by_role("button", name="Publish reply").click()
    expect(page.get_by_text("Your reply is published under the review.")).to_be_visible()
    assert SellerReply.objects.get().status == "published"
    screenshot("seller-replied")
    page.get_by_role("navigation", name="Seller Central sections").get_by_role(
        "link", name="Feedback"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seller feedback")
    expect(page.get_by_role("row", name=re.compile("^Lifetime"))).to_contain_text("67%")
    screenshot("seller-feedback")
    # The one refusal the journey meant: the form posted without an answer.
    assert page_problems == [f"HTTP 400 POST {base}/feedback/{seller_order.number}/"]
