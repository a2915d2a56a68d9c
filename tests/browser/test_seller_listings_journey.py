"""A seller manages its listings in Seller Central: sees where it stands in the buy box, changes a
price in place (htmx), is told why a bad price is refused, pauses a listing, and offers an
existing catalog product found by its GTIN.

Runs at phone (375 px) and desktop (1280 px) widths; screenshots and axe-core audits of every
step land in tests/artifacts/<test>/<viewport>/.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from catalog.models import Offer, Product
from catalog.services import product_refresh_buy_box
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listings(live_server):
    seller = SellerFactory(name="Acme Audio")
    rival = SellerFactory(name="Rival Sound")
    owner = SellerMemberFactory(seller=seller).user
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    headphones = ProductFactory(title="Studio Headphones")
    turntable = ProductFactory(title="Belt-drive Turntable", gtin="4006381333931")
    ours = OfferFactory(seller=seller, product=headphones, sku="HP-1", price_amount=Decimal("50.00"))
    theirs = OfferFactory(seller=rival, product=headphones, sku="R-HP", price_amount=Decimal("40.00"))
    OfferFactory(seller=rival, product=turntable, price_amount=Decimal("199.00"))
    for offer in Offer.objects.all():
        StockFactory(offer=offer, warehouse=WarehouseFactory(seller=offer.seller), on_hand=4)
    product_refresh_buy_box(product_ids=[headphones.pk, turntable.pk])
    return {"owner": owner, "ours": ours, "theirs": theirs, "turntable": turntable}


def sign_in(page, base_url: str, user, *, next_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out").first).to_be_attached()


def test_a_seller_reprices_pauses_and_lists_a_product(live_server, listings, page, screenshot, page_problems):
    base = live_server.url
    ours = listings["ours"]
    sign_in(page, base, listings["owner"], next_url="/seller/listings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Listings")
    row = page.locator(f"#listing-{ours.pk}")
    expect(row).to_contain_text("Not held")
    expect(row).to_contain_text("To win: price $39.99 or less")
    screenshot("listings")

    # A bad price: the row says why, in place, and nothing changes.
    row.get_by_label("Price of HP-1").fill("12.345")
    row.get_by_role("button", name="Save the price of HP-1").click()
    expect(row.get_by_role("alert")).to_contain_text("The price can have at most 2 decimals (cents).")
    screenshot("bad-price")
    assert Offer.objects.get(pk=ours.pk).price_amount == Decimal("50.00")

    # The winning price: the row is swapped in place (no page load) and now holds the buy box.
    page.evaluate("window.notReloaded = true")
    row.get_by_label("Price of HP-1").fill("39.99")
    row.get_by_role("button", name="Save the price of HP-1").click()
    expect(row.get_by_role("status")).to_have_text("Saved: HP-1 sells at $39.99 plus $0.00 shipping.")
    expect(row).to_contain_text("Buy box held")
    assert page.evaluate("window.notReloaded") is True
    assert Product.objects.get(pk=ours.product_id).buy_box_offer_id == ours.pk
    screenshot("repriced")

    # Pause: the rival holds the buy box again.
    row.get_by_role("button", name="Pause HP-1").click()
    expect(row).to_contain_text("Paused: HP-1 is off sale until you resume it.")
    expect(row.get_by_role("button", name="Resume HP-1")).to_be_visible()
    assert Product.objects.get(pk=ours.product_id).buy_box_offer_id == listings["theirs"].pk

    # Offer an existing product found by its GTIN.
    page.get_by_role("link", name="Add a listing").click()
    page.get_by_label(re.compile("^Find the product")).fill("4006381333931")
    page.get_by_role("button", name="Search the catalog").click()
    expect(page.get_by_role("heading", name="1 product with GTIN 4006381333931")).to_be_visible()
    screenshot("search-by-gtin")
    page.get_by_role("link", name=re.compile(r"^Sell this\W+Belt-drive Turntable$")).click()
    page.get_by_label("SKU").fill("TT-1")
    page.get_by_label("Condition", exact=True).select_option("used_good")
    page.get_by_label("Price").fill("189.00")
    page.get_by_role("button", name="List it").click()
    expect(page.get_by_label("Condition note")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Say what state the item is in")).to_be_visible()
    screenshot("offer-refused")
    page.get_by_label("Condition note").fill("Light wear on the dust cover.")
    page.get_by_role("button", name="List it").click()
    expect(page).to_have_url(re.compile(r"/seller/listings/$"))
    expect(page.get_by_text("Listed: Belt-drive Turntable as TT-1.")).to_be_visible()
    screenshot("listed")
    offer = Offer.objects.get(sku="TT-1")
    assert (offer.product_id, offer.condition, offer.price_amount) == (
        listings["turntable"].pk,
        "used_good",
        Decimal("189.00"),
    )
    # The two refusals answered 400, as they should; nothing else failed.
    assert [re.sub(r"https?://[^/]+", "", problem) for problem in page_problems] == [
        f"HTTP 400 POST /seller/listings/{ours.pk}/price/",
        "HTTP 400 POST /seller/listings/add/",
    ]
