"""A new shopper signs up, confirms the e-mail, signs in, searches, narrows by brand, opens a product.

Through the real allauth pages on the live server, at phone and desktop widths. The confirmation
e-mail is read from Django's locmem outbox: the live server answers in this process, and the
sign-up's e-mail task runs eagerly after the request's commit. Every step's screenshot is also
an axe-core audit and a page-weight measurement (see conftest.py).
"""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from catalog.models import ProductImage
from marketplace.accounts.models import User
from marketplace.demo.images import SIZE, render

pytestmark = pytest.mark.browser

EMAIL = "new.shopper@example.com"
PASSWORD = "a-long-browser-passphrase-42"
CONFIRM_PATH = re.compile(r"(/accounts/confirm-email/[^/\s]+/)")


def give_pictures(products) -> list[str]:
    """One demo picture (600 px square, as seed_demo makes them) for each product; return the files."""
    names = []
    for n, product in enumerate(products):
        data = render(label=product.title.split()[0], colours=("#1f6feb", "#f5f5f5"), shape=n % 3)
        name = default_storage.save(f"browser/{product.slug}.jpg", ContentFile(data))
        ProductImage.objects.create(
            product=product, image=name, width=SIZE, height=SIZE, alt_text=f"{product.title}, front view"
        )
        names.append(name)
    return names


def confirmation_path(address: str) -> str:
    """The path of the confirmation link e-mailed to ``address`` (waits up to 5 s for the e-mail)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if message.to == [address]:
                return CONFIRM_PATH.search(message.body).group(1)
        time.sleep(0.05)
    pytest.fail(f"no confirmation e-mail to {address}; outbox: {[(m.to, m.subject) for m in mail.outbox]}")


def test_new_shopper_signs_up_confirms_and_finds_a_product(
    live_server, search_catalog, page, screenshot, page_problems, request
):
    base = live_server.url
    products = search_catalog["products"]
    for name in give_pictures([products[key] for key in ("sony_wh", "bose_qc", "sony_buds", "stand")]):
        request.addfinalizer(lambda name=name: default_storage.delete(name))

    # Sign up from the header link.
    page.goto(base + "/")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    screenshot("signup")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    screenshot("verification-sent")

    # Follow the link from the e-mail; confirming signs the shopper in.
    page.goto(base + confirmation_path(EMAIL))
    expect(page.get_by_role("main")).to_contain_text(f"Confirm that {EMAIL} is your e-mail address.")
    screenshot("confirm-email")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()
    assert User.objects.get(email=EMAIL).emailaddress_set.get().verified is True

    # Sign out, then sign in with the new password.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    screenshot("sign-in")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Successfully signed in as {EMAIL}.")).to_be_visible()
    screenshot("signed-in")

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Your account").click()
    expect(page.get_by_role("main")).to_contain_text(EMAIL)
    screenshot("account")

    # Search, then narrow by brand.
    search = page.get_by_role("search")
    search.get_by_label("Search products").fill("headphones")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text('Results for "headphones"')
    expect(page.locator(".result-count")).to_have_text("4 results")
    screenshot("results")

    page.get_by_role("navigation", name="Narrow results").get_by_role("link", name="Bose").click()
    expect(page).to_have_url(re.compile(r"brand=bose"))
    expect(page.locator(".result-count")).to_have_text("1 result")
    screenshot("facet")

    # Open the product.
    bose = products["bose_qc"]
    page.get_by_role("main").get_by_role("link", name=bose.title).filter(visible=True).first.click()
    expect(page).to_have_url(re.compile(rf"{re.escape(bose.get_absolute_url())}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(bose.title)
    expect(page.get_by_role("img", name=f"{bose.title}, front view")).to_be_visible()
    expect(page.get_by_role("button", name="Add to cart").filter(visible=True).first).to_be_enabled()
    screenshot("product")
    assert page_problems == []
