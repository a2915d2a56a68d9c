"""Claims: when the shopper may open one, staff grant or deny it, the marketplace refunds, the seller pays."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from fulfillment.claims import claim_deny, claim_grant, claim_open, claim_options
from fulfillment.models import Claim, OrderDefect, ReturnRequest, Stock
from fulfillment.returns import return_request_create
from marketplace.core.errors import ApplicationError
from orders.models import SellerOrder
from payments.ledger import ledger_balance
from payments.models import LedgerEntry, Refund
from tests.accounts.factories import UserFactory
from tests.fulfillment.returns_data import delivered_order, refunded_total
from tests.payments.ledger_data import dispatch

pytestmark = pytest.mark.django_db
D = Decimal
CS = Claim.Status


def past_promise(seller_order, days=4):
    """Move the promise into the past: promised ``days`` days ago."""
    promised = timezone.localdate() - timedelta(days=days)
    SellerOrder.objects.filter(pk=seller_order.pk).update(promised_from=promised, promised_to=promised)
    seller_order.refresh_from_db()


def open_claim(order, seller_order, reason="not_arrived", **kwargs):
    return claim_open(user=order.user, seller_order=seller_order, reason=reason, **kwargs)


def test_an_order_not_shipped_past_its_promise_is_claimed_granted_refunded_and_cancelled(
    django_capture_on_commit_callbacks,
):
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(2,), ship=False)
    past_promise(seller_order)
    staff = UserFactory(is_staff=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        claim = open_claim(order, seller_order, description="Nothing came")
    assert claim.status == CS.OPEN and claim.number.endswith("-C1")
    # Opening a claim is a defect on the seller's scorecard whatever staff decide.
    assert OrderDefect.objects.filter(
        seller_order=seller_order, kind="claim", source_id=claim.number
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        claim_grant(claim=claim, actor=staff, note="The seller did not answer.")
    dispatch()
    claim.refresh_from_db()
    seller_order.refresh_from_db()
    # Everything back: 2 x 10.00 + 2.00 tax + 4.00 shipping, charged back to the seller.
    assert (claim.status, claim.refund_amount) == (CS.GRANTED, D("26.00"))
    assert refunded_total(payment) == D("26.00")
    refund = Refund.objects.get(payment=payment)
    assert (refund.idempotency_key, refund.created_by) == (f"claim-{claim.number}", staff)
    dispatch()
    assert ledger_balance(seller=seller_order.seller) == D("0.00")
    assert LedgerEntry.objects.filter(
        seller=seller_order.seller, kind=LedgerEntry.Kind.REFUND
    ).get().amount == (D("-24.00"))
    # It never shipped: it is cancelled and its units are free to sell again.
    assert seller_order.status == SellerOrder.Status.CANCELLED
    stock = Stock.objects.get(pk=stocks[0].pk)
    assert (stock.on_hand, stock.reserved) == (10, 0)
    assert [m.subject for m in mail.outbox if "claim" in m.subject.lower()] == [
        f"Your claim {claim.number}: we are looking into it",
        f"A shopper opened claim {claim.number} on your order",
        f"Your claim {claim.number}: decided in your favour",
    ]
    with pytest.raises(ApplicationError, match="decided already"):
        claim_deny(claim=claim, actor=staff, note="Changed our mind")


def test_a_parcel_in_transit_past_its_promise_can_be_claimed_and_is_not_cancelled():
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(1,), deliver=False)
    past_promise(seller_order)
    claim = open_claim(order, seller_order)
    claim_grant(claim=claim, actor=None)
    dispatch()
    seller_order.refresh_from_db()
    assert seller_order.status == SellerOrder.Status.SHIPPED
    assert refunded_total(payment) == D("15.00")


def test_a_denied_claim_tells_the_shopper_why_refunds_nothing_and_a_new_claim_may_follow(
    django_capture_on_commit_callbacks,
):
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(1,), ship=False)
    past_promise(seller_order)
    claim = open_claim(order, seller_order)
    with pytest.raises(ApplicationError, match="Please write the reason"):
        claim_deny(claim=claim, actor=None, note=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        claim_deny(claim=claim, actor=None, note="The carrier shows it delivered to your neighbour.")
    dispatch()
    assert claim.status == CS.DENIED and refunded_total(payment) == D("0.00")
    assert "delivered to your neighbour" in mail.outbox[-1].body
    assert open_claim(order, seller_order).number.endswith("-C2")


def test_a_return_approved_and_not_refunded_in_time_is_refunded_by_the_claim():
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(2,))
    rma = return_request_create(
        user=order.user,
        seller_order=seller_order,
        quantities={seller_order.lines.get().pk: 1},
        reason="damaged",
    )
    with pytest.raises(ApplicationError, match="that time has not passed yet"):
        open_claim(order, seller_order, reason="return_not_refunded")
    ReturnRequest.objects.filter(pk=rma.pk).update(decided_at=timezone.now() - timedelta(days=15))
    claim = open_claim(order, seller_order, reason="return_not_refunded")
    claim_grant(claim=claim, actor=None)
    dispatch()
    claim.refresh_from_db()
    rma.refresh_from_db()
    # One unit: 10.00 + 1.00 tax + half of the 4.00 shipping (a damaged item: the seller's fault).
    assert claim.refund_amount == D("13.00") == rma.refund_amount
    assert rma.status == ReturnRequest.Status.REFUNDED
    assert refunded_total(payment) == D("13.00")
    seller_order.refresh_from_db()
    assert seller_order.status == SellerOrder.Status.DELIVERED


def test_claims_without_a_case_are_refused_with_the_reason_and_change_nothing():
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(1,))
    # Delivered on time and not returned: nothing to claim.
    with pytest.raises(ApplicationError, match="It was delivered"):
        open_claim(order, seller_order)
    with pytest.raises(ApplicationError, match="No return of this order waits"):
        open_claim(order, seller_order, reason="return_not_refunded")
    with pytest.raises(ApplicationError, match="Choose what went wrong"):
        open_claim(order, seller_order, reason="meh")
    with pytest.raises(ApplicationError, match="not yours"):
        claim_open(user=UserFactory(), seller_order=seller_order, reason="not_arrived")

    waiting, part, *_ = delivered_order(quantities=(1,), ship=False)
    promised = part.promised_to
    with pytest.raises(ApplicationError, match="you can ask us from"):
        open_claim(waiting, part)
    past_promise(part, days=3)  # the grace days are not over yet
    with pytest.raises(ApplicationError, match="you can ask us from"):
        open_claim(waiting, part)
    assert promised is not None
    past_promise(part, days=4)
    open_claim(waiting, part)
    with pytest.raises(ApplicationError, match="is being looked at"):
        open_claim(waiting, part)
    with pytest.raises(ApplicationError, match="too long"):
        open_claim(waiting, part, description="x" * 1001)
    assert Claim.objects.count() == 1
    assert OrderDefect.objects.filter(kind="claim").count() == 1


def test_the_options_say_which_reasons_apply_and_why():
    order, seller_order, *_ = delivered_order(quantities=(1,), ship=False)
    past_promise(seller_order)
    options = {o.reason: o for o in claim_options(seller_order=seller_order)}
    assert options["not_arrived"].available
    assert not options["return_not_refunded"].available


# -- pages ---------------------------------------------------------------------------


def test_the_shopper_opens_a_claim_from_the_order_page_and_sees_it(client):
    from django.urls import reverse

    order, seller_order, *_ = delivered_order(quantities=(1,), ship=False)
    client.force_login(order.user)
    url = reverse("claims:claim-create", kwargs={"number": seller_order.number})
    assert url in client.get(order.get_absolute_url()).content.decode()

    page = client.get(url).content.decode()
    assert "you can ask us from" in page and "disabled" in page
    refused = client.post(url, {"reason": "not_arrived"})
    assert refused.status_code == 400 and "We cannot open this claim" in refused.content.decode()
    assert not Claim.objects.exists()

    past_promise(seller_order)
    response = client.post(url, {"reason": "not_arrived", "description": "Still waiting"})
    assert response.status_code == 302
    claim = Claim.objects.get()
    page = client.get(order.get_absolute_url()).content.decode()
    assert f"Claim {claim.number}" in page and "Being looked at by our staff" in page

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "not_arrived"}).status_code == 404


def test_staff_grant_and_deny_claims_in_the_admin(client):
    from django.urls import reverse

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    changelist = reverse("admin:fulfillment_claim_changelist")
    claims = []
    for _ in range(2):
        order, seller_order, *_rest = delivered_order(quantities=(1,), ship=False)
        past_promise(seller_order)
        claims.append(open_claim(order, seller_order))
    first, second = claims

    confirm = client.post(changelist, {"action": "deny", "_selected_action": [second.pk]})
    assert confirm.status_code == 200 and second.number in confirm.content.decode()
    refused = client.post(
        changelist, {"action": "deny", "_selected_action": [second.pk], "apply": "1", "note": ""}
    )
    assert refused.status_code == 302
    assert "Please write the reason" in client.get(changelist).content.decode()
    second.refresh_from_db()
    assert second.status == CS.OPEN
    client.post(
        changelist,
        {"action": "deny", "_selected_action": [second.pk], "apply": "1", "note": "Delivered, signed for."},
    )
    client.post(changelist, {"action": "grant", "_selected_action": [first.pk], "apply": "1", "note": ""})
    dispatch()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.refund_amount, first.decided_by) == (CS.GRANTED, D("15.00"), staff)
    assert (second.status, second.staff_note) == (CS.DENIED, "Delivered, signed for.")
    assert client.get(reverse("admin:fulfillment_claim_change", args=[first.pk])).status_code == 200
