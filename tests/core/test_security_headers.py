"""Content-Security-Policy, Permissions-Policy and the CSP report endpoint."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_every_page_enforces_a_policy_that_allows_our_origin_and_stripe_only(client):
    policy = directives(client.get(reverse("catalog:home")))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][:1] == ["'self'"] and "https://js.stripe.com" in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["frame-src"] == ["https://js.stripe.com", "https://hooks.stripe.com"]
    assert policy["connect-src"] == ["'self'", "https://api.stripe.com"]
    assert policy["report-uri"] == ["/csp-report/"]


def test_a_page_that_uses_the_nonce_gets_it_in_the_policy(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives(response)["script-src"]


def test_permissions_policy_turns_off_what_the_shop_does_not_use(client):
    header = client.get(reverse("catalog:home"))["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    assert features["camera"] == "()" and features["geolocation"] == "()" and features["microphone"] == "()"
    assert features["payment"] == '(self "https://js.stripe.com")'


def test_no_template_has_an_inline_script_or_style_the_policy_would_block():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "/email/" in str(path):
            continue  # e-mails are not served under the policy
        text = path.read_text()
        if re.search(r"\sstyle=\"", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: style attribute")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag and "application/json" not in tag:
                offenders.append(f"{path.relative_to(TEMPLATES)}: inline script {tag}")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: inline event handler")
    assert offenders == []


def test_a_violation_report_is_logged_and_answered_204(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://shop.example.com/p/kettle/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "https://evil.example/x.js",
        }
    }
    with caplog.at_level("WARNING", logger="marketplace.csp"):
        response = client.post(
            reverse("csp-report"), json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    assert (
        "script-src-elem blocked https://evil.example/x.js on https://shop.example.com/p/kettle/"
        in caplog.text
    )


def test_the_reporting_api_format_is_understood(client, caplog):
    reports = [{"type": "csp-violation", "body": {"effectiveDirective": "img-src", "blockedURL": "data"}}]
    with caplog.at_level("WARNING", logger="marketplace.csp"):
        response = client.post(
            reverse("csp-report"), json.dumps(reports), content_type="application/reports+json"
        )
    assert response.status_code == 204 and "img-src blocked data" in caplog.text


@pytest.mark.parametrize(
    ("body", "status"),
    [("not json", 400), ("[1, 2]", 400), ('{"csp-report": "x"}', 400), ("x" * 20_000, 413)],
)
def test_junk_reports_are_refused_with_a_reason(client, body, status):
    response = client.post(reverse("csp-report"), body, content_type="application/csp-report")
    assert response.status_code == status and response.content


def test_the_report_endpoint_takes_only_post(client):
    assert client.get(reverse("csp-report")).status_code == 405


def test_no_template_has_a_multi_line_hash_comment_that_would_render_as_text():
    """Django's ``{# #}`` comments end on their line; a longer one shows on the page."""
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert offenders == []
