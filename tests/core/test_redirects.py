"""``safe_next_url``: the one check every ``next`` / ``Referer`` redirect on the site goes through."""

import pytest
from django.test import RequestFactory

from marketplace.core.redirects import MAX_NEXT_LENGTH, safe_next_url


@pytest.fixture
def request_():
    return RequestFactory().get("/", HTTP_HOST="shop.test")


@pytest.mark.parametrize(
    "target",
    ["/cart/", "/p/lamp/?colour=red#reviews", "http://shop.test/orders/", "/seller/orders/"],
)
def test_a_url_of_this_site_is_returned_unchanged(request_, target):
    assert safe_next_url(request_, target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.test/",
        "//evil.test/path",
        "/\\evil.test",
        "javascript:alert(1)",
        "/cart/\x00",
        "/cart/\r\nSet-Cookie: x=1",
        "/" + "a" * MAX_NEXT_LENGTH,
    ],
)
def test_anything_else_is_refused(request_, target):
    assert safe_next_url(request_, target) is None


def test_a_prefix_limits_the_target_to_that_part_of_the_site(request_):
    assert safe_next_url(request_, "/seller/listings/", prefix="/seller/") == "/seller/listings/"
    assert safe_next_url(request_, "/cart/", prefix="/seller/") is None
    assert safe_next_url(request_, "http://shop.test/seller/", prefix="/seller/") is None


def test_a_secure_request_refuses_a_plain_http_target():
    secure = RequestFactory().get("/", HTTP_HOST="shop.test", secure=True)
    assert safe_next_url(secure, "http://shop.test/cart/") is None
    assert safe_next_url(secure, "https://shop.test/cart/") == "https://shop.test/cart/"
