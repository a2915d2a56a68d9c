"""Screening on the payment success path: held orders reach no seller until staff approve them."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from fulfillment.models import Stock
from marketplace.core import events
from marketplace.core.errors import ApplicationError
from marketplace.core.models import OutboxEvent
from orders.models import Order, OrderEvent, SellerOrder, StockAllocation
from payments.fraud import card_fingerprint_for_number, fraud_approve, fraud_reject
from payments.models import FraudAssessment, LedgerEntry, Payment, Refund, SandboxRefund
from payments.providers.sandbox import SIGNATURE_HEADER, SandboxProvider, sign
from payments.services import payment_confirm, payment_start, webhook_receive
from tests.accounts.factories import UserFactory
from tests.payments.conftest import CARDS, card, order_create, payment_method

pytestmark = pytest.mark.django_db

OS = Order.Status
SS = SellerOrder.Status
WATCHED = ["order.paid", "order.released", "order.on_hold", "order.cancelled", "seller_order.ready_to_ship"]


@pytest.fixture
def emitted():
    """Domain events emitted during the test, in order."""
    seen = []
    saved = {name: list(handlers) for name, handlers in events._handlers.items()}
    for name in WATCHED:
        events.subscribe(name, lambda _name=name, **payload: seen.append(_name))
    yield seen
    events._handlers.clear()
    events._handlers.update(saved)


@pytest.fixture
def strict(settings):
    """A billing country other than the shipping one is enough to hold an order."""
    settings.FRAUD_HOLD_SCORE = 20


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True, email="reviewer@example.com")


def pay(order, *, billing_country="", ip="198.51.100.9", number=CARDS["success"]):
    payment = payment_start(order=order, idempotency_key=f"pay-{order.number}-{number[-4:]}")
    return payment_confirm(
        payment=payment, payment_method=payment_method(number), ip_address=ip, billing_country=billing_country
    ).payment


@pytest.fixture
def held(order, strict, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pay(order, billing_country="FR")
    order.refresh_from_db()
    return order


def test_a_normal_payment_is_screened_and_released(shopper_client, order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shopper_client.post(reverse("payments:pay", kwargs={"number": order.number}), card())

    order.refresh_from_db()
    assessment = FraudAssessment.objects.get(order=order)
    assert order.status == OS.PAID
    assert (assessment.score, assessment.decision, assessment.ip_address) == (
        0,
        FraudAssessment.Decision.RELEASED,
        "127.0.0.1",
    )
    assert assessment.card_fingerprint == card_fingerprint_for_number(CARDS["success"])
    assert list(SellerOrder.objects.values_list("status", flat=True)) == [SS.READY_TO_SHIP]


def test_a_held_order_reaches_no_seller(order, strict, emitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(order, billing_country="FR")

    order.refresh_from_db()
    assessment = FraudAssessment.objects.get(order=order)
    assert order.status == OS.ON_HOLD
    assert order.paid_at is None
    assert payment.status == Payment.Status.SUCCEEDED
    assert (assessment.score, assessment.decision) == (20, FraudAssessment.Decision.HELD)
    assert assessment.reasons == [
        {
            "rule": "country_mismatch",
            "points": 20,
            "reason": "Billing country FR differs from shipping country US.",
        }
    ]
    # Captured and committed, but the sellers' parts still wait.
    assert list(SellerOrder.objects.values_list("status", flat=True)) == [SS.PENDING_PAYMENT]
    assert list(StockAllocation.objects.values_list("status", flat=True)) == [
        StockAllocation.Status.COMMITTED
    ]
    assert emitted == ["order.on_hold"]
    assert not OutboxEvent.objects.filter(name__in=["order.paid", "order.released"]).exists()
    assert LedgerEntry.objects.count() == 0
    assert mail.outbox == []
    # The webhook that followed (delivered on commit) changed nothing.
    assert OrderEvent.objects.filter(order=order, kind=OS.ON_HOLD).count() == 1


def test_the_shopper_sees_the_hold_and_cannot_pay_again(
    shopper_client, order, strict, django_capture_on_commit_callbacks
):
    url = reverse("payments:pay", kwargs={"number": order.number})
    with django_capture_on_commit_callbacks(execute=True):
        response = shopper_client.post(url, {**card(), "billing_country": "fr"}, follow=True)

    content = response.content.decode()
    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert (
        f"Payment received: $48.99. Order {order.number} is on hold while we review it; "
        "we will e-mail you as soon as it is confirmed."
    ) in content
    assert "On hold for review" in content
    assert shopper_client.get(url).url == order.get_absolute_url()
    assert Payment.objects.count() == 1


def test_a_replayed_success_keeps_the_order_on_hold(held):
    payment = Payment.objects.get(order=held)
    provider = SandboxProvider()
    body = provider.event_payload(
        event_type="payment_intent.succeeded", payment_id=payment.provider_payment_id
    )

    webhook_receive(provider_name="sandbox", payload=body, headers={SIGNATURE_HEADER: sign(body)})

    held.refresh_from_db()
    assert held.status == OS.ON_HOLD
    assert FraudAssessment.objects.count() == 1
    assert OrderEvent.objects.filter(order=held, kind=OS.ON_HOLD).count() == 1


def test_a_webhook_after_3d_secure_screens_with_what_the_shopper_confirmed(
    order, strict, django_capture_on_commit_callbacks
):
    payment = pay(order, billing_country="FR", number=CARDS["3ds"])
    assert payment.status == Payment.Status.REQUIRES_ACTION

    with django_capture_on_commit_callbacks(execute=True):
        SandboxProvider().authenticate(payment_id=payment.provider_payment_id, succeed=True)

    order.refresh_from_db()
    assessment = FraudAssessment.objects.get(order=order)
    assert order.status == OS.ON_HOLD
    assert (assessment.ip_address, assessment.score) == ("198.51.100.9", 20)
    assert assessment.card_fingerprint == card_fingerprint_for_number(CARDS["3ds"])


def test_approve_releases_the_order_to_the_sellers(held, staff, emitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assessment = fraud_approve(order=held, actor=staff)

    held.refresh_from_db()
    assert held.status == OS.PAID
    assert held.paid_at is not None
    assert (assessment.decision, assessment.decided_by) == (FraudAssessment.Decision.APPROVED, staff)
    assert assessment.decided_at is not None
    assert list(SellerOrder.objects.values_list("status", flat=True)) == [SS.READY_TO_SHIP]
    assert emitted == ["seller_order.ready_to_ship", "order.paid", "order.released"]
    released = OutboxEvent.objects.get(name="order.released")
    assert released.payload == {
        "order_id": held.pk,
        "payment_reference": Payment.objects.get().provider_payment_id,
    }
    assert [message.to for message in mail.outbox] == [[held.user.email]]
    assert held.number in mail.outbox[0].subject
    # The ledger credits the seller once, although both order.paid and order.released arrived.
    assert sorted(LedgerEntry.objects.values_list("kind", flat=True)) == ["commission", "sale"]


def test_a_released_order_ignores_a_replayed_success(held, staff):
    fraud_approve(order=held, actor=staff)
    payment = Payment.objects.get()
    body = SandboxProvider().event_payload(
        event_type="payment_intent.succeeded", payment_id=payment.provider_payment_id
    )

    webhook_receive(provider_name="sandbox", payload=body, headers={SIGNATURE_HEADER: sign(body)})

    held.refresh_from_db()
    assert held.status == OS.PAID
    assert Refund.objects.count() == 0
    assert OrderEvent.objects.filter(order=held, kind=OS.PAID).count() == 1


def test_an_order_is_decided_once(held, staff):
    fraud_approve(order=held, actor=staff)

    with pytest.raises(ApplicationError) as refused:
        fraud_reject(order=held, actor=staff, reason="Too late")
    assert refused.value.message == f"Order {held.number} is not waiting for review (approved by staff)."


def test_a_released_order_cannot_be_approved(order, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)

    with pytest.raises(ApplicationError) as refused:
        fraud_approve(order=order, actor=staff)
    assert refused.value.message == f"Order {order.number} is not waiting for review (released)."


def test_reject_refunds_in_full_and_releases_the_stock(
    held, staff, emitted, django_capture_on_commit_callbacks
):
    stock = Stock.objects.get()
    assert stock.reserved == 2

    with django_capture_on_commit_callbacks(execute=True):
        assessment = fraud_reject(order=held, actor=staff, reason="Stolen card reported")

    held.refresh_from_db()
    payment = Payment.objects.get()
    refund = Refund.objects.get()
    assert (held.status, held.cancel_reason) == (OS.CANCELLED, "Stolen card reported")
    assert (assessment.decision, assessment.decided_by) == (FraudAssessment.Decision.REJECTED, staff)
    assert (refund.amount, refund.idempotency_key, refund.created_by) == (
        Decimal("48.99"),
        f"fraud-reject-{held.number}",
        staff,
    )
    assert payment.status == Payment.Status.REFUNDED
    assert SandboxRefund.objects.get().amount_minor == 4899
    assert Stock.objects.get().reserved == 0
    assert list(StockAllocation.objects.values_list("status", flat=True)) == [StockAllocation.Status.RELEASED]
    assert list(SellerOrder.objects.values_list("status", flat=True)) == [SS.CANCELLED]
    assert "order.paid" not in emitted and "order.released" not in emitted
    assert "order.cancelled" in emitted
    # No seller was credited, so none is debited.
    assert LedgerEntry.objects.count() == 0
    # The cancellation handler found nothing left to refund; the shopper got one e-mail.
    assert [message.to for message in mail.outbox] == [[held.user.email]]


def test_the_admin_queue_lists_held_orders_with_their_reasons(held, client, staff):
    other = order_create(user=UserFactory())
    FraudAssessment.objects.create(
        order=other, score=0, reasons=[], decision=FraudAssessment.Decision.RELEASED
    )
    client.force_login(staff)

    response = client.get(reverse("admin:payments_fraudassessment_changelist"))

    content = response.content.decode()
    assert response.status_code == 200
    assert held.number in content
    assert other.number not in content
    assert "<li>+20 Billing country FR differs from shipping country US.</li>" in content


def _held_rows(count):
    for _ in range(count):
        FraudAssessment.objects.create(
            order=order_create(user=UserFactory()),
            score=60,
            reasons=[{"rule": "repeated_declines", "points": 60, "reason": "Declines."}],
            decision=FraudAssessment.Decision.HELD,
        )


def test_the_admin_queue_uses_the_same_queries_for_3_and_30_rows(
    client, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    url = reverse("admin:payments_fraudassessment_changelist")
    _held_rows(3)
    client.get(url)  # warm the navigation cache
    with django_assert_max_num_queries(100) as few:
        assert client.get(url).status_code == 200
    _held_rows(27)
    client.get(url)  # new categories: warm the navigation cache again
    with django_assert_max_num_queries(100) as many:
        response = client.get(url)

    assert "30 fraud assessments" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_staff_approve_from_the_admin(held, client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    assessment = FraudAssessment.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:payments_fraudassessment_changelist"),
            {"action": "approve", "_selected_action": [assessment.pk]},
            follow=True,
        )

    held.refresh_from_db()
    assert held.status == OS.PAID
    assert f"Approved 1: {held.number}." in response.content.decode()


def test_staff_reject_from_the_admin_asks_for_a_reason(
    held, client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    url = reverse("admin:payments_fraudassessment_changelist")
    assessment = FraudAssessment.objects.get()

    asked = client.post(url, {"action": "reject", "_selected_action": [assessment.pk]})
    assert "Reject and refund" in asked.content.decode()
    held.refresh_from_db()
    assert held.status == OS.ON_HOLD

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"action": "reject", "_selected_action": [assessment.pk], "apply": "1", "reason": "Mule account"},
            follow=True,
        )

    held.refresh_from_db()
    assert (held.status, held.cancel_reason) == (OS.CANCELLED, "Mule account")
    assert f"Rejected 1: {held.number}." in response.content.decode()
    assert Refund.objects.get().amount == Decimal("48.99")
