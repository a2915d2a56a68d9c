"""refund_create / refund_record_from_provider / the cancellation refund (payments.refunds)."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fulfillment.stock import stock_reserve
from marketplace.core.models import OutboxEvent
from orders.lifecycle import order_cancel, order_transition
from orders.models import Order, OrderEvent, OrderLine, SellerOrder, StockAllocation
from payments.handlers import order_cancelled_refund
from payments.models import Payment, Refund, RefundAllocation, SandboxRefund
from payments.providers.sandbox import SandboxProvider
from payments.refunds import (
    RefundRefused,
    line_refund_amount,
    refund_create,
    refund_position,
    refund_record_from_provider,
    split_proportionally,
)
from payments.services import payment_confirm, payment_start
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory
from tests.payments.conftest import CARDS, payment_method

pytestmark = pytest.mark.django_db

D = Decimal


@dataclass
class TwoSellerOrder:
    """Seller A: 3 x $10.00 (tax $2.50) + 1 x $5.00 (tax $0.41) + $4.99 shipping = $42.90.
    Seller B: 2 x $19.99 (tax $3.31), free shipping = $43.29. Total $86.19."""

    order: Order
    a: SellerOrder
    b: SellerOrder
    a1: OrderLine
    a2: OrderLine
    b1: OrderLine


def _seller_order(order, index, shipping, lines):
    """Write one seller's part: ``lines`` are (price, quantity, tax)."""
    offers = [OfferFactory(price_amount=price) for price, _, _ in lines]
    offers[1:] = [OfferFactory(price_amount=price, seller=offers[0].seller) for price, _, _ in lines[1:]]
    subtotal = sum((price * qty for price, qty, _ in lines), D("0"))
    tax = sum((line_tax for _, _, line_tax in lines), D("0"))
    seller_order = SellerOrder.objects.create(
        order=order,
        seller=offers[0].seller,
        number=f"{order.number}-{index}",
        shipping_method="standard",
        shipping_method_name="Standard",
        subtotal_amount=subtotal,
        shipping_amount=shipping,
        tax_amount=tax,
        total_amount=subtotal + shipping + tax,
    )
    made = []
    for offer, (price, quantity, line_tax) in zip(offers, lines, strict=True):
        StockFactory(offer=offer, on_hand=10)
        line = OrderLine.objects.create(
            seller_order=seller_order,
            offer=offer,
            product=offer.product,
            title=offer.product.title,
            sku=offer.sku,
            condition=offer.condition,
            unit_price_amount=price,
            quantity=quantity,
            tax_amount=line_tax,
            total_amount=price * quantity,
        )
        for stock_id, units in stock_reserve(offer_quantities={offer.pk: quantity})[offer.pk]:
            StockAllocation.objects.create(line=line, stock_id=stock_id, quantity=units)
        made.append(line)
    return seller_order, made


def two_seller_order(*, user) -> TwoSellerOrder:
    order = Order.objects.create(
        number=f"R{uuid.uuid4().hex[:10].upper()}",
        user=user,
        idempotency_key=uuid.uuid4(),
        subtotal_amount=D("74.98"),
        shipping_amount=D("4.99"),
        tax_amount=D("6.22"),
        total_amount=D("86.19"),
        ship_full_name="Ada Lovelace",
        ship_line1="12 Analytical Way",
        ship_city="Reno",
        ship_region="NV",
        ship_postal_code="89501",
        ship_country="US",
        reserved_until=timezone.now() + timedelta(minutes=15),
    )
    a, (a1, a2) = _seller_order(order, 1, D("4.99"), [(D("10.00"), 3, D("2.50")), (D("5.00"), 1, D("0.41"))])
    b, (b1,) = _seller_order(order, 2, D("0.00"), [(D("19.99"), 2, D("3.31"))])
    return TwoSellerOrder(order=order, a=a, b=b, a1=a1, a2=a2, b1=b1)


