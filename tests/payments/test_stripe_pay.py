"""The pay page and the return page with Stripe configured (Stripe's API stubbed at HTTP)."""
# ruff: noqa: F811 (the stripe_api fixture is imported, then requested by name)

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from orders.models import Order, OrderEvent
from payments.models import Payment
from tests.payments.stripe_fixtures import PUBLISHABLE_KEY, stripe_api  # noqa: F401

pytestmark = pytest.mark.django_db

STRIPE_JS = '<script src="https://js.stripe.com/v3/"></script>'


def pay_url(order):
    return reverse("payments:pay", kwargs={"number": order.number})


def return_url(order):
    return reverse("payments:pay-return", kwargs={"number": order.number})


def test_the_pay_page_mounts_the_payment_element_with_the_intent_client_secret(
    shopper_client, order, stripe_api
):
    response = shopper_client.get(pay_url(order), REMOTE_ADDR="203.0.113.9")

    payment = Payment.objects.get()
    intent = stripe_api.intents[payment.provider_payment_id]
    page = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "payments/pay_stripe.html"
    assert (payment.provider, payment.amount, payment.currency, payment.status) == (
        "stripe",
        Decimal("48.99"),
        "USD",
        Payment.Status.CREATED,
    )
    assert payment.idempotency_key.startswith(f"pay-{order.number}-")
    assert stripe_api.sent("POST", "/v1/payment_intents")[0].idempotency_key == payment.idempotency_key
    assert f'data-client-secret="{intent["client_secret"]}"' in page
    assert f'data-publishable-key="{PUBLISHABLE_KEY}"' in page
    assert f'data-return-url="http://testserver{return_url(order)}"' in page
    assert '<div id="payment-element">' in page
    assert STRIPE_JS in page
    assert "js/stripe-payment.js" in page
    # no card fields of ours and no sandbox notice
    assert 'name="number"' not in page
    assert "Sandbox" not in page
    attempt = OrderEvent.objects.get(order=order, kind="payment_attempt")
    assert attempt.data["ip_address"] == "203.0.113.9"


def test_reloading_the_page_reuses_the_open_intent(shopper_client, order, stripe_api):
    shopper_client.get(pay_url(order))
    shopper_client.get(pay_url(order))

    assert Payment.objects.count() == 1
    assert len(stripe_api.sent("POST", "/v1/payment_intents")) == 1


def test_after_a_decline_the_page_says_why_and_the_same_intent_takes_another_card(
    shopper_client, order, stripe_api
):
    shopper_client.get(pay_url(order))
    payment = Payment.objects.get()
    stripe_api.decline_in_browser(payment.provider_payment_id, "generic_decline")

    # Stripe sends the shopper to the return page, which records the decline and sends them back
    back = shopper_client.get(return_url(order), {"payment_intent": payment.provider_payment_id})
    page = shopper_client.get(pay_url(order)).content.decode()

    payment.refresh_from_db()
    assert back.status_code == 302
    assert back.url == pay_url(order)
    assert payment.status == Payment.Status.FAILED
    assert "Your card was declined. Try again, or use another card." in page
    assert Payment.objects.count() == 1
    assert len(stripe_api.sent("POST", "/v1/payment_intents")) == 1


def test_the_return_page_pays_the_order(shopper_client, order, stripe_api):
    shopper_client.get(pay_url(order))
    payment = Payment.objects.get()
    stripe_api.confirm_in_browser(payment.provider_payment_id)

    response = shopper_client.get(
        return_url(order),
        {
            "payment_intent": payment.provider_payment_id,
            "payment_intent_client_secret": "ignored",
            "redirect_status": "succeeded",
        },
        follow=True,
    )

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert f"Thank you, order {order.number} is paid." in response.content.decode()


def test_an_intent_paid_before_its_webhook_arrived_is_recorded_when_the_page_reloads(
    shopper_client, order, stripe_api
):
    shopper_client.get(pay_url(order))
    payment = Payment.objects.get()
    stripe_api.confirm_in_browser(payment.provider_payment_id)

    response = shopper_client.get(pay_url(order))

    order.refresh_from_db()
    assert response.status_code == 302
    assert response.url == order.get_absolute_url()
    assert order.status == Order.Status.PAID
    assert len(stripe_api.sent("POST", "/v1/payment_intents")) == 1


def test_a_cancelled_intent_is_replaced_by_a_new_one(shopper_client, order, stripe_api):
    shopper_client.get(pay_url(order))
    first = Payment.objects.get()
    stripe_api.intents[first.provider_payment_id]["status"] = "canceled"

    shopper_client.get(pay_url(order))

    first.refresh_from_db()
    assert first.status == Payment.Status.CANCELLED
    assert Payment.objects.count() == 2


def test_posting_card_details_to_our_pay_page_charges_nothing(shopper_client, order, stripe_api):
    response = shopper_client.post(pay_url(order), {"number": "4242424242424242", "cvc": "123"})

    assert response.status_code == 302
    assert response.url == pay_url(order)
    assert stripe_api.requests == []


def test_a_stripe_outage_shows_a_message_not_an_error_page(shopper_client, order, stripe_api):
    with override_settings(STRIPE_SECRET_KEY="sk_test_revoked"):
        response = shopper_client.get(pay_url(order))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Card payments are not available right now (Stripe: Invalid API Key provided" in page
    assert STRIPE_JS not in page


def test_an_expired_order_is_refused_without_calling_stripe(shopper_client, order, stripe_api):
    Order.objects.filter(pk=order.pk).update(reserved_until=order.reserved_until.replace(year=2000))

    page = shopper_client.get(pay_url(order)).content.decode()

    assert "was not paid in time" in page
    assert stripe_api.requests == []
    assert STRIPE_JS not in page


def test_without_stripe_keys_the_sandbox_page_stays_and_says_so(shopper_client, order):
    with override_settings(STRIPE_SECRET_KEY="", PAYMENT_PROVIDER=""):
        page = shopper_client.get(pay_url(order)).content.decode()

    assert "Sandbox: no real card is charged" in page
    assert STRIPE_JS not in page


def test_stripe_js_is_loaded_on_no_other_page(client, stripe_api):
    assert STRIPE_JS not in client.get("/").content.decode()
