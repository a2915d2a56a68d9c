"""Refund statuses and refund events from Stripe: a refund that fails later is corrected (issue 14, 7).

Each body is signed as Stripe signs it and posted to the webhook; the refund
moves at the fake Stripe (``refund_settle``) as the card network moves it.
"""
# ruff: noqa: F811 (the stripe_api fixture is imported, then requested by name)

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission

from marketplace.accounts.models import OutboundEmail
from marketplace.core import events
from marketplace.core.models import OutboxEvent
from orders.models import OrderEvent
from payments.ledger import ledger_balance
from payments.models import LedgerEntry, Payment, Refund, RefundAllocation, WebhookEvent
from payments.providers.base import ProviderError
from payments.providers.stripe import StripeProvider
from payments.refunds import RefundRefused, refund_create, refund_position
from payments.stripe_checkout import payment_element_start
from tests.accounts.factories import UserFactory
from tests.payments.ledger_data import dispatch
from tests.payments.stripe_fixtures import (
    charge,
    event,
    payment_intent,
    refund,
    refund_with_status,
    sign,
    stripe_api,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

D = Decimal
WEBHOOK_URL = "/pay/stripe/webhook/"
RS = Refund.Status


def deliver(client, payload: bytes):
    response = client.post(
        WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload)
    )
    assert response.status_code == 200, response.content
    return response


@pytest.fixture
def refund_staff(db):
    """Who is told of a failed refund: staff who may refund (directly, by group, superusers), no one else."""
    permission = Permission.objects.get(content_type__app_label="payments", codename="add_refund")
    direct = UserFactory(email="refunds@example.com", is_staff=True)
    direct.user_permissions.add(permission)
    finance = Group.objects.create(name="Finance")
    finance.permissions.add(permission)
    grouped = UserFactory(email="finance@example.com", is_staff=True)
    grouped.groups.add(finance)
    boss = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    UserFactory(email="catalog@example.com", is_staff=True)  # staff without the permission
    UserFactory(email="former@example.com", is_staff=True, is_active=False).user_permissions.add(permission)
    outsider = UserFactory(email="outsider@example.com")  # not staff, permission or not
    outsider.user_permissions.add(permission)
    return [direct.email, grouped.email, boss.email]


@pytest.fixture
def paid(client, order, stripe_api):
    """The order paid in the Payment Element and its sale posted to the seller's ledger."""
    payment = payment_element_start(order=order).payment
    deliver(
        client, event("payment_intent.succeeded", stripe_api.confirm_in_browser(payment.provider_payment_id))
    )
    dispatch()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    return payment


def seller_of(payment):
    return payment.order.seller_orders.get().seller


def pending_refund(payment, stripe_api, amount="10.00", key="staff-1") -> Refund:
    """Staff refund ``amount`` from the admin; Stripe takes it as ``pending`` (most card refunds)."""
    stripe_api.refund_status = "pending"
    made = refund_create(
        payment=payment, amount=D(amount), reason="Damaged box", actor=None, idempotency_key=key
    )
    dispatch()  # refund.created: the ledger debits the seller
    return made


def failure_emails():
    return [e.payload for e in OutboundEmail.objects.order_by("pk") if "refund of" in e.payload["subject"]]


# -- statuses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stripe_status", "ours", "failure_reason"),
    [
        ("pending", RS.PENDING, ""),
        ("requires_action", RS.PENDING, ""),
        ("succeeded", RS.SUCCEEDED, ""),
        ("failed", RS.FAILED, "unknown"),
        ("canceled", RS.FAILED, "merchant_request"),
    ],
)
def test_each_stripe_refund_status_maps_to_ours(stripe_status, ours, failure_reason):
    intent = payment_intent(amount=4899, currency="usd", order_number="T1", status="succeeded")
    obj = refund_with_status(refund(charge_obj=charge(intent=intent), amount=1000), stripe_status)

    mapped = StripeProvider(api_key="sk_test_x").refund_from_object(obj)

    assert (mapped.status, mapped.failure_reason, mapped.amount, mapped.payment_id) == (
        ours,
        failure_reason,
        D("10.00"),
        intent["id"],
    )


def test_a_canceled_refund_without_a_reason_says_canceled():
    intent = payment_intent(amount=4899, currency="usd", order_number="T1", status="succeeded")
    obj = {**refund_with_status(refund(charge_obj=charge(intent=intent), amount=1000), "canceled")}
    obj["failure_reason"] = None

    assert StripeProvider(api_key="sk_test_x").refund_from_object(obj).failure_reason == "canceled"


