"""Cursor pages with a bounded size, and throttles that answer 429 with Retry-After."""

import pytest
from django.test import override_settings
from rest_framework.settings import api_settings

from tests.api.conftest import assert_problem, make_listed
from tests.catalog.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_products():
    category = CategoryFactory(slug="kitchen")
    return [make_listed(category, "10.00", sales_count=n, title=f"P{n}") for n in range(5)]


def test_cursor_pages_walk_the_list_once_each(api, five_products):
    seen, url, pages = [], "/api/v1/products/?page_size=2", 0
    while url:
        body = api.get(url).json()
        assert set(body) == {"next", "previous", "results"}
        seen += [row["title"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert seen == ["P4", "P3", "P2", "P1", "P0"]
    assert pages == 3


def test_previous_link_goes_back(api, five_products):
    first = api.get("/api/v1/products/?page_size=2").json()
    second = api.get(first["next"]).json()
    assert first["previous"] is None
    assert api.get(second["previous"]).json()["results"] == first["results"]


def test_a_bad_position_for_a_date_ordering_is_400(api, five_products):
    assert_problem(api.get("/api/v1/products/", {"sort": "newest", "cursor": "cD0yMDIwLTEzLTQ1"}), 400)


def test_default_page_size_is_used_without_a_parameter(api, five_products):
    assert len(api.get("/api/v1/products/").json()["results"]) == 5


@pytest.mark.parametrize("size", ["0", "101", "-1", "ten", "2.5"])
def test_page_size_is_bounded(api, size):
    body = assert_problem(api.get("/api/v1/products/", {"page_size": size}), 400)
    assert "page_size" in body["errors"]


@pytest.mark.parametrize("cursor", ["garbage", "cD0=", "bz0xJnI9MSZwPXg=", "cD0yMDIwLTEzLTQ1"])
def test_a_bad_cursor_is_400_not_404_or_500(api, five_products, cursor):
    """Undecodable, an empty position, a position that is not a number."""
    body = assert_problem(api.get("/api/v1/products/", {"cursor": cursor}), 400)
    assert "cursor" in body["errors"]


def throttled_rates(**rates):
    return override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates})


def _rest_framework():
    from django.conf import settings

    return settings.REST_FRAMEWORK


def test_ip_throttle_answers_429_with_retry_after(api):
    with throttled_rates(ip="2/minute", user="100/minute"):
        assert api.get("/api/v1/categories/").status_code == 200
        assert api.get("/api/v1/categories/").status_code == 200
        response = api.get("/api/v1/categories/")
    body = assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["retry_after"] == int(response["Retry-After"])
    assert api_settings.DEFAULT_THROTTLE_RATES["ip"] != "2/minute"  # restored


def test_another_ip_has_its_own_budget(api):
    with throttled_rates(ip="1/minute", user="100/minute"):
        assert api.get("/api/v1/categories/", REMOTE_ADDR="10.0.0.1").status_code == 200
        assert api.get("/api/v1/categories/", REMOTE_ADDR="10.0.0.1").status_code == 429
        assert api.get("/api/v1/categories/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_user_throttle_counts_a_signed_in_user(api, django_user_model):
    user = django_user_model.objects.create_user(email="t@example.com", password="x-Secret-123")
    api.force_authenticate(user)
    with throttled_rates(ip="100/minute", user="1/minute"):
        assert api.get("/api/v1/categories/").status_code == 200
        response = api.get("/api/v1/categories/")
    assert_problem(response, 429)
    assert "Retry-After" in response
