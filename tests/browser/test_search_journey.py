"""A shopper searches: autocomplete, a facet, a sort, a removed chip; on mobile and desktop."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def result_titles(page):
    return page.locator("main .product-grid .product-card__title a").all_inner_texts()


def test_shopper_searches_with_autocomplete_facets_sort_and_chips(
    live_server, search_catalog, page, viewport, screenshot, page_problems
):
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Search products")
    expect(box).to_have_attribute("aria-expanded", "false")

    # Type: the listbox opens with completions, categories and products.
    box.press_sequentially("headph", delay=30)
    listbox = page.get_by_role("listbox", name="Search suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_contain_text("headphones")
    screenshot("autocomplete")

    # Arrow down to the first completion and pick it with Enter.
    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=headphones$"))
    expect(page.get_by_role("heading", level=1)).to_have_text('Results for "headphones"')
    expect(page.locator(".result-count")).to_have_text("4 results")
    screenshot("results")

    # Escape closes the popup.
    box.fill("")
    box.press_sequentially("sams", delay=30)
    expect(listbox).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.fill("headphones")

    # Narrow by a facet (the brand facet is open on both widths).
    facets = page.get_by_role("navigation", name="Narrow results")
    facets.get_by_role("link", name="Sony").click()
    expect(page).to_have_url(re.compile(r"brand=sony"))
    expect(box).to_have_value("headphones")
    assert result_titles(page) == [
        "Sony WH-1000XM5 Wireless Noise Cancelling Headphones",
        "Sony In-Ear Earbuds",
    ]
    screenshot("facet")

    # Change the sort.
    page.get_by_label("Sort by").select_option("price_asc")
    expect(page).to_have_url(re.compile(r"sort=price_asc"))
    assert result_titles(page) == [
        "Sony In-Ear Earbuds",
        "Sony WH-1000XM5 Wireless Noise Cancelling Headphones",
    ]
    screenshot("sorted")

    # Remove the chip: the brand filter goes, the sort stays.
    page.get_by_role("link", name="Remove filter: Sony").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=headphones&sort=price_asc$"))
    expect(page.locator(".result-count")).to_have_text("4 results")
    expect(page.get_by_role("list", name="Applied filters")).to_have_count(0)
    screenshot("chip-removed")

    # On phones the facets are folded except the first ones; nothing overflows the viewport.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    seller = page.locator('details.facet[data-facet="seller"]')
    if viewport == "mobile":
        expect(seller).not_to_have_attribute("open", "")
    else:
        expect(seller).to_have_attribute("open", "")
    assert page_problems == []