def test_a_refund_stripe_takes_as_pending_is_recorded_pending(paid, stripe_api):
    made = pending_refund(paid, stripe_api)

    paid.refresh_from_db()
    assert (made.status, made.failed_at) == (RS.PENDING, None)
    assert paid.status == Payment.Status.PARTIALLY_REFUNDED
    assert refund_position(payment=paid).remaining == D("38.99")  # a pending refund is on its way


# -- a pending refund that fails -------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "status", "reason"),
    [
        ("refund.failed", "failed", "expired_or_canceled_card"),
        ("refund.updated", "failed", "lost_or_stolen_card"),
        ("charge.refund.updated", "failed", "declined"),
        ("refund.updated", "canceled", "merchant_request"),
    ],
)
def test_a_pending_refund_that_fails_is_corrected_in_full(
    client, paid, stripe_api, refund_staff, event_type, status, reason
):
    # given a refund of $10.00 that Stripe took as pending, debited from the seller
    seller = seller_of(paid)
    before = ledger_balance(seller=seller)
    made = pending_refund(paid, stripe_api)
    assert ledger_balance(seller=seller) < before

    # when the card network refuses it
    deliver(client, event(event_type, stripe_api.refund_settle(made.provider_refund_id, status, reason)))
    dispatch()  # refund.failed: the ledger reverses the debits

    made.refresh_from_db()
    paid.refresh_from_db()
    assert (made.status, made.failure_reason, made.failed_at is not None) == (RS.FAILED, reason, True)
    assert paid.status == Payment.Status.SUCCEEDED
    assert refund_position(payment=paid).remaining == D("48.99")
    # the ledger: new entries reversing the refund's, never an edit; the balance is back
    assert ledger_balance(seller=seller) == before
    entries = list(LedgerEntry.objects.filter(refund=made).order_by("pk").values_list("key", "amount"))
    allocation = RefundAllocation.objects.get(refund=made).pk
    debit, commission_back = entries[0][1], entries[1][1]
    assert entries == [
        (f"refund:{allocation}", debit),
        (f"commission-back:{allocation}", commission_back),
        (f"reversal:refund:{allocation}", -debit),
        (f"reversal:commission-back:{allocation}", -commission_back),
    ]
    # the order's audit trail, and the staff who can refund are told once
    audit = OrderEvent.objects.get(order=paid.order, kind="refund_failed")
    assert audit.message == (
        f"Refund {made.provider_refund_id} of $10.00 failed at stripe ({reason}): "
        "the shopper got nothing back. Staff were told."
    )
    assert (audit.data["refund_id"], audit.data["amount"]) == (made.pk, "10.00")
    (email,) = failure_emails()
    assert email["to"] == refund_staff
    assert email["subject"] == f"Marketplace: a refund of $10.00 on order {paid.order.number} failed"
    assert made.provider_refund_id in email["body"]
    assert f"Why it failed: {reason}" in email["body"]
    assert f"/admin/payments/payment/{paid.pk}/change/" in email["body"]


def test_a_full_refund_that_fails_leaves_the_payment_succeeded_and_refundable_again(
    client, paid, stripe_api, refund_staff
):
    seller = seller_of(paid)
    before = ledger_balance(seller=seller)
    made = pending_refund(paid, stripe_api, amount="48.99")
    paid.refresh_from_db()
    assert paid.status == Payment.Status.REFUNDED

    deliver(client, event("refund.failed", stripe_api.refund_settle(made.provider_refund_id, "failed")))
    dispatch()
    stripe_api.refund_status = "succeeded"
    again = refund_create(
        payment=paid, amount=D("48.99"), reason="Second try", actor=None, idempotency_key="staff-2"
    )
    dispatch()

    paid.refresh_from_db()
    assert paid.status == Payment.Status.REFUNDED
    assert again.status == RS.SUCCEEDED
    # the sale, the failed refund and its reversal, then a full refund that went through: all square
    assert before > 0
    assert ledger_balance(seller=seller) == D("0.00")


def test_a_refund_that_settles_is_marked_succeeded_and_nothing_else_changes(
    client, paid, stripe_api, refund_staff
):
    made = pending_refund(paid, stripe_api)
    balance = ledger_balance(seller=seller_of(paid))

    deliver(
        client, event("refund.updated", stripe_api.refund_settle(made.provider_refund_id, "requires_action"))
    )
    made.refresh_from_db()
    assert made.status == RS.PENDING
    deliver(client, event("refund.updated", stripe_api.refund_settle(made.provider_refund_id, "succeeded")))

    made.refresh_from_db()
    paid.refresh_from_db()
    assert made.status == RS.SUCCEEDED
    assert paid.status == Payment.Status.PARTIALLY_REFUNDED
    assert dispatch() == 0
    assert ledger_balance(seller=seller_of(paid)) == balance
    assert failure_emails() == []
    assert not OrderEvent.objects.filter(kind="refund_failed").exists()