def pay(order, number=CARDS["success"]) -> Payment:
    payment = payment_start(order=order, idempotency_key=f"pay-{order.number}-{uuid.uuid4()}")
    return payment_confirm(payment=payment, payment_method=payment_method(number), return_url="/r/").payment


def paid_two_seller_order(*, user=None):
    placed = two_seller_order(user=user or UserFactory())
    payment = pay(placed.order)
    assert payment.status == Payment.Status.SUCCEEDED
    return placed, payment


def allocations(refund) -> dict[str, Decimal]:
    return {
        allocation.seller_order.number[-1]: allocation.amount
        for allocation in RefundAllocation.objects.filter(refund=refund).select_related("seller_order")
    }


def nothing_refunded(payment) -> bool:
    payment.refresh_from_db()
    return (
        payment.status == Payment.Status.SUCCEEDED
        and Refund.objects.count() == RefundAllocation.objects.count() == SandboxRefund.objects.count() == 0
        and not OutboxEvent.objects.filter(name="refund.created").exists()
    )


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def paid():
    return paid_two_seller_order()


# -- full and partial ---------------------------------------------------------


def test_a_full_refund_by_amount_charges_each_seller_its_whole_part(paid, staff):
    placed, payment = paid

    refund = refund_create(
        payment=payment, amount=D("86.19"), reason="Never arrived.", actor=staff, idempotency_key="full-1"
    )

    payment.refresh_from_db()
    assert (refund.amount, refund.reason, refund.created_by, refund.idempotency_key) == (
        D("86.19"),
        "Never arrived.",
        staff,
        "full-1",
    )
    assert payment.status == Payment.Status.REFUNDED
    assert allocations(refund) == {"1": D("42.90"), "2": D("43.29")}
    assert list(SandboxRefund.objects.values_list("refund_id", "amount_minor", "idempotency_key")) == [
        (refund.provider_refund_id, 8619, "full-1")
    ]
    event = OutboxEvent.objects.get(name="refund.created")
    assert event.payload == {
        "refund_id": refund.pk,
        "payment_id": payment.pk,
        "order_id": placed.order.pk,
        "amount": "86.19",
    }
    audit = OrderEvent.objects.get(order=placed.order, kind="refund")
    assert (audit.actor, audit.message, audit.data["refund_id"], audit.data["amount"]) == (
        staff,
        "Never arrived.",
        refund.pk,
        "86.19",
    )


