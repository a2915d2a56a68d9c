"""/api/v1/orders/<number>/payments/: the sandbox's test cards, 3-D Secure, Stripe's client secret."""
# ruff: noqa: F811 (the stripe_api fixture is imported, then requested by name)

from decimal import Decimal

import pytest

from orders.models import Order
from payments.models import Payment
from payments.providers.sandbox import SandboxProvider
from tests.api.conftest import assert_problem, post_json, signed_in_client, verified_user
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory
from tests.orders.order_data import order_build
from tests.payments.stripe_fixtures import stripe_api  # noqa: F401

pytestmark = pytest.mark.django_db

SUCCEEDS, DECLINED, THREE_D_SECURE = "4242 4242 4242 4242", "4000 0000 0000 0002", "4000 0025 0000 3155"


def card(number=SUCCEEDS, **fields):
    return {"card": {"name": "Ada Buyer", "number": number, "expiry": "12/34", "cvc": "123", **fields}}


@pytest.fixture
def order(shopper):
    offer = OfferFactory(price_amount=Decimal("20.00"))
    StockFactory(offer=offer, on_hand=10)
    return order_build(user=shopper, parts=[[(offer, 2)]])  # $40 + $4 shipping + $4 tax


def pay(client, order, body, key="pay-1"):
    return post_json(client, f"/api/v1/orders/{order.number}/payments/", body, HTTP_IDEMPOTENCY_KEY=key)


def test_a_test_card_that_succeeds_pays_the_order(shopper_api, order):
    response = pay(shopper_api, order, card())

    assert response.status_code == 201, response.content
    body = response.json()
    payment = Payment.objects.get(order=order)
    assert body["order_status"] == "paid" and body["refunded_because"] == ""
    assert body["client_secret"] is None
    assert body["payment"] == {
        "id": payment.provider_payment_id,
        "provider": "sandbox",
        "status": "succeeded",
        "amount": "48.00",
        "currency": "USD",
        "failure_code": "",
        "failure_message": "",
        "next_action_url": "",
        "created_at": body["payment"]["created_at"],
        "refunds": [],
    }
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_a_replay_charges_once_and_another_body_with_the_key_is_422(shopper_api, order):
    first = pay(shopper_api, order, card())
    again = pay(shopper_api, order, card())

    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert again.json() == first.json()
    assert Payment.objects.filter(order=order).count() == 1
    assert_problem(pay(shopper_api, order, card(cvc="999")), 422)


def test_a_declined_card_is_a_failed_payment_and_a_new_key_tries_again(shopper_api, order):
    declined = pay(shopper_api, order, card(DECLINED)).json()
    assert (declined["payment"]["status"], declined["payment"]["failure_code"]) == (
        "failed",
        "generic_decline",
    )
    assert declined["payment"]["failure_message"] == "Your card was declined."
    assert declined["order_status"] == "pending_payment"

    retried = pay(shopper_api, order, card(), key="pay-2").json()
    assert (retried["payment"]["status"], retried["order_status"]) == ("succeeded", "paid")
    assert Payment.objects.filter(order=order).count() == 2


def test_3d_secure_needs_the_bank_page_then_a_sync(shopper_api, order):
    body = pay(shopper_api, order, card(THREE_D_SECURE)).json()
    payment_id = body["payment"]["id"]
    assert body["payment"]["status"] == "requires_action"
    assert body["payment"]["next_action_url"] == f"/pay/sandbox/authenticate/{payment_id}/"

    SandboxProvider().authenticate(payment_id=payment_id, succeed=True)  # the shopper on the bank's page
    synced = post_json(shopper_api, f"/api/v1/orders/{order.number}/payments/{payment_id}/sync/", None)

    assert synced.status_code == 200, synced.content
    assert (synced.json()["payment"]["status"], synced.json()["order_status"]) == ("succeeded", "paid")


def test_a_paid_order_cannot_be_paid_again(shopper_api, order):
    pay(shopper_api, order, card())
    body = assert_problem(pay(shopper_api, order, card(), key="pay-2"), 400)
    assert body["detail"] == f"Order {order.number} is already paid."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "card"),
        (card(expiry="2034-12"), "card.expiry"),
        (card(number=4242), "card.number"),
        (card() | {"amount": "0.01"}, "amount"),
        (card() | {"status": "succeeded"}, "status"),
    ],
)
def test_bad_bodies_are_400_and_charge_nothing(shopper_api, order, body, field):
    assert field in assert_problem(pay(shopper_api, order, body), 400)["errors"]
    assert not Payment.objects.exists()


def test_paying_needs_an_idempotency_key(shopper_api, order):
    response = post_json(shopper_api, f"/api/v1/orders/{order.number}/payments/", card())
    assert "Idempotency-Key" in assert_problem(response, 400)["errors"]


def test_another_shopper_s_order_and_payment_are_404(shopper_api, order):
    stranger = signed_in_client(verified_user())
    assert_problem(pay(stranger, order, card()), 404)
    assert_problem(stranger.get(f"/api/v1/orders/{order.number}/payments/"), 404)
    payment_id = pay(shopper_api, order, card(THREE_D_SECURE)).json()["payment"]["id"]
    assert_problem(
        post_json(stranger, f"/api/v1/orders/{order.number}/payments/{payment_id}/sync/", None), 404
    )
    assert Payment.objects.get().status == "requires_action"


def test_anonymous_callers_get_401(api, order):
    assert_problem(pay(api, order, card()), 401)
    assert_problem(api.get(f"/api/v1/orders/{order.number}/payments/"), 401)


@pytest.mark.parametrize("count", [3, 30])
def test_the_payments_list_takes_the_same_queries_for_3_and_30(django_assert_num_queries, count):
    user = verified_user()
    offer = OfferFactory(price_amount=Decimal("20.00"))
    StockFactory(offer=offer, on_hand=10)
    order = order_build(user=user, parts=[[(offer, 1)]])
    for index in range(count):
        Payment.objects.create(
            order=order,
            provider="sandbox",
            provider_payment_id=f"sb_{index}",
            amount=order.total_amount,
            currency="USD",
            status=Payment.Status.FAILED,
            idempotency_key=f"k{index}",
        )
    client = signed_in_client(user)
    with django_assert_num_queries(6):  # session token (2), the user, the order, the page, refunds
        response = client.get(f"/api/v1/orders/{order.number}/payments/", {"page_size": 100})
    assert len(response.json()["results"]) == count


def test_with_stripe_the_answer_is_the_open_intent_s_client_secret(shopper_api, order, stripe_api):
    response = pay(shopper_api, order, {})

    assert response.status_code == 201, response.content
    body = response.json()
    payment = Payment.objects.get(order=order)
    assert body["client_secret"] == stripe_api.intents[payment.provider_payment_id]["client_secret"]
    assert (body["payment"]["provider"], body["payment"]["status"]) == ("stripe", "created")
    again = pay(shopper_api, order, {})
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert again.json()["client_secret"] == body["client_secret"]
    assert Payment.objects.filter(order=order).count() == 1
    assert len(stripe_api.sent("POST", "/v1/payment_intents")) == 1


def test_with_stripe_card_details_are_refused(shopper_api, order, stripe_api):
    assert "card" in assert_problem(pay(shopper_api, order, card()), 400)["errors"]
    assert not Payment.objects.exists()