def test_a_refund_that_succeeded_and_then_failed_is_corrected(client, paid, stripe_api, refund_staff):
    seller = seller_of(paid)
    before = ledger_balance(seller=seller)
    made = pending_refund(paid, stripe_api)
    deliver(client, event("refund.updated", stripe_api.refund_settle(made.provider_refund_id, "succeeded")))

    deliver(client, event("refund.failed", stripe_api.refund_settle(made.provider_refund_id, "failed")))
    dispatch()

    made.refresh_from_db()
    assert made.status == RS.FAILED
    assert ledger_balance(seller=seller) == before


# -- the same event again, and events out of order -------------------------------------------


def test_a_failure_delivered_again_or_reported_twice_is_corrected_once(
    client, paid, stripe_api, refund_staff
):
    seller = seller_of(paid)
    before = ledger_balance(seller=seller)
    made = pending_refund(paid, stripe_api)
    failed = stripe_api.refund_settle(made.provider_refund_id, "failed", "expired_or_canceled_card")
    failure = event("refund.failed", failed)

    deliver(client, failure)
    deliver(client, failure)  # Stripe's retry of the same event
    deliver(client, event("refund.updated", failed))  # the same change, another event
    deliver(client, event("charge.refund.updated", failed))
    deliver(client, event("charge.refunded", stripe_api.charge_of(paid.provider_payment_id)))
    dispatch()
    # the outbox delivers refund.failed again (at least once)
    events.outbox_dispatch(event_id=OutboxEvent.objects.get(name="refund.failed").pk)

    assert WebhookEvent.objects.filter(type__in=["refund.failed", "refund.updated"]).count() == 2
    assert OrderEvent.objects.filter(order=paid.order, kind="refund_failed").count() == 1
    assert OutboxEvent.objects.filter(name="refund.failed").count() == 1
    assert len(failure_emails()) == 1
    assert LedgerEntry.objects.filter(refund=made).count() == 4
    assert ledger_balance(seller=seller) == before


def test_a_success_or_pending_arriving_after_the_failure_changes_nothing(
    client, paid, stripe_api, refund_staff
):
    made = pending_refund(paid, stripe_api)
    pending = dict(stripe_api.refunds[made.provider_refund_id])
    succeeded = refund_with_status(pending, "succeeded")
    failed = stripe_api.refund_settle(made.provider_refund_id, "failed")

    deliver(client, event("refund.failed", failed))
    deliver(client, event("refund.updated", succeeded))  # older news, delivered late
    deliver(client, event("refund.created", pending))
    deliver(client, event("charge.refund.updated", succeeded))

    made.refresh_from_db()
    paid.refresh_from_db()
    assert made.status == RS.FAILED
    assert paid.status == Payment.Status.SUCCEEDED
    assert Refund.objects.count() == 1
    assert OrderEvent.objects.filter(order=paid.order, kind="refund_failed").count() == 1


def test_a_pending_report_after_the_success_keeps_it_succeeded(client, paid, stripe_api):
    made = pending_refund(paid, stripe_api)
    pending = dict(stripe_api.refunds[made.provider_refund_id])

    deliver(client, event("refund.updated", stripe_api.refund_settle(made.provider_refund_id, "succeeded")))
    deliver(client, event("refund.updated", pending))

    made.refresh_from_db()
    assert made.status == RS.SUCCEEDED


def test_a_failure_handled_by_the_ledger_before_the_refund_itself_still_nets_to_zero(
    client, paid, stripe_api, refund_staff
):
    # given a refund that fails before the outbox posted its debits
    seller = seller_of(paid)
    before = ledger_balance(seller=seller)
    stripe_api.refund_status = "pending"
    made = refund_create(payment=paid, amount=D("10.00"), reason="Damaged", actor=None, idempotency_key="k")
    deliver(client, event("refund.failed", stripe_api.refund_settle(made.provider_refund_id, "failed")))

    # when the outbox runs refund.failed first, then refund.created
    events.outbox_dispatch(event_id=OutboxEvent.objects.get(name="refund.failed").pk)
    dispatch()

    assert LedgerEntry.objects.filter(refund=made).count() == 4
    assert ledger_balance(seller=seller) == before


# -- refunds made in the dashboard ------------------------------------------------------


def test_a_dashboard_refund_is_recorded_from_refund_created_and_settles(client, paid, stripe_api):
    made = stripe_api.refund_in_dashboard(paid.provider_payment_id, 899, status="pending")

    deliver(client, event("refund.created", made))
    deliver(client, event("refund.updated", stripe_api.refund_settle(made["id"], "succeeded")))

    recorded = Refund.objects.get()
    paid.refresh_from_db()
    assert (recorded.provider_refund_id, recorded.amount, recorded.status, recorded.reason) == (
        made["id"],
        D("8.99"),
        RS.SUCCEEDED,
        "Refunded in Stripe.",
    )
    assert paid.status == Payment.Status.PARTIALLY_REFUNDED
    assert RefundAllocation.objects.get(refund=recorded).amount == D("8.99")