def test_partial_refunds_by_amount_split_over_sellers_to_the_cent(paid, staff):
    placed, payment = paid

    first = refund_create(
        payment=payment, amount=D("50.00"), reason="Late.", actor=staff, idempotency_key="p-1"
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    second = refund_create(
        payment=payment, amount=D("36.19"), reason="Rest.", actor=staff, idempotency_key="p-2"
    )

    payment.refresh_from_db()
    # 50.00 x 42.90 / 86.19 = 24.8869 and 50.00 x 43.29 / 86.19 = 25.1131: the spare cent goes to the
    # larger remainder (A); the second refund takes exactly what each seller has left
    assert allocations(first) == {"1": D("24.89"), "2": D("25.11")}
    assert allocations(second) == {"1": D("18.01"), "2": D("18.18")}
    assert payment.status == Payment.Status.REFUNDED
    assert refund_position(payment=payment).remaining == D("0.00")


def test_a_refund_per_line_is_the_units_with_their_tax_charged_to_their_seller(paid, staff):
    placed, payment = paid

    refund = refund_create(
        payment=payment,
        lines={placed.a1.pk: 1, placed.b1.pk: 2},
        reason="Damaged.",
        actor=staff,
        idempotency_key="lines-1",
    )

    payment.refresh_from_db()
    # a1: (30.00 + 2.50) / 3 = 10.8333 -> 10.83; b1 in full: 39.98 + 3.31 = 43.29
    assert refund.amount == D("54.12")
    assert allocations(refund) == {"1": D("10.83"), "2": D("43.29")}
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    position = refund_position(payment=payment)
    assert [(row.line.pk, row.refunded_quantity, row.refundable_quantity) for row in position.lines] == [
        (placed.a1.pk, 1, 2),
        (placed.a2.pk, 0, 1),
        (placed.b1.pk, 2, 0),
    ]
    assert (position.captured, position.refunded, position.remaining) == (D("86.19"), D("54.12"), D("32.07"))
    assert OrderEvent.objects.get(kind="refund").data["lines"] == {str(placed.a1.pk): 1, str(placed.b1.pk): 2}


def test_a_line_refunded_unit_by_unit_adds_up_to_exactly_what_it_cost(paid, staff):
    placed, payment = paid

    amounts = [
        refund_create(
            payment=payment,
            lines={placed.a1.pk: 1},
            reason="One by one.",
            actor=staff,
            idempotency_key=f"u-{n}",
        ).amount
        for n in range(3)
    ]

    assert amounts == [D("10.83"), D("10.84"), D("10.83")]
    assert sum(amounts) == placed.a1.total_amount + placed.a1.tax_amount == D("32.50")
    assert line_refund_amount(line=placed.b1, already=0, quantity=1) == D("21.65")  # 21.645 half up


def test_the_proportional_split_never_loses_or_invents_a_cent():
    weights = {1: D("0.01"), 2: D("33.33"), 3: D("33.33"), 4: D("33.34")}

    for cents in (1, 2, 3, 99, 100, 101, 5000, 10000, 10001):
        amount = D(cents) / 100
        shares = split_proportionally(amount, weights)
        assert sum(shares.values()) == min(amount, D("100.01"))
        assert all(shares[key] <= weights[key] for key in shares)
    assert split_proportionally(D("0.01"), {7: D("5.00"), 3: D("5.00")}) == {3: D("0.01")}


# -- idempotency ----------------------------------------------------------------


def test_the_same_key_returns_the_same_refund_and_refunds_once(paid, staff):
    placed, payment = paid

    first = refund_create(
        payment=payment, amount=D("10.00"), reason="Once.", actor=staff, idempotency_key="k-1"
    )
    again = refund_create(
        payment=payment, amount=D("10.00"), reason="Once.", actor=staff, idempotency_key="k-1"
    )
    by_line = refund_create(
        payment=payment, lines={placed.a2.pk: 1}, reason="L", actor=staff, idempotency_key="k-2"
    )
    line_again = refund_create(
        payment=payment, lines={placed.a2.pk: 1}, reason="L", actor=staff, idempotency_key="k-2"
    )

    assert again == first
    assert line_again == by_line
    assert Refund.objects.count() == SandboxRefund.objects.count() == 2
    assert OutboxEvent.objects.filter(name="refund.created").count() == 2
    assert refund_position(payment=payment).refunded == D("15.41")


def test_the_same_key_for_another_amount_or_lines_is_refused(paid, staff):
    placed, payment = paid
    refund_create(payment=payment, amount=D("10.00"), reason="Once.", actor=staff, idempotency_key="k-1")
    refund_create(payment=payment, lines={placed.a2.pk: 1}, reason="L", actor=staff, idempotency_key="k-2")

    with pytest.raises(RefundRefused, match=r"already used for a refund of \$10.00, not \$12.00\."):
        refund_create(payment=payment, amount=D("12.00"), reason="Twice.", actor=staff, idempotency_key="k-1")
    with pytest.raises(RefundRefused, match="already used for a refund of other lines"):
        refund_create(
            payment=payment, lines={placed.a1.pk: 1}, reason="L", actor=staff, idempotency_key="k-2"
        )
    other, _ = paid_two_seller_order()
    with pytest.raises(RefundRefused, match="already used for another payment"):
        refund_create(
            payment=other.order.payments.get(),
            amount=D("10.00"),
            reason="x",
            actor=staff,
            idempotency_key="k-1",
        )
    assert Refund.objects.count() == 2


# -- bad input: refused, nothing changed --------------------------------------------


def test_a_refund_above_the_remainder_is_refused_with_what_is_left(paid, staff):
    placed, payment = paid
    refund_create(payment=payment, amount=D("73.79"), reason="Most.", actor=staff, idempotency_key="most")

    with pytest.raises(RefundRefused, match=r"^Only \$12.40 of this payment can still be refunded\.$"):
        refund_create(payment=payment, amount=D("12.41"), reason="More.", actor=staff, idempotency_key="more")
    with pytest.raises(RefundRefused, match=r"^Only \$12.40 of this payment can still be refunded\.$"):
        refund_create(
            payment=payment, lines={placed.a1.pk: 2}, reason="More.", actor=staff, idempotency_key="l"
        )
    refund_create(payment=payment, amount=D("12.40"), reason="Rest.", actor=staff, idempotency_key="rest")
    with pytest.raises(RefundRefused, match="has been refunded in full already"):
        refund_create(payment=payment, amount=D("0.01"), reason="More.", actor=staff, idempotency_key="again")

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [D("12.40"), D("73.79")]
    assert SandboxRefund.objects.count() == 2


def test_a_refund_of_an_unpaid_order_is_refused(staff):
    placed = two_seller_order(user=UserFactory())
    started = payment_start(order=placed.order, idempotency_key="pay-unpaid")

    with pytest.raises(
        RefundRefused, match=rf"^Order {placed.order.number} is not paid yet, so there is nothing"
    ):
        refund_create(payment=started, amount=D("1.00"), reason="x", actor=staff, idempotency_key="r")
    assert Refund.objects.count() == 0


def test_a_refund_of_a_payment_that_did_not_succeed_is_refused(staff):
    declined = pay(two_seller_order(user=UserFactory()).order, CARDS["generic_decline"])
    assert declined.status == Payment.Status.FAILED

    # its order still awaits payment
    with pytest.raises(RefundRefused, match="is not paid yet, so there is nothing to refund"):
        refund_create(payment=declined, amount=D("1.00"), reason="x", actor=staff, idempotency_key="r")
    # its order went away
    Order.objects.filter(pk=declined.order_id).update(status=Order.Status.CANCELLED)
    with pytest.raises(RefundRefused) as refused:
        refund_create(payment=declined, amount=D("1.00"), reason="x", actor=staff, idempotency_key="r")

    assert refused.value.message == (
        f"Payment {declined.provider_payment_id} did not succeed (failed), so there is nothing to refund."
    )
    assert Refund.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (D("-5.00"), "A refund must be more than zero."),
        (D("0"), "A refund must be more than zero."),
        (D("0.00"), "A refund must be more than zero."),
        (D("1.005"), "1.005 has more decimals than cents."),
        (1.5, "Refund amounts must be exact decimals, not floats."),
        ("ten", "'ten' is not an amount."),
    ],
)
def test_a_bad_amount_is_refused(paid, staff, amount, message):
    _, payment = paid

    with pytest.raises(RefundRefused) as refused:
        refund_create(payment=payment, amount=amount, reason="x", actor=staff, idempotency_key="bad")

    assert refused.value.message == message
    assert nothing_refunded(payment)


