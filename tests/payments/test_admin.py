from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import Payment, Refund, WebhookEvent
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def make_rows(order, count, start=0):
    for index in range(start, start + count):
        payment = Payment.objects.create(
            order=order,
            provider="sandbox",
            provider_payment_id=f"pi_sb_{index}",
            amount=Decimal("48.99"),
            currency="USD",
            status=Payment.Status.REFUNDED,
            idempotency_key=f"key-{index}",
        )
        Refund.objects.create(
            payment=payment,
            amount=Decimal("48.99"),
            reason="Test",
            provider_refund_id=f"re_sb_{index}",
            idempotency_key=f"refund-{index}",
        )
        WebhookEvent.objects.create(
            provider="sandbox", event_id=f"evt_sb_{index}", type="payment_intent.succeeded"
        )


@pytest.mark.parametrize("model", ["payment", "refund", "webhookevent"])
def test_admin_lists_use_the_same_queries_for_3_and_30_rows(
    staff_client, order, model, django_assert_max_num_queries
):
    url = reverse(f"admin:payments_{model}_changelist")
    make_rows(order, 3)
    staff_client.get(url)  # warm the navigation cache
    with django_assert_max_num_queries(100) as few:
        assert staff_client.get(url).status_code == 200
    make_rows(order, 27, start=3)
    with django_assert_max_num_queries(100) as many:
        response = staff_client.get(url)

    assert response.status_code == 200
    assert "30 " in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_payment_records_are_read_only_in_the_admin(staff_client, order):
    make_rows(order, 1)
    payment = Payment.objects.get()

    add = staff_client.get(reverse("admin:payments_payment_add"))
    change = staff_client.post(
        reverse("admin:payments_payment_change", args=[payment.pk]), {"status": "succeeded"}
    )
    delete = staff_client.post(reverse("admin:payments_payment_delete", args=[payment.pk]), {"post": "yes"})

    payment.refresh_from_db()
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert payment.status == Payment.Status.REFUNDED
