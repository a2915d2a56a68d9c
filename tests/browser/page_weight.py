"""Page weight of the storefront pages the browser journeys visit.

For each document a journey shows, :class:`PageWeight` counts the requests the page made since
its navigation started (Playwright ``request`` events) and sums their response body sizes by
resource type: HTML (the document), CSS, JS, images, fonts, and XHR/fetch (htmx, autocomplete).
The browser's cache is disabled in the journeys' pages (DevTools ``Network.setCacheDisabled``),
so every page is weighed as a first visit, whatever the journey visited before.

It also looks at every ``<img>``: its natural size against the size it is shown at (times the
device pixel ratio), flagging images served more than twice as wide as shown; and whether an
image below the fold of the first screen is ``loading="lazy"``.

The ``screenshot`` fixture measures at each step; the heaviest measurement of each (page
route, viewport) is kept and ``tests/artifacts/page-weight.md`` is written at the end of the session.

Budgets (generous, to catch regressions, not to tune): see ``BUDGETS``; and no image below
the fold without ``loading="lazy"``, and none served more than 2x wider than it is shown
(product pictures come in renditions, ADR 0041). Bytes are response
bodies as the live server sends them (uncompressed; in production WhiteNoise serves CSS and JS
pre-compressed). Times are never asserted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BUDGETS = {
    "requests": 30,
    "html": 150_000,
    "css": 100_000,
    "js": 150_000,
}

# Playwright's request.resource_type -> report column.
KINDS = {
    "document": "html",
    "stylesheet": "css",
    "script": "js",
    "image": "img",
    "font": "font",
    "fetch": "xhr",
    "xhr": "xhr",
}

OVERSIZE_FACTOR = 2

IMAGES_JS = """() => {
  const fold = window.innerHeight;
  return Array.from(document.images).map(img => {
    const box = img.getBoundingClientRect();
    return {
      src: img.currentSrc || img.src,
      naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight,
      shownWidth: Math.round(box.width),
      shownHeight: Math.round(box.height),
      top: Math.round(box.top + window.scrollY),
      loading: img.getAttribute('loading') || 'eager',
      belowFold: box.top + window.scrollY >= fold,
      dpr: window.devicePixelRatio,
    };
  }).filter(image => image.shownWidth > 0 && image.shownHeight > 0);
}"""


@dataclass
class Measurement:
    test: str
    viewport: str
    step: str
    url: str
    bytes_by_kind: dict[str, int]
    requests: int
    images: list[dict] = field(default_factory=list)

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_by_kind.values())

    @property
    def oversized(self) -> list[dict]:
        return [
            image
            for image in self.images
            if image["naturalWidth"] > OVERSIZE_FACTOR * image["shownWidth"] * image["dpr"]
        ]

    @property
    def eager_below_fold(self) -> list[dict]:
        return [image for image in self.images if image["belowFold"] and image["loading"] != "lazy"]

    def over_budget(self) -> list[str]:
        found = []
        if self.requests > BUDGETS["requests"]:
            found.append(f"{self.requests} requests > {BUDGETS['requests']}")
        for kind in ("html", "css", "js"):
            if self.bytes_by_kind.get(kind, 0) > BUDGETS[kind]:
                found.append(f"{kind} {self.bytes_by_kind[kind]} bytes > {BUDGETS[kind]}")
        for image in self.eager_below_fold:
            found.append(f"{_short(image['src'])} is below the fold without loading=lazy")
        for image in self.oversized:
            found.append(
                f"{_short(image['src'])} is served {image['naturalWidth']} px wide for "
                f"{image['shownWidth']} px shown"
            )
        return found


class PageWeight:
    """Follow one page's requests; ``measure()`` weighs the current document."""

    def __init__(self, page):
        self.page = page
        self.requests: list = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.on("request", self._on_request)

    def _on_request(self, request):
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.requests = []  # a new document: its own requests start here
        self.requests.append(request)

    def measure(self, *, test: str, viewport: str, step: str) -> Measurement:
        totals: dict[str, int] = {}
        counted = 0
        for request in list(self.requests):
            response = request.response()
            if response is None or request.redirected_to is not None:
                continue  # failed, or a redirect hop: not part of the page
            kind = KINDS.get(request.resource_type, "other")
            totals[kind] = totals.get(kind, 0) + request.sizes()["responseBodySize"]
            counted += 1
        return Measurement(
            test=test,
            viewport=viewport,
            step=step,
            url=self.page.url,
            bytes_by_kind=totals,
            requests=counted,
            images=self.page.evaluate(IMAGES_JS),
        )