def test_a_line_of_another_order_is_refused(paid, staff):
    _, payment = paid
    other = two_seller_order(user=UserFactory())

    with pytest.raises(RefundRefused) as refused:
        refund_create(payment=payment, lines={other.a1.pk: 1}, reason="x", actor=staff, idempotency_key="bad")

    assert refused.value.message == f"Line {other.a1.pk} is not part of order {payment.order.number}."
    assert nothing_refunded(payment)


def test_a_quantity_above_what_is_left_of_the_line_is_refused(paid, staff):
    placed, payment = paid
    refund_create(payment=payment, lines={placed.a1.pk: 2}, reason="Two.", actor=staff, idempotency_key="two")

    with pytest.raises(RefundRefused) as refused:
        refund_create(
            payment=payment, lines={placed.a1.pk: 2}, reason="x", actor=staff, idempotency_key="bad"
        )
    with pytest.raises(RefundRefused, match=r"Only 2 of .* can still be refunded \(2 bought, 0 refunded\)"):
        refund_create(
            payment=payment, lines={placed.b1.pk: 3}, reason="x", actor=staff, idempotency_key="bad"
        )

    assert refused.value.message == (
        f"Only 1 of “{placed.a1.title}” can still be refunded (3 bought, 2 refunded)."
    )
    assert Refund.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": D("1.00"), "reason": "  "}, "Say why the refund is made."),
        ({"amount": D("1.00"), "idempotency_key": ""}, "A refund needs an idempotency key."),
        ({}, "Give an amount or the lines to refund."),
        ({"amount": D("1.00"), "lines": {1: 1}}, "Give either an amount or the lines to refund, not both."),
        ({"lines": {1: 0}}, "Each quantity to refund must be a whole number of at least 1."),
        ({"lines": {1: -1}}, "Each quantity to refund must be a whole number of at least 1."),
    ],
)
def test_a_refund_without_a_reason_key_or_subject_is_refused(paid, staff, kwargs, message):
    _, payment = paid
    arguments = {"payment": payment, "reason": "Why.", "actor": staff, "idempotency_key": "k", **kwargs}

    with pytest.raises(RefundRefused) as refused:
        refund_create(**arguments)

    assert refused.value.message == message
    assert nothing_refunded(payment)


