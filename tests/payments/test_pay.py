from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.lifecycle import order_cancel
from orders.models import Order, OrderEvent, SellerOrder, StockAllocation
from payments.models import Payment, Refund, SandboxPayment, WebhookEvent
from tests.accounts.factories import UserFactory
from tests.payments.conftest import CARDS, card

pytestmark = pytest.mark.django_db


def pay_url(order):
    return reverse("payments:pay", kwargs={"number": order.number})


def test_the_pay_page_needs_a_sign_in(client, order):
    response = client.get(pay_url(order))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={pay_url(order)}"


def test_another_shoppers_order_is_not_found(client, order):
    client.force_login(UserFactory())

    assert client.get(pay_url(order)).status_code == 404
    assert client.post(pay_url(order), card()).status_code == 404
    assert Payment.objects.count() == 0


def test_the_owner_sees_the_total_and_the_sandbox_test_cards(shopper_client, order):
    response = shopper_client.get(pay_url(order))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Sandbox: no real card is charged; use 4242 4242 4242 4242" in content
    assert "<strong>$48.99</strong>" in content
    assert "Pay $48.99" in content
    for number in CARDS.values():
        assert f"<code>{number}</code>" in content


def test_4242_pays_the_order_and_the_webhook_that_follows_changes_nothing(
    shopper_client, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = shopper_client.post(pay_url(order), card(CARDS["success"]), follow=True)

    order.refresh_from_db()
    payment = Payment.objects.get()
    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert f"Payment received: $48.99. Thank you, order {order.number} is paid." in response.content.decode()
    assert order.status == Order.Status.PAID
    assert (payment.status, payment.amount, payment.currency, payment.provider) == (
        Payment.Status.SUCCEEDED,
        Decimal("48.99"),
        "USD",
        "sandbox",
    )
    assert list(SellerOrder.objects.values_list("status", flat=True)) == [SellerOrder.Status.READY_TO_SHIP]
    assert list(StockAllocation.objects.values_list("status", flat=True)) == [
        StockAllocation.Status.COMMITTED
    ]
    event = WebhookEvent.objects.get()
    assert (event.type, event.processed_at is not None) == ("payment_intent.succeeded", True)
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        (CARDS["generic_decline"], "generic_decline", "Your card was declined."),
        (CARDS["insufficient_funds"], "insufficient_funds", "Your card has insufficient funds."),
    ],
)
def test_a_decline_shows_why_and_leaves_the_order_payable(shopper_client, order, number, code, message):
    response = shopper_client.post(pay_url(order), card(number))

    order.refresh_from_db()
    payment = Payment.objects.get()
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (payment.status, payment.failure_code, payment.failure_message) == (
        Payment.Status.FAILED,
        code,
        message,
    )
    assert order.status == Order.Status.PENDING_PAYMENT
    assert list(StockAllocation.objects.values_list("status", flat=True)) == [StockAllocation.Status.RESERVED]

    # then the shopper tries another card: a new attempt, a new payment
    response = shopper_client.post(pay_url(order), card(CARDS["success"]))

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == Order.Status.PAID
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["failed", "succeeded"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"number": "4242 4242 4242 4241"}, "number", "Your card number is incorrect."),
        ({"expiry": "01/20"}, "expiry", "Your card has expired."),
        ({"expiry": "13/30"}, "expiry", "Your card&#x27;s expiration month is invalid."),
        ({"expiry": "1230"}, "expiry", "Enter the expiry date as MM/YY."),
        ({"cvc": "12"}, "cvc", "Your card&#x27;s security code is invalid."),
        ({"cvc": ""}, "cvc", "This field is required."),
    ],
)
def test_card_mistakes_are_shown_on_their_field(shopper_client, order, fields, field, message):
    response = shopper_client.post(pay_url(order), {**card(), **fields})

    content = response.content.decode()
    order.refresh_from_db()
    assert response.status_code == 200
    assert f'<ul class="errorlist" id="id_{field}-errors"><li>{message}</li></ul>' in content
    assert order.status == Order.Status.PENDING_PAYMENT


