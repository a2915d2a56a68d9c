"""The accessibility audit itself: axe-core finds what it should, and reports it readably."""

import json

import pytest

from tests.browser import axe

pytestmark = pytest.mark.browser

BROKEN_PAGE = """<!doctype html>
<html lang="en"><head><title>Broken</title></head>
<body><main>
  <h1>Broken</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <p style="color:#aaa;background:#fff">Pale text</p>
  <input type="text">
</main></body></html>"""


def test_axe_reports_serious_and_critical_violations_with_their_targets(browser, tmp_path):
    page = browser.new_page()
    try:
        page.set_content(BROKEN_PAGE)

        report = axe.audit(page, tmp_path, "broken")
    finally:
        page.close()

    failing = {(v["id"], v["impact"]) for v in report.failing}
    assert {("image-alt", "critical"), ("label", "critical"), ("color-contrast", "serious")} <= failing
    description = report.describe(report.failing)
    assert "image-alt (critical): Images must have alternative text -> img" in description
    saved = json.loads((tmp_path / "axe-broken.json").read_text())
    assert saved["step"] == "broken"
    assert saved["axe"] == "4.14.1"
    assert {v["id"] for v in saved["violations"]} == {v["id"] for v in report.violations}
