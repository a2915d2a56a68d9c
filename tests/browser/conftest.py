"""Fixtures for browser tests: a real Chromium driven by Playwright against the live server.

The browser is the system's Chromium (Debian package ``chromium``); Playwright cannot download
its own here. Without one, browser tests skip with the reason, unless ``REQUIRE_BROWSER=1``
(CI sets it), in which case they fail.

Screenshots land in ``tests/artifacts/<test-name>/<viewport>/<NN>-<step>.png``; a failing test
also leaves ``FAILED.png`` next to them. At every screenshot the page is also audited with
axe-core (tests/browser/axe.py: ``axe-<NN>-<step>.json`` and ``axe.md`` beside the screenshots;
a serious or critical violation fails the test, unless ``AXE_REPORT_ONLY=1``) and weighed
(tests/browser/page_weight.py: ``tests/artifacts/page-weight.md`` at the end of the session).
"""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.browser import axe
from tests.browser.page_weight import PageWeight, write_report

# Playwright's sync API runs an asyncio event loop in the test's thread. Django refuses ORM
# calls from a thread with a running loop (SynchronousOnlyOperation), although here nothing
# runs concurrently with them: the loop only waits for the browser while the test is blocked.
# The live server answers from its own thread, which has no loop. So the check is a false
# alarm in browser tests, and only in them; this conftest is loaded for tests/browser/ only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "artifacts"
PAGE_WEIGHT_REPORT = ARTIFACTS_DIR / "page-weight.md"
_PAGE_WEIGHTS: list = []

VIEWPORTS = {
    "mobile": {"width": 375, "height": 812},
    "desktop": {"width": 1280, "height": 800},
}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

NO_CHROMIUM = (
    "no Chromium found: install Debian's chromium (apt-get install chromium) "
    "or set CHROMIUM_PATH to a Chromium/Chrome binary"
)


def chromium_path() -> str | None:
    """Return the first Chromium that exists: $CHROMIUM_PATH, /usr/bin/chromium, Playwright's own."""
    for candidate in (os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium"):
        if _is_executable(candidate):
            return candidate
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            bundled = playwright.chromium.executable_path
    except Exception:  # noqa: BLE001 (no working Playwright driver means no browser either)
        return None
    return bundled if _is_executable(bundled) else None


def _is_executable(path: str) -> bool:
    return bool(path) and Path(path).is_file() and os.access(path, os.X_OK)


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "") == "1"


