"""/api/v1/returns/: asking to return delivered items, seeing and withdrawing a return."""

import pytest

from fulfillment.models import ReturnRequest
from tests.api.conftest import assert_problem, post_json, signed_in_client, verified_user
from tests.fulfillment.returns_data import delivered_order

pytestmark = pytest.mark.django_db

RETURNS = "/api/v1/returns/"


@pytest.fixture
def delivered(shopper):
    order, seller_order, *_ = delivered_order(quantities=(2,), user=shopper)
    return seller_order, seller_order.lines.get()


def ask(client, seller_order, line, *, key="ret-1", quantity=1, reason="no_longer_needed", **extra):
    body = {"part": seller_order.number, "reason": reason, "lines": [{"line": line.pk, "quantity": quantity}]}
    return post_json(client, RETURNS, body | extra, HTTP_IDEMPOTENCY_KEY=key)


def test_asking_to_return_a_delivered_unit_creates_the_return(shopper_api, delivered):
    seller_order, line = delivered

    response = ask(shopper_api, seller_order, line)

    assert response.status_code == 201, response.content
    rma = ReturnRequest.objects.get()
    body = response.json()
    assert (body["number"], body["part"], body["order"]) == (
        rma.number,
        seller_order.number,
        seller_order.order.number,
    )
    assert (body["status"], body["reason"], body["lines"]) == (
        rma.status,
        "no_longer_needed",
        [{"line": line.pk, "quantity": 1}],
    )
    assert shopper_api.get(f"{RETURNS}{rma.number}/").json() == body


def test_a_replay_makes_one_return_and_another_body_is_422(shopper_api, delivered):
    seller_order, line = delivered
    first = ask(shopper_api, seller_order, line)
    again = ask(shopper_api, seller_order, line)
    assert (again.status_code, again.json()) == (201, first.json())
    assert_problem(ask(shopper_api, seller_order, line, quantity=2), 422)
    assert ReturnRequest.objects.count() == 1


def test_more_than_was_delivered_is_a_business_rule_problem(shopper_api, delivered):
    seller_order, line = delivered
    body = assert_problem(ask(shopper_api, seller_order, line, quantity=3), 400)
    assert body["type"] == "/api/v1/problems/business-rule"
    assert body["detail"].startswith("Only 2 of ")
    assert not ReturnRequest.objects.exists()


def test_withdrawing_a_return(shopper_api, delivered):
    seller_order, line = delivered
    number = ask(shopper_api, seller_order, line).json()["number"]
    response = shopper_api.post(f"{RETURNS}{number}/cancel/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"line": "1", "quantity": 1}]}, "lines.0.line"),
        ({"reason": 3}, "reason"),
        ({"refund_amount": "99.00"}, "refund_amount"),
        ({"status": "approved"}, "status"),
    ],
)
def test_bad_bodies_are_400_and_create_nothing(shopper_api, delivered, extra, field):
    seller_order, line = delivered
    assert field in assert_problem(ask(shopper_api, seller_order, line, **extra), 400)["errors"]
    assert not ReturnRequest.objects.exists()


def test_another_shopper_s_order_and_return_are_404(shopper_api, delivered):
    seller_order, line = delivered
    stranger = signed_in_client(verified_user())
    assert_problem(ask(stranger, seller_order, line), 404)
    number = ask(shopper_api, seller_order, line).json()["number"]
    assert_problem(stranger.get(f"{RETURNS}{number}/"), 404)
    assert_problem(stranger.post(f"{RETURNS}{number}/cancel/"), 404)
    assert ReturnRequest.objects.get().status != "cancelled"


def test_anonymous_callers_get_401(api, delivered):
    seller_order, line = delivered
    assert_problem(ask(api, seller_order, line), 401)
    assert_problem(api.get(f"{RETURNS}x/"), 401)
