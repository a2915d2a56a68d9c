"""Returns: every path from the shopper's request to the refund, and every refusal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from fulfillment.models import ReturnLine, ReturnPolicy, ReturnRequest, Shipment, Stock
from fulfillment.returns import (
    return_approve,
    return_cancel,
    return_receive,
    return_reject,
    return_request_create,
    return_restock,
    returnable_lines,
)
from marketplace.core.errors import ApplicationError
from orders.models import OrderEvent
from payments.ledger import ledger_balance
from payments.models import LedgerEntry, Refund
from tests.accounts.factories import UserFactory
from tests.fulfillment.factories import WarehouseFactory
from tests.fulfillment.returns_data import delivered_order, parcels_move_on, refunded_total, units_on_hand
from tests.payments.ledger_data import dispatch
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db
D = Decimal
RS = ReturnRequest.Status


def ask(order, seller_order, quantities, reason="damaged", comment="", **kwargs):
    return return_request_create(
        user=order.user,
        seller_order=seller_order,
        quantities=quantities,
        reason=reason,
        comment=comment,
        **kwargs,
    )


def only_line(seller_order):
    return seller_order.lines.get()


def test_an_auto_approved_return_gets_a_label_comes_back_by_carrier_and_is_refunded_with_tax_and_shipping(
    django_capture_on_commit_callbacks,
):
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(2,))
    line = only_line(seller_order)
    balance_before = ledger_balance(seller=seller_order.seller)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        rma = ask(order, seller_order, {line.pk: 2}, reason="damaged")
    assert rma.status == RS.APPROVED and rma.auto_approved and rma.refund_shipping
    parcel = rma.shipment
    assert parcel.direction == Shipment.Direction.RETURN and parcel.warehouse == warehouse
    assert parcel.tracking_number in label_text(parcel)
    # The outbound shipment, the seller order and the stock are untouched by the return label.
    seller_order.refresh_from_db()
    assert seller_order.status == "delivered"
    assert units_on_hand(stocks) == [8]

    with django_capture_on_commit_callbacks(execute=True):
        # The carrier brings it back; its delivery scan receives the return, and the outbox
        # (run eagerly here, by Celery in production) has payments refund it.
        parcels_move_on(days=12)
    rma.refresh_from_db()
    assert rma.received_at == Shipment.objects.get(pk=parcel.pk).delivered_at
    assert units_on_hand(stocks) == [8]  # nothing restocked unless the seller says so
    # 2 x 10.00 + 10 % tax + the whole 4.00 shipping (the seller's fault, every unit back).
    assert (rma.status, rma.refund_amount) == (RS.REFUNDED, D("26.00"))
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.idempotency_key, str(refund.pk)) == (
        D("26.00"),
        f"return-{rma.number}",
        rma.refund_reference,
    )
    # The seller gives back what it was credited for these units and the shipping (tax is not theirs).
    dispatch()
    refunds = LedgerEntry.objects.filter(seller=seller_order.seller, kind=LedgerEntry.Kind.REFUND)
    assert sum(e.amount for e in refunds) == D("-24.00")
    commission_back = sum(
        e.amount
        for e in LedgerEntry.objects.filter(seller=seller_order.seller, kind="commission", amount__gt=0)
    )
    assert ledger_balance(seller=seller_order.seller) == balance_before - D("24.00") + commission_back
    assert ledger_balance(seller=seller_order.seller) == D("0.00")

    subjects = [m.subject for m in mail.outbox if "return" in m.subject]
    assert subjects == [
        f"Your return {rma.number}: approved, send it back",
        f"Your return {rma.number}: received by the seller",
        f"Your return {rma.number}: refunded",
    ]
    approved_mail = next(m for m in mail.outbox if m.subject.endswith("send it back"))
    assert parcel.tracking_number in approved_mail.body
    refunded_mail = next(m for m in mail.outbox if m.subject.endswith("refunded"))
    assert "$26.00" in refunded_mail.body
    kinds = list(
        OrderEvent.objects.filter(order=order, kind__startswith="return_").values_list("kind", flat=True)
    )
    assert kinds == ["return_requested", "return_approved", "return_received", "return_refunded"]


def label_text(parcel) -> str:
    import io

    reader = PdfReader(io.BytesIO(bytes(parcel.label.pdf)))
    return "".join(page.extract_text() for page in reader.pages)


def test_a_reason_the_seller_must_judge_waits_and_the_seller_approves_receives_and_restocks(
    django_capture_on_commit_callbacks,
):
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(3,))
    line = only_line(seller_order)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rma = ask(order, seller_order, {line.pk: 2}, reason="not_as_described", comment="Blue, not green")
    assert (rma.status, rma.shipment) == (RS.REQUESTED, None)
    assert sorted(m.subject for m in mail.outbox) == [
        f"Return {rma.number} waits for your decision",
        f"Your return {rma.number}: sent to the seller",
    ]
    to_seller = next(m for m in mail.outbox if m.subject.startswith("Return "))
    assert to_seller.to == [seller_order.seller.support_email] and "Blue, not green" in to_seller.body
    assert f"/seller/returns/{rma.number}/" in to_seller.body

    member = UserFactory()
    return_approve(return_request=rma, actor=member, seller=seller_order.seller, note="Sorry about that")
    assert rma.status == RS.APPROVED and not rma.auto_approved and rma.shipment is not None
    assert (rma.decided_by, rma.seller_note) == (member, "Sorry about that")

    return_receive(
        return_request=rma,
        actor=member,
        seller=seller_order.seller,
        restock={line.pk: 2},
        warehouse=warehouse,
    )
    assert units_on_hand(stocks) == [7 + 2]  # 10 - 3 shipped + 2 back on the shelf
    assert ReturnLine.objects.get(return_request=rma).restocked_quantity == 2
    dispatch()
    rma.refresh_from_db()
    # 2 units of 3: 20.00 + 2.00 tax + shipping in proportion to the value (2/3 of 4.00).
    assert (rma.status, rma.refund_amount) == (RS.REFUNDED, D("24.67"))
    # The return parcel is still tracked; its delivery scan, after the seller's receipt, changes nothing.
    parcels_move_on(days=12)
    dispatch()
    assert Shipment.objects.get(pk=rma.shipment_id).status == Shipment.Status.DELIVERED
    rma.refresh_from_db()
    assert rma.status == RS.REFUNDED and Refund.objects.filter(payment=payment).count() == 1


def test_a_rejected_return_needs_a_reason_refunds_nothing_and_frees_the_units():
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(1,))
    line = only_line(seller_order)
    rma = ask(order, seller_order, {line.pk: 1}, reason="better_price")
    with pytest.raises(ApplicationError, match="Please write a note"):
        return_reject(return_request=rma, note="  ", seller=seller_order.seller)
    return_reject(return_request=rma, note="Price matching is not a defect", seller=seller_order.seller)
    assert rma.status == RS.REJECTED
    with pytest.raises(ApplicationError, match="already decided"):
        return_approve(return_request=rma, seller=seller_order.seller)
    with pytest.raises(ApplicationError, match="cannot be received"):
        return_receive(return_request=rma, seller=seller_order.seller)
    dispatch()
    assert refunded_total(payment) == D("0.00")
    # A rejected return no longer holds its units: the shopper may ask again (and another seller may not act).
    again = ask(order, seller_order, {line.pk: 1}, reason="damaged")
    assert again.status == RS.APPROVED and again.number.endswith("-R2")


def test_a_change_of_mind_refunds_the_item_and_its_tax_but_not_the_shipping():
    order, seller_order, warehouse, stocks, payment = delivered_order(
        prices=("19.99", "5.00"), quantities=(3, 1)
    )
    first, second = seller_order.lines.order_by("pk")
    rma = ask(order, seller_order, {first.pk: 1}, reason="no_longer_needed")
    assert rma.status == RS.APPROVED and not rma.refund_shipping
    return_receive(return_request=rma, seller=seller_order.seller)
    dispatch()
    rma.refresh_from_db()
    # One unit of 3 x 19.99 (tax 6.00 on 59.97): 19.99 + 2.00, the cumulative rounding of the line.
    assert rma.refund_amount == D("21.99")
    assert units_on_hand(stocks) == [7, 9]


def test_received_without_restock_and_restocked_later_never_more_than_came_back():
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(2,))
    line = only_line(seller_order)
    rma = ask(order, seller_order, {line.pk: 2})
    return_receive(return_request=rma, seller=seller_order.seller)
    assert units_on_hand(stocks) == [8]
    with pytest.raises(ApplicationError, match="Only 2 of .* can be restocked; 3 asked"):
        return_restock(
            return_request=rma, quantities={line.pk: 3}, warehouse=warehouse, seller=seller_order.seller
        )
    other_seller_warehouse = WarehouseFactory(seller=SellerFactory())
    with pytest.raises(ApplicationError, match="Choose one of your warehouses"):
        return_restock(return_request=rma, quantities={line.pk: 1}, warehouse=other_seller_warehouse)
    assert return_restock(return_request=rma, quantities={line.pk: 1}, warehouse=warehouse) == 1
    with pytest.raises(ApplicationError, match="Only 1 of"):
        return_restock(return_request=rma, quantities={line.pk: 2}, warehouse=warehouse)
    # A second warehouse that never held the offer gets a stock row for it.
    spare = WarehouseFactory(seller=seller_order.seller, name="Spare")
    assert return_restock(return_request=rma, quantities={line.pk: 1}, warehouse=spare) == 1
    assert units_on_hand(stocks) == [9]
    assert Stock.objects.get(warehouse=spare, offer_id=line.offer_id).on_hand == 1
    with pytest.raises(ApplicationError, match="Only 0 of"):
        return_restock(return_request=rma, quantities={line.pk: 1}, warehouse=warehouse)


@pytest.mark.parametrize(
    ("quantities", "reason", "comment", "message"),
    [
        (
            {"line": 3},
            "damaged",
            "",
            r"Only 2 of .* can be returned \(2 delivered, 0 already in a return\); 3 asked",
        ),
        ({"line": 0}, "damaged", "", "Choose at least one item"),
        ({"line": -1}, "damaged", "", "is not a number of units"),
        ({"line": "1"}, "damaged", "", "is not a number of units"),
        ({999999: 1}, "damaged", "", "is not part of this order"),
        ({"line": 1}, "bored", "", "Choose why"),
        ({"line": 1}, "other", "", "Please write a few words"),
        ({"line": 1}, "other", "x" * 501, "too long"),
        ({"line": 1}, "other", "nul\x00", "not allowed"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(quantities, reason, comment, message):
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(2,))
    line = only_line(seller_order)
    quantities = {line.pk if key == "line" else key: value for key, value in quantities.items()}
    with pytest.raises(ApplicationError, match=message):
        ask(order, seller_order, quantities, reason=reason, comment=comment)
    assert ReturnRequest.objects.count() == 0
    assert Shipment.objects.filter(direction="return").count() == 0


def test_a_return_outside_the_window_not_delivered_twice_or_of_another_shopper_is_refused():
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(2,))
    line = only_line(seller_order)
    delivered_at = Shipment.objects.get(seller_order=seller_order).delivered_at
    late = delivered_at + timedelta(days=30, seconds=1)
    with pytest.raises(ApplicationError, match="The return window for .* closed on"):
        ask(order, seller_order, {line.pk: 1}, now=late)
    assert ask(order, seller_order, {line.pk: 1}, now=delivered_at + timedelta(days=30)).status == RS.APPROVED
    with pytest.raises(
        ApplicationError, match=r"Only 1 of .* \(2 delivered, 1 already in a return\); 2 asked"
    ):
        ask(order, seller_order, {line.pk: 2})
    ask(order, seller_order, {line.pk: 1})
    with pytest.raises(ApplicationError, match=r"Only 0 of"):
        ask(order, seller_order, {line.pk: 1})
    with pytest.raises(ApplicationError, match="not yours"):
        return_request_create(
            user=UserFactory(), seller_order=seller_order, quantities={line.pk: 1}, reason="damaged"
        )

    shipped, in_transit, *_ = delivered_order(quantities=(1,), deliver=False)[:2]
    with pytest.raises(ApplicationError, match="has not been delivered yet"):
        ask(shipped, in_transit, {only_line(in_transit).pk: 1})


def test_the_sellers_policy_sets_the_window_and_can_review_every_return():
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(2,))
    line = only_line(seller_order)
    delivered_at = Shipment.objects.get(seller_order=seller_order).delivered_at
    policy = ReturnPolicy.objects.create(seller=seller_order.seller, window_days=10, review_every_return=True)
    with pytest.raises(ApplicationError, match="closed"):
        ask(order, seller_order, {line.pk: 1}, now=delivered_at + timedelta(days=11))
    rma = ask(order, seller_order, {line.pk: 1}, reason="damaged", now=delivered_at + timedelta(days=9))
    assert rma.status == RS.REQUESTED  # even a damaged item waits for this seller
    assert [(item.delivered, item.in_returns) for item in returnable_lines(seller_order=seller_order)] == [
        (2, 1)
    ]
    policy.window_days = 0
    policy.save()
    with pytest.raises(ApplicationError, match="does not take returns"):
        ask(order, seller_order, {line.pk: 1})
    with pytest.raises(ApplicationError, match="not one of your orders"):
        return_approve(return_request=rma, seller=SellerFactory())


def test_the_refund_is_made_once_whatever_delivers_the_event_again():
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(1,))
    rma = ask(order, seller_order, {only_line(seller_order).pk: 1})
    return_receive(return_request=rma, seller=seller_order.seller)
    from payments.handlers import return_received_refund

    dispatch()
    return_received_refund(return_id=rma.pk)
    rma.refresh_from_db()
    ReturnRequest.objects.filter(pk=rma.pk).update(status=RS.RECEIVED)  # as if the first report was lost
    return_received_refund(return_id=rma.pk)
    assert Refund.objects.filter(payment=payment).count() == 1
    assert refunded_total(payment) == D("15.00")  # 10.00 + 1.00 tax + 4.00 shipping


def test_a_refund_the_payment_cannot_take_is_kept_on_the_return_for_staff():
    from payments.refunds import refund_create

    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(1,))
    refund_create(
        payment=payment, amount=payment.amount, reason="Goodwill", actor=None, idempotency_key="all"
    )
    rma = ask(order, seller_order, {only_line(seller_order).pk: 1})
    return_receive(return_request=rma, seller=seller_order.seller)
    dispatch()
    rma.refresh_from_db()
    assert rma.status == RS.RECEIVED
    assert "refunded in full" in rma.refund_error


def test_the_shopper_cancels_a_return_before_sending_it_and_the_label_is_voided():
    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(1,))
    rma = ask(order, seller_order, {only_line(seller_order).pk: 1})
    with pytest.raises(ApplicationError, match="not yours"):
        return_cancel(return_request=rma, user=UserFactory())
    return_cancel(return_request=rma, user=order.user)
    assert rma.status == RS.CANCELLED
    assert Shipment.objects.get(pk=rma.shipment_id).status == Shipment.Status.VOIDED
    with pytest.raises(ApplicationError, match="too late to cancel"):
        return_cancel(return_request=rma, user=order.user)
    again = ask(order, seller_order, {only_line(seller_order).pk: 1})
    parcels_move_on(days=2)
    with pytest.raises(ApplicationError, match="already on its way back"):
        return_cancel(return_request=again, user=order.user)


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_for_the_same_units_return_them_once():
    from tests.concurrency import run_together

    order, seller_order, warehouse, stocks, payment = delivered_order(quantities=(1,))
    line_id = only_line(seller_order).pk

    def work(_index):
        return ask(order, seller_order, {line_id: 1}).number

    results = run_together(2, work)
    assert sorted(error is None for _, _, error in results) == [False, True]
    assert ReturnRequest.objects.count() == 1
    assert Shipment.objects.filter(direction="return").count() == 1
