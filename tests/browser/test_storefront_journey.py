"""A shopper browses from the home page to a product and sees who sells it, on mobile and desktop."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.core.money import format_money

pytestmark = pytest.mark.browser


def visible_link(scope, name: str):
    """The first visible link with this accessible name (menus may hide a second copy)."""
    return scope.get_by_role("link", name=name, exact=True).filter(visible=True).first


def test_shopper_browses_home_to_product(live_server, storefront_catalog, page, screenshot, page_problems):
    category = storefront_catalog["category"]
    product = storefront_catalog["product"]
    winner, *others = storefront_catalog["offers"]

    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile(r"\S"))
    main = page.get_by_role("main")
    category_link = visible_link(main, category.name)
    expect(category_link).to_be_visible()
    screenshot("home")

    category_link.click()
    expect(page).to_have_url(re.compile(rf"/c/{re.escape(category.slug)}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(category.name)
    product_links = page.locator("main a[href^='/p/']").filter(visible=True)
    expect(product_links.first).to_be_visible()
    assert product_links.count() >= 2
    product_link = page.locator(f"main a[href='{product.get_absolute_url()}']").filter(visible=True).first
    expect(product_link).to_be_visible()
    screenshot("category")

    product_link.click()
    expect(page).to_have_url(re.compile(rf"{re.escape(product.get_absolute_url())}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(product.title)
    price = format_money(winner.price_amount, winner.currency)
    expect(page.get_by_text(price).filter(visible=True).first).to_be_visible()
    add_to_cart = page.get_by_role("button", name="Add to cart").filter(visible=True).first
    expect(add_to_cart).to_be_visible()
    expect(add_to_cart).to_be_enabled()
    screenshot("product")

    for offer in others:
        seller_name = page.get_by_text(offer.seller.name).filter(visible=True).first
        seller_name.scroll_into_view_if_needed()
        expect(seller_name).to_be_visible()
        expect(
            page.get_by_text(format_money(offer.price_amount, offer.currency)).filter(visible=True).first
        ).to_be_visible()
    screenshot("other-sellers")
    assert page_problems == []