def test_a_line_refund_cannot_charge_a_seller_more_than_it_has_left(paid, staff):
    placed, payment = paid
    # 80.00 by amount leaves A 3.08 (42.90 - 39.82) and B 3.11 to charge back
    refund_create(payment=payment, amount=D("80.00"), reason="Most.", actor=staff, idempotency_key="most")

    with pytest.raises(RefundRefused) as refused:
        refund_create(payment=payment, lines={placed.a2.pk: 1}, reason="x", actor=staff, idempotency_key="l")

    assert refused.value.message == f"Only $3.08 of seller order {placed.a.number} can still be refunded."
    assert Refund.objects.count() == 1


# -- orders never released to sellers ---------------------------------------------------


def captured_without_paying_the_order(order, key) -> Payment:
    """A payment that succeeded at the provider and here, without (yet) paying ``order``."""
    started = payment_start(order=order, idempotency_key=key)
    SandboxProvider().confirm_payment(payment_id=started.provider_payment_id, payment_method=payment_method())
    Payment.objects.filter(pk=started.pk).update(status=Payment.Status.SUCCEEDED)
    started.refresh_from_db()
    return started


def test_a_refund_of_an_order_held_before_release_is_charged_to_no_seller(staff):
    placed = two_seller_order(user=UserFactory())
    held = captured_without_paying_the_order(placed.order, "pay-held")
    order_transition(order=placed.order, to=Order.Status.ON_HOLD)

    refund = refund_create(
        payment=held, amount=D("86.19"), reason="Rejected.", actor=staff, idempotency_key="rej"
    )

    assert refund.amount == D("86.19")
    assert RefundAllocation.objects.count() == 0


def test_a_refund_of_a_second_payment_of_a_paid_order_is_charged_to_no_seller(paid, staff):
    placed, first = paid
    second = captured_without_paying_the_order(placed.order, "pay-second-tab")

    refund = refund_create(
        payment=second, amount=D("86.19"), reason="Paid twice.", actor=staff, idempotency_key="x"
    )
    by_first = refund_create(
        payment=first, amount=D("1.00"), reason="Goodwill.", actor=staff, idempotency_key="y"
    )

    assert RefundAllocation.objects.filter(refund=refund).count() == 0
    assert allocations(by_first) == {"1": D("0.50"), "2": D("0.50")}


# -- refunds made at the provider --------------------------------------------------------


