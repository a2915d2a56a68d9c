"""The staff "Refund…" action on payments and its form."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from payments.models import Payment, Refund, RefundAllocation
from payments.services import payment_start
from tests.accounts.factories import UserFactory
from tests.payments.test_refunds_create import paid_two_seller_order, two_seller_order

pytestmark = pytest.mark.django_db

D = Decimal
CHANGELIST = "admin:payments_payment_changelist"


@pytest.fixture
def staff_user():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def paid():
    return paid_two_seller_order()


def form_url(payment):
    return reverse("admin:payments_payment_refund", args=[payment.pk])


def form_data(response, **values):
    """The form's initial hidden key plus ``values`` (what a person types)."""
    key = response.context["form"]["idempotency_key"].value()
    return {"idempotency_key": key, "amount": "", "reason": "Damaged in transit.", **values}


def test_the_action_opens_the_refund_form_of_one_payment(staff_client, paid):
    _, payment = paid

    response = staff_client.post(
        reverse(CHANGELIST), {"action": "refund", "_selected_action": [payment.pk], "index": 0}
    )

    assert response.status_code == 302
    assert response.url == form_url(payment)


def test_the_action_refuses_several_payments_at_once(staff_client, paid):
    _, payment = paid
    _, other = paid_two_seller_order()

    response = staff_client.post(
        reverse(CHANGELIST), {"action": "refund", "_selected_action": [payment.pk, other.pk]}, follow=True
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Choose one payment to refund."]
    assert Refund.objects.count() == 0


def test_the_form_shows_captured_refunded_and_remaining(staff_client, paid):
    placed, payment = paid
    staff_client.post(
        form_url(payment),
        form_data(staff_client.get(form_url(payment)), amount="10.00", reason="Late."),
    )

    response = staff_client.get(form_url(payment))

    assert response.status_code == 200
    position = response.context["position"]
    assert (position.captured, position.refunded, position.remaining) == (D("86.19"), D("10.00"), D("76.19"))
    body = response.content.decode()
    assert '<td class="captured">$86.19</td>' in body
    assert '<td class="refunded">$10.00</td>' in body
    assert "<strong>$76.19</strong>" in body
    assert f'name="line_{placed.a1.pk}"' in body
    assert "$10.83" in body  # one unit of a1 with its tax


def test_a_partial_refund_by_amount_from_the_form(staff_client, staff_user, paid):
    placed, payment = paid
    page = staff_client.get(form_url(payment))

    response = staff_client.post(form_url(payment), form_data(page, amount="50.00"), follow=True)

    refund = Refund.objects.get()
    assert response.redirect_chain == [(reverse("admin:payments_payment_change", args=[payment.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Refunded $50.00 of order {placed.order.number} ({refund.provider_refund_id})."
    ]
    assert (refund.amount, refund.reason, refund.created_by) == (
        D("50.00"),
        "Damaged in transit.",
        staff_user,
    )
    assert sorted(RefundAllocation.objects.values_list("amount", flat=True)) == [D("24.89"), D("25.11")]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED


def test_a_refund_per_line_from_the_form_and_a_doubled_submit(staff_client, paid):
    placed, payment = paid
    data = form_data(staff_client.get(form_url(payment)), **{f"line_{placed.a1.pk}": "2"})

    first = staff_client.post(form_url(payment), data)
    second = staff_client.post(form_url(payment), data)

    assert first.status_code == second.status_code == 302
    assert list(Refund.objects.values_list("amount", flat=True)) == [D("21.67")]


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"amount": "86.20"}, "Only $86.19 of this payment can still be refunded."),
        ({"amount": "-5"}, "A refund must be more than zero."),
        ({"amount": "0"}, "A refund must be more than zero."),
        ({}, "Give an amount or a quantity for at least one line."),
        ({"amount": "5.00", "line": "1"}, "Give either an amount or quantities per line, not both."),
        ({"line": "4"}, "Only 3 of “{title}” can still be refunded (3 bought, 0 refunded)."),
        ({"line": "-1"}, "Each quantity to refund must be a whole number of at least 1."),
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(staff_client, paid, values, error):
    placed, payment = paid
    page = staff_client.get(form_url(payment))
    if "line" in values:
        values[f"line_{placed.a1.pk}"] = values.pop("line")

    response = staff_client.post(form_url(payment), form_data(page, **values))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [error.format(title=placed.a1.title)]
    assert Refund.objects.count() == 0


def test_missing_reason_and_a_malformed_amount_are_field_errors(staff_client, paid):
    _, payment = paid
    page = staff_client.get(form_url(payment))

    response = staff_client.post(form_url(payment), form_data(page, amount="ten", reason=""))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "amount": ["Enter a number."],
        "reason": ["This field is required."],
    }
    assert Refund.objects.count() == 0


def test_an_unpaid_order_is_refused_on_the_form(staff_client):
    placed = two_seller_order(user=UserFactory())
    started = payment_start(order=placed.order, idempotency_key="pay-admin-unpaid")
    page = staff_client.get(form_url(started))

    response = staff_client.post(form_url(started), form_data(page, amount="1.00"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"Order {placed.order.number} is not paid yet, so there is nothing to refund."
    ]
    assert page.context["position"].remaining == D("0.00")
    assert Refund.objects.count() == 0


def test_staff_without_the_refund_permission_cannot_refund(client, paid):
    _, payment = paid
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_payment"))
    client.force_login(viewer)

    changelist = client.get(reverse(CHANGELIST))
    page = client.get(form_url(payment))

    assert changelist.status_code == 200
    action_form = changelist.context["action_form"]
    assert "refund" not in (dict(action_form.fields["action"].choices) if action_form else {})
    assert page.status_code == 403