def test_a_doubled_submit_of_one_attempt_makes_one_payment(shopper_client, order):
    data = card()

    first = shopper_client.post(pay_url(order), data)
    second = shopper_client.post(pay_url(order), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second.url == order.get_absolute_url()
    assert Payment.objects.count() == SandboxPayment.objects.count() == 1
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1


def test_3d_secure_completed_pays_the_order(shopper_client, order):
    response = shopper_client.post(pay_url(order), card(CARDS["3ds"]))
    payment = Payment.objects.get()
    authenticate_url = reverse(
        "payments:sandbox-authenticate", kwargs={"payment_id": payment.provider_payment_id}
    )

    assert response.status_code == 302
    assert response.url == authenticate_url
    assert payment.status == Payment.Status.REQUIRES_ACTION
    page = shopper_client.get(authenticate_url).content.decode()
    assert "Complete authentication" in page
    assert "Fail authentication" in page
    assert "card ending in 3155" in page

    response = shopper_client.post(authenticate_url, {"outcome": "complete"})

    return_url = reverse("payments:pay-return", kwargs={"number": order.number})
    assert response.url == f"{return_url}?payment_intent={payment.provider_payment_id}"
    response = shopper_client.get(response.url, follow=True)
    order.refresh_from_db()
    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert order.status == Order.Status.PAID
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED


def test_3d_secure_failed_leaves_the_order_payable(shopper_client, order):
    shopper_client.post(pay_url(order), card(CARDS["3ds"]))
    payment = Payment.objects.get()
    authenticate_url = reverse(
        "payments:sandbox-authenticate", kwargs={"payment_id": payment.provider_payment_id}
    )

    response = shopper_client.post(authenticate_url, {"outcome": "fail"})
    response = shopper_client.get(response.url, follow=True)

    order.refresh_from_db()
    payment.refresh_from_db()
    assert response.redirect_chain == [(pay_url(order), 302)]
    assert (
        "Your bank could not authenticate this payment. Try again or use another card."
        in response.content.decode()
    )
    assert (payment.status, payment.failure_code) == (
        Payment.Status.FAILED,
        "payment_intent_authentication_failure",
    )
    assert order.status == Order.Status.PENDING_PAYMENT


def test_the_sandbox_bank_page_is_only_for_the_payer(client, shopper_client, order):
    shopper_client.post(pay_url(order), card(CARDS["3ds"]))
    payment = Payment.objects.get()
    url = reverse("payments:sandbox-authenticate", kwargs={"payment_id": payment.provider_payment_id})
    client.force_login(UserFactory())

    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "complete"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_ACTION


def test_paying_a_cancelled_order_is_refused(shopper_client, order, shopper):
    order_cancel(order=order, actor=shopper, reason="Changed my mind.")

    page = shopper_client.get(pay_url(order)).content.decode()
    response = shopper_client.post(pay_url(order), card())

    message = f"Order {order.number} was cancelled, so it can no longer be paid."
    assert message in page
    assert 'name="number"' not in page
    assert message in response.content.decode()
    assert Payment.objects.count() == SandboxPayment.objects.count() == 0


def test_paying_an_expired_order_is_refused(shopper_client, order):
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() - timedelta(minutes=1))

    response = shopper_client.post(pay_url(order), card())

    assert f"Order {order.number} was not paid in time" in response.content.decode()
    assert Payment.objects.count() == 0


def test_money_taken_after_the_reservation_expired_is_refunded_at_once(shopper_client, order):
    # given a shopper in the middle of 3-D Secure when the reservation runs out
    shopper_client.post(pay_url(order), card(CARDS["3ds"]))
    payment = Payment.objects.get()
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() - timedelta(seconds=1))
    authenticate_url = reverse(
        "payments:sandbox-authenticate", kwargs={"payment_id": payment.provider_payment_id}
    )

    # when the authentication completes
    response = shopper_client.post(authenticate_url, {"outcome": "complete"})
    response = shopper_client.get(response.url, follow=True)

    # then the charge is refunded and the shopper told so
    order.refresh_from_db()
    payment.refresh_from_db()
    refund = Refund.objects.get()
    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert (
        f"Order {order.number} was not paid in time and its items were released. "
        "We refunded the $48.99 we charged to your card straight away."
    ) in response.content.decode()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert payment.status == Payment.Status.REFUNDED
    assert (refund.amount, refund.idempotency_key) == (
        Decimal("48.99"),
        f"unpayable-{payment.provider_payment_id}",
    )
    assert list(SandboxPayment.objects.get().refunds.values_list("amount_minor", flat=True)) == [4899]
