"""Every Seller Central page, as its owner sees it with data, passes axe at 375 and 1280 px.

The pages come from the URL conf (tests/sellers/central_data.py fills each URL's arguments, and
its own test fails for a URL without them), so a new page is audited without being listed here.
A page that answers a GET with something other than an HTML 200 (a CSV download, a POST-only
action, a redirect) is skipped; each page's screenshot and axe report are in tests/artifacts.
No page may be wider than the screen (a phone would scroll sideways); wide tables scroll in
their own ``.table-scroll`` box.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sellers.models import SellerMember
from tests.sellers.central_data import seller_patterns, seller_world, url_kwargs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages that a seller owner does not open: staff's view-as entry, and the picker (one seller).
NOT_THE_OWNERS = {"view-as", "view-as-stop", "choose", "apply"}


# Empty when the page fits the screen; else the innermost elements that stick out, and how far.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= limit) return "";
  const out = [...document.querySelectorAll("body *")].filter(
    (el) => el.getBoundingClientRect().right > limit + 1 && !el.closest(".table-scroll")
  );
  const innermost = out.filter((el) => !out.some((other) => other !== el && el.contains(other)));
  return innermost.slice(0, 4).map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
    + " " + Math.round(el.getBoundingClientRect().right) + "px").join(", ");
}"""


def owner_pages(world) -> list[tuple[str, str]]:
    kwargs_for = url_kwargs()
    return [
        (name, reverse(f"seller:{name}", kwargs=kwargs_for[name](world)))
        for name, _pattern in seller_patterns()
        if name not in NOT_THE_OWNERS
    ]


def test_every_seller_central_page_passes_axe(live_server, page, screenshot, page_problems):
    world = seller_world()
    owner = world["owner"]
    assert owner.seller_memberships.get().role == SellerMember.Role.OWNER
    client = Client()
    client.force_login(owner)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    audited, skipped, too_wide = [], [], []
    for name, path in owner_pages(world):
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            skipped.append(f"{name} ({response.status_code} {response['Content-Type']})")
            continue
        page.goto(live_server.url + path)
        screenshot(name)
        audited.append(name)
        wide = page.evaluate(OVERFLOWING)
        if wide:
            too_wide.append(f"{name}: {wide}")

    # The sweep must really walk Seller Central: its main sections are all among the audited pages.
    assert {
        "dashboard",
        "listing-list",
        "product-edit",
        "listing-edit",
        "order-list",
        "payout-account",
    } <= set(audited), f"audited {audited}, skipped {skipped}"
    assert too_wide == [], "pages wider than the screen (horizontal scrolling)"
    assert page_problems == []
