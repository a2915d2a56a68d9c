"""The OpenAPI schema (served and committed), the docs page and the index."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"
DOCS_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "api" / "docs.html"


def test_the_committed_schema_matches_the_code(tmp_path):
    """Run `make schema` and commit docs/api/openapi.yaml when this fails."""
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == COMMITTED.read_text(), "docs/api/openapi.yaml is stale: run `make schema`"


def test_schema_is_openapi_3_1_json_by_default_and_yaml_on_request(api):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"] == "3.1.0"
    assert {"/api/v1/categories/", "/api/v1/products/", "/api/v1/products/{slug}/"} <= set(schema["paths"])
    assert not any(path.startswith("/pay/") for path in schema["paths"])

    as_yaml = api.get("/api/v1/schema/", {"format": "yaml"})
    assert as_yaml.status_code == 200
    assert yaml.safe_load(as_yaml.content)["paths"].keys() == schema["paths"].keys()


def test_every_operation_documents_its_errors_as_problems(api):
    schema = api.get("/api/v1/schema/").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
            assert "429" in errors, f"{method} {path}"
            for response in errors.values():
                assert list(response["content"]) == ["application/problem+json"], f"{method} {path}"


def test_docs_page_loads_swagger_ui_from_our_static_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-schema-url="/api/v1/schema/"' in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all('src="/static/' in tag for tag in scripts)
    assert "js/api-docs.js" in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy


def test_docs_template_has_no_inline_script_or_style():
    text = DOCS_TEMPLATE.read_text()
    assert "<style" not in text and ' style="' not in text
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", text))
    assert not re.search(r"\son[a-z]+=", text)


def test_docs_assets_are_shipped_as_static_files():
    from django.contrib.staticfiles import finders

    for asset in (
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "js/api-docs.js",
    ):
        assert finders.find(asset), asset


def test_index_lists_the_endpoints(api):
    body = api.get("/api/v1/").json()
    assert body["version"] == "v1"
    assert body["endpoints"]["products"]["url"] == "http://testserver/api/v1/products/"
    for name, endpoint in body["endpoints"].items():
        # Search needs q (400); a shopper's data needs a sign-in (401); POST-only calls say 405.
        assert api.get(endpoint["url"]).status_code in (200, 400, 401, 405), name


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_path_is_a_404_problem(api, method):
    body = assert_problem(getattr(api, method)("/api/v1/nothing/here"), 404)
    assert "/api/v1/" in body["detail"]