_SKIPPED: list[str] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_sessionfinish(session):
    if _PAGE_WEIGHTS:
        write_report(PAGE_WEIGHT_REPORT, _PAGE_WEIGHTS)


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED:
        terminalreporter.write_sep("-", "browser tests")
        terminalreporter.write_line(f"SKIPPED browser tests: {_SKIPPED[0]}")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The Chromium to drive; skips (or fails, with ``REQUIRE_BROWSER=1``) when there is none."""
    executable = chromium_path()
    if executable is None:
        if browser_required():
            pytest.fail(f"REQUIRE_BROWSER=1 but {NO_CHROMIUM}", pytrace=False)
        _SKIPPED.append(NO_CHROMIUM)
        pytest.skip(NO_CHROMIUM)
    return executable


@pytest.fixture(autouse=True)
def _chromium_available(chromium_executable):
    """Decide skip/fail before the live server starts or test data is made."""


@pytest.fixture(scope="session")
def browser(chromium_executable):
    """One Chromium for the whole session."""
    executable = chromium_executable
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page_problems() -> list[str]:
    """What went wrong in the test's pages: 4xx/5xx responses (assets too), JavaScript errors and
    anything the Content-Security-Policy refused."""
    return []


def _watch(page, problems: list[str]) -> None:
    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP violation: {message.text}")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))


@pytest.fixture
def new_page(browser, request, page_problems):
    """Factory: ``new_page("mobile")`` opens a page in a fresh context of that viewport.

    Failed responses and JavaScript errors of its pages are collected in ``page_problems``.
    """
    contexts = []

    def open_page(viewport: str):
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            is_mobile=viewport == "mobile",
            has_touch=viewport == "mobile",
            locale="en-US",
        )
        context.set_default_timeout(10_000)
        contexts.append((viewport, context))
        context.on("page", lambda page: _watch(page, page_problems))
        page = context.new_page()
        page.weight = PageWeight(page)
        return page

    yield open_page

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for viewport, context in contexts:
        if failed:
            for page in context.pages:
                directory = artifact_dir(request.node, viewport)
                directory.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(directory / "FAILED.png"), full_page=True)
        context.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    """Every test that takes ``page`` runs once per viewport: mobile and desktop."""
    return request.param


@pytest.fixture
def page(new_page, viewport):
    return new_page(viewport)


def artifact_dir(node, viewport: str) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.originalname or node.name)
    return ARTIFACTS_DIR / name / viewport


@pytest.fixture
def screenshot(request, page, viewport):
    """``screenshot("home")`` saves ``tests/artifacts/<test>/<viewport>/<NN>-home.png``.

    It also audits the page with axe-core (``axe-<NN>-home.json``, ``axe.md``), failing on a
    serious or critical violation, and weighs it against the page-weight budgets.
    """
    directory = artifact_dir(request.node, viewport)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    counter = iter(range(1, 100))
    reports: list[axe.AxeReport] = []
    test_name = request.node.originalname or request.node.name

    def take(step: str) -> Path:
        name = f"{next(counter):02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', step)}"
        path = directory / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        check_page(page, directory, name, reports, test_name=test_name, viewport=viewport)
        return path

    return take


def check_page(page, directory: Path, step: str, reports: list, *, test_name: str, viewport: str) -> None:
    """Audit ``page`` with axe-core and weigh it; fail on serious/critical violations or budgets."""
    report = axe.audit(page, directory, step)
    reports.append(report)
    axe.write_summary(directory, reports)
    weight = page.weight.measure(test=test_name, viewport=viewport, step=step)
    _PAGE_WEIGHTS.append(weight)
    if report.failing and os.environ.get("AXE_REPORT_ONLY") != "1":
        pytest.fail(
            f"axe-core: {len(report.failing)} serious/critical violation(s) at step {step!r} "
            f"({report.url}):\n{report.describe(report.failing)}",
            pytrace=False,
        )
    over = weight.over_budget()
    assert not over, f"page weight over budget at step {step!r} ({weight.url}): {over}"


@pytest.fixture
def storefront_catalog(transactional_db):
    """A small catalog: one department with a few products, one of them offered by three sellers.

    Built with factories; set ``BROWSER_CATALOG=seed_demo`` to use the demo seeder instead.
    Returns the product with several offers and its offers, cheapest (the buy box) first.
    """
    if os.environ.get("BROWSER_CATALOG") == "seed_demo":
        return _seeded_catalog()
    return _factory_catalog()


def _factory_catalog() -> dict:
    from catalog.services import product_refresh_buy_box
    from tests.catalog.factories import CategoryFactory, OfferFactory, ProductFactory
    from tests.fulfillment.factories import StockFactory, WarehouseFactory
    from tests.sellers.factories import SellerFactory

    kitchen = CategoryFactory(name="Kitchen", slug="kitchen", position=1)
    CategoryFactory(name="Garden", slug="garden", position=2)
    cookware = CategoryFactory(name="Cookware", slug="cookware", parent=kitchen)
    warehouse = WarehouseFactory()
    kettle = ProductFactory(
        category=cookware,
        title="Stovetop Whistling Kettle 2 L",
        slug="stovetop-whistling-kettle-2l",
        list_price_amount=Decimal("34.99"),
    )
    sellers = [
        SellerFactory(name="Acme Kitchen Supply", slug="acme-kitchen-supply"),
        SellerFactory(name="Blue Harbor Goods", slug="blue-harbor-goods"),
        SellerFactory(name="Cedar Lane Outlet", slug="cedar-lane-outlet"),
    ]
    offers = []
    for seller, price in zip(sellers, ["24.99", "27.50", "31.00"], strict=True):
        offer = OfferFactory(product=kettle, seller=seller, price_amount=Decimal(price))
        StockFactory(offer=offer, warehouse=warehouse, on_hand=12)
        offers.append(offer)
    others = []
    for n, title in enumerate(["Cast Iron Skillet 26 cm", "Chef's Knife 20 cm", "Bamboo Cutting Board"]):
        product = ProductFactory(category=kitchen, title=title, slug=f"kitchen-item-{n}")
        offer = OfferFactory(product=product, seller=sellers[n], price_amount=Decimal("15.00") + n)
        StockFactory(offer=offer, warehouse=warehouse, on_hand=5)
        others.append(product)
    product_refresh_buy_box(product_ids=[kettle.pk, *(p.pk for p in others)])
    return {"category": kitchen, "product": kettle, "offers": offers}


def _seeded_catalog() -> dict:
    from django.core.management import call_command
    from django.db.models import Count, Q

    from catalog.models import Category, Product

    call_command("seed_demo", products=40, seed=7)
    categories = Category.objects.filter(parent__isnull=True, is_active=True).order_by("position", "name")
    for category in categories:
        product = (
            Product.objects.filter(category__path__startswith=category.path, in_stock=True, is_active=True)
            .annotate(active_offers=Count("offers", filter=Q(offers__is_active=True)))
            .filter(active_offers__gte=2)
            .order_by("-active_offers", "pk")
            .first()
        )
        if product is not None:
            offers = sorted(product.offers.filter(is_active=True), key=lambda o: o.price_amount)
            return {"category": category, "product": product, "offers": offers}
    pytest.fail("seed_demo made no in-stock product with two or more offers")


@pytest.fixture
def search_catalog(transactional_db):
    """The fixed search catalog of tests/catalog/search_fixtures.py, indexed, for the live server."""
    from django.core.cache import cache

    from tests.catalog.search_fixtures import build_search_catalog

    cache.clear()  # autocomplete answers are cached by prefix
    return build_search_catalog()