def test_a_refund_made_at_the_provider_is_recorded_once_and_split(paid):
    placed, payment = paid

    refund = refund_record_from_provider(
        payment=payment, provider_refund_id="re_dash_1", amount=D("10.00"), reason="requested_by_customer"
    )
    again = refund_record_from_provider(payment=payment, provider_refund_id="re_dash_1", amount=D("10.00"))

    payment.refresh_from_db()
    assert again == refund
    assert (refund.amount, refund.reason, refund.created_by, refund.idempotency_key) == (
        D("10.00"),
        "requested_by_customer",
        None,
        "provider-re_dash_1",
    )
    # 10.00 x 42.90 / 86.19 = 4.977 and 10.00 x 43.29 / 86.19 = 5.0226
    assert allocations(refund) == {"1": D("4.98"), "2": D("5.02")}
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    assert OutboxEvent.objects.filter(name="refund.created", payload__refund_id=refund.pk).count() == 1
    assert SandboxRefund.objects.count() == 0


def test_a_provider_refund_of_one_we_made_returns_ours(paid, staff):
    _, payment = paid
    ours = refund_create(payment=payment, amount=D("5.00"), reason="Ours.", actor=staff, idempotency_key="o")

    recorded = refund_record_from_provider(
        payment=payment, provider_refund_id=ours.provider_refund_id, amount=D("5")
    )

    assert recorded == ours
    assert Refund.objects.count() == 1


def test_a_retry_of_a_refund_the_provider_webhook_recorded_first_returns_it(paid, staff):
    _, payment = paid
    # our first try reached the provider but its transaction was lost; the webhook recorded it
    at_provider = SandboxProvider().refund(
        payment_id=payment.provider_payment_id, amount=D("5.00"), idempotency_key="lost"
    )
    recorded = refund_record_from_provider(
        payment=payment, provider_refund_id=at_provider.id, amount=D("5.00")
    )

    retried = refund_create(
        payment=payment, amount=D("5.00"), reason="Retry.", actor=staff, idempotency_key="lost"
    )

    assert retried == recorded
    assert Refund.objects.count() == SandboxRefund.objects.count() == 1


def test_a_provider_refund_above_the_remainder_is_refused(paid):
    _, payment = paid

    with pytest.raises(RefundRefused, match=r"^Only \$86.19 of this payment can still be refunded\.$"):
        refund_record_from_provider(payment=payment, provider_refund_id="re_x", amount=D("86.20"))
    assert nothing_refunded(payment)


# -- cancellation ---------------------------------------------------------------------------


def test_cancelling_a_paid_order_refunds_it_once_through_refund_create(
    paid, django_capture_on_commit_callbacks
):
    placed, payment = paid

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=placed.order, actor=placed.order.user, reason="Ordered by mistake.")
    # an outbox retry runs the handler again: nothing more is refunded
    order_cancelled_refund(order_id=placed.order.pk, reason="Ordered by mistake.")

    payment.refresh_from_db()
    refund = Refund.objects.get()
    assert (refund.amount, refund.idempotency_key, refund.reason, refund.created_by) == (
        D("86.19"),
        f"cancel-{placed.order.number}",
        "Order cancelled: Ordered by mistake.",
        None,
    )
    assert allocations(refund) == {"1": D("42.90"), "2": D("43.29")}
    assert payment.status == Payment.Status.REFUNDED
    assert SandboxRefund.objects.count() == 1
    assert OutboxEvent.objects.filter(name="refund.created").count() == 1


def test_cancelling_after_a_partial_refund_refunds_the_rest_to_each_seller(
    paid, staff, django_capture_on_commit_callbacks
):
    placed, payment = paid
    refund_create(payment=payment, lines={placed.b1.pk: 1}, reason="One.", actor=staff, idempotency_key="one")

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=placed.order, actor=staff, reason="Too slow.")

    cancel = Refund.objects.get(idempotency_key=f"cancel-{placed.order.number}")
    assert cancel.amount == D("86.19") - D("21.65")
    assert allocations(cancel) == {"1": D("42.90"), "2": D("21.64")}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