def _kb(value: int) -> str:
    return f"{value / 1000:.1f}"


def write_report(path: Path, measurements: list[Measurement]) -> None:
    """Write the markdown table: the heaviest measurement of each (page route, viewport)."""
    heaviest: dict[tuple[str, str], Measurement] = {}
    for measurement in measurements:
        key = (_page_key(measurement.path), measurement.viewport)
        if key not in heaviest or measurement.total_bytes > heaviest[key].total_bytes:
            heaviest[key] = measurement
    rows = [heaviest[key] for key in sorted(heaviest)]
    lines = [
        "# Page weight of the storefront pages the browser journeys visit",
        "",
        "Written by tests/browser (see tests/browser/page_weight.py). The heaviest step of each "
        "page route and viewport across the journeys of the run; every page loads as a first visit "
        "(browser cache disabled); kB = 1000 bytes of response bodies as the test server sends "
        "them (uncompressed). Requests: every request the document made up to the step's "
        "screenshot (XHR = htmx/autocomplete). Images: shown / served >2x wider than shown / "
        "below the fold without loading=lazy.",
        "",
        f"Budgets asserted per page: at most {BUDGETS['requests']} requests, HTML "
        f"{_kb(BUDGETS['html'])} kB, CSS {_kb(BUDGETS['css'])} kB, JS {_kb(BUDGETS['js'])} kB; "
        "no image below the fold without loading=lazy, none served more than 2x wider than shown.",
        "",
        "| Page | Viewport | Requests | HTML kB | CSS kB | JS kB | Img kB | Font kB | XHR kB "
        "| Other kB | Images | >2x | Eager below fold | Seen in |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for m in rows:
        b = m.bytes_by_kind
        lines.append(
            f"| `{_shown_path(m.path)}` | {m.viewport} | {m.requests} | {_kb(b.get('html', 0))} | "
            f"{_kb(b.get('css', 0))} | {_kb(b.get('js', 0))} | {_kb(b.get('img', 0))} | "
            f"{_kb(b.get('font', 0))} | {_kb(b.get('xhr', 0))} | {_kb(b.get('other', 0))} | "
            f"{len(m.images)} | {len(m.oversized)} | {len(m.eager_below_fold)} | {m.test} ({m.step}) |"
        )
    flagged = [m for m in rows if m.oversized or m.eager_below_fold]
    if flagged:
        lines += ["", "## Images to look at", ""]
        for m in flagged:
            for image in m.oversized:
                lines.append(
                    f"- `{m.path}` ({m.viewport}): {_short(image['src'])} is "
                    f"{image['naturalWidth']}x{image['naturalHeight']} shown at "
                    f"{image['shownWidth']}x{image['shownHeight']} (dpr {image['dpr']:g})"
                )
            for image in m.eager_below_fold:
                lines.append(
                    f"- `{m.path}` ({m.viewport}): {_short(image['src'])} at y={image['top']} is below "
                    "the fold without loading=lazy"
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _page_key(path: str) -> str:
    """Group pages by route: product, order and pay pages by their pattern, not their slug."""
    plain = path.split("?")[0]
    for pattern, name in (
        (r"^/p/[^/]+/$", "/p/<slug>/"),
        (r"^/c/[^/]+/$", "/c/<slug>/"),
        (r"^/orders/[^/]+/$", "/orders/<number>/"),
        (r"^/pay/[^/]+/$", "/pay/<number>/"),
        (r"^/sellers/[^/]+/$", "/sellers/<slug>/"),
        (r"^/accounts/confirm-email/.+$", "/accounts/confirm-email/<key>/"),
    ):
        if re.match(pattern, plain):
            return name
    return plain


def _shown_path(path: str) -> str:
    """The route for pages with a slug, number or key in the path; the path and query otherwise."""
    route = _page_key(path)
    return path if route == path.split("?")[0] else route


def _short(src: str) -> str:
    return urlsplit(src).path