def test_a_dashboard_refund_first_heard_of_as_failed_is_recorded_failed_and_a_stale_report_cannot_revive_it(
    client, paid, stripe_api, refund_staff
):
    made = stripe_api.refund_in_dashboard(paid.provider_payment_id, 899, status="pending")
    pending = dict(made)

    deliver(client, event("refund.failed", stripe_api.refund_settle(made["id"], "failed", "declined")))
    deliver(client, event("refund.created", pending))  # the creation's event arrives last
    deliver(client, event("charge.refunded", stripe_api.charge_of(paid.provider_payment_id)))
    dispatch()

    recorded = Refund.objects.get()
    paid.refresh_from_db()
    assert (recorded.provider_refund_id, recorded.status, recorded.failure_reason) == (
        made["id"],
        RS.FAILED,
        "declined",
    )
    assert paid.status == Payment.Status.SUCCEEDED
    assert not RefundAllocation.objects.exists()
    assert not LedgerEntry.objects.filter(refund=recorded).exists()
    assert OrderEvent.objects.filter(order=paid.order, kind="refund_failed").count() == 1
    assert len(failure_emails()) == 1


def test_our_refund_replayed_by_stripe_after_it_failed_is_refused_not_counted(client, paid, stripe_api):
    # given our refund's answer was lost, and Stripe's webhook told us it failed meanwhile
    stripe_api.refund_status = "pending"
    stripe_api.lose_next_answer()
    with pytest.raises(ProviderError, match="timed out"):
        refund_create(payment=paid, amount=D("10.00"), reason="Late", actor=None, idempotency_key="late-1")
    (made,) = stripe_api.refunds
    deliver(client, event("refund.failed", stripe_api.refund_settle(made, "failed", "declined")))

    # when staff retry with the same key, Stripe replays its answer (pending): it is not a refund
    with pytest.raises(RefundRefused, match=r"stripe refused the refund of \$10.00 \(declined\)"):
        refund_create(payment=paid, amount=D("10.00"), reason="Late", actor=None, idempotency_key="late-1")

    paid.refresh_from_db()
    assert paid.status == Payment.Status.SUCCEEDED
    assert list(Refund.objects.values_list("provider_refund_id", "status")) == [(made, RS.FAILED)]


# -- what does not fit ---------------------------------------------------------------


def test_a_refund_event_with_a_status_we_do_not_know_is_a_400_and_changes_nothing(client, paid, stripe_api):
    made = pending_refund(paid, stripe_api)
    obj = {**stripe_api.refunds[made.provider_refund_id], "status": "exploded"}
    payload = event("refund.updated", obj)

    response = client.post(
        WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload)
    )

    assert (response.status_code, response.json()) == (
        400,
        {"error": "Malformed event: data.object.status 'exploded' is not one we know."},
    )
    assert not WebhookEvent.objects.filter(type="refund.updated").exists()
    made.refresh_from_db()
    assert made.status == RS.PENDING


def test_a_refund_event_without_an_amount_is_a_400(client, paid, stripe_api):
    made = pending_refund(paid, stripe_api)
    obj = dict(stripe_api.refunds[made.provider_refund_id])
    obj.pop("amount")
    payload = event("refund.failed", obj)

    response = client.post(
        WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload)
    )

    assert (response.status_code, response.json()) == (
        400,
        {"error": "Malformed event: data.object.amount is missing."},
    )


def test_a_refund_of_a_payment_we_do_not_know_is_stored_and_answered_200(client, stripe_api):
    intent = payment_intent(amount=100, currency="usd", order_number="ELSEWHERE", status="succeeded")
    obj = refund_with_status(refund(charge_obj=charge(intent=intent), amount=100), "failed")

    deliver(client, event("refund.failed", obj, event_id="evt_3Qelsewhere"))

    assert WebhookEvent.objects.get().event_id == "evt_3Qelsewhere"
    assert not Refund.objects.exists()


def test_a_refund_event_without_its_intent_finds_the_payment_through_the_charge(
    client, paid, stripe_api, refund_staff
):
    made = pending_refund(paid, stripe_api)
    obj = {**stripe_api.refund_settle(made.provider_refund_id, "failed"), "payment_intent": None}

    deliver(client, event("refund.failed", obj))

    made.refresh_from_db()
    assert made.status == RS.FAILED
    assert stripe_api.sent("GET", "/v1/charges/")[-1].path == f"/v1/charges/{obj['charge']}"
