"""Orders paid, delivered, refunded and disputed through the real services, for the ledger tests.

Plain builders (not fixtures). Times are set with ``time_machine`` so that
deliveries and postings happen on known days; ``dispatch()`` runs the
outbox's async handlers (the ledger's among them) as the Celery task would.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import time_machine

from marketplace.core import events
from marketplace.core.models import OutboxEvent
from orders.lifecycle import seller_order_transition
from orders.models import Order, SellerOrder
from payments.models import Dispute, Payment
from payments.providers.stripe import ProviderDispute
from payments.services import payment_confirm, payment_start
from payments.stripe_webhooks import dispute_open as stripe_dispute_open
from tests.catalog.factories import CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory
from tests.orders.order_data import order_build
from tests.payments.conftest import payment_method
from tests.sellers.factories import SellerFactory

D = Decimal


def at(moment: datetime):
    """Freeze the clock at ``moment`` (a context manager)."""
    return time_machine.travel(moment, tick=False)


def day(y: int, m: int, d: int, hour: int = 12) -> datetime:
    return datetime(y, m, d, hour, tzinfo=UTC)


def dispatch() -> int:
    """Run every undispatched outbox event's async handlers; return how many events ran."""
    ids = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    for event_id in ids:
        assert events.outbox_dispatch(event_id=event_id), OutboxEvent.objects.get(pk=event_id).last_error
    return len(ids)


def offer(*, seller, price: str, category=None):
    product = ProductFactory(category=category) if category is not None else ProductFactory()
    made = OfferFactory(seller=seller, product=product, price_amount=D(price))
    StockFactory(offer=made, on_hand=50)
    return made


def paid_order(*, user, parts) -> tuple[Order, Payment]:
    """Build an order of ``parts`` (lists of (offer, quantity) per seller) and pay it in the sandbox."""
    order = order_build(user=user, parts=parts)
    payment = payment_start(order=order, idempotency_key=str(uuid.uuid4()))
    payment_confirm(payment=payment, payment_method=payment_method())
    order.refresh_from_db()
    assert order.status == Order.Status.PAID, order.status
    payment.refresh_from_db()
    return order, payment


def deliver(seller_order: SellerOrder) -> None:
    seller_order_transition(seller_order=seller_order, to=SellerOrder.Status.SHIPPED)
    seller_order_transition(seller_order=seller_order, to=SellerOrder.Status.DELIVERED)


def dispute_open(*, payment: Payment, amount: str) -> Dispute:
    """Record a chargeback through the Stripe webhook's service (which emits ``dispute.created``)."""
    return stripe_dispute_open(
        payment=payment,
        provider_dispute=ProviderDispute(
            id=f"dp_{uuid.uuid4().hex[:20]}",
            payment_id=payment.provider_payment_id,
            amount=D(amount),
            currency=payment.currency,
            reason="fraudulent",
            status="needs_response",
        ),
    )


def seller_order_of(order: Order, seller) -> SellerOrder:
    return SellerOrder.objects.get(order=order, seller=seller)


def categories():
    """Electronics (10%) > Phones (no rate) > Cases (no rate); Books (no rate, default applies)."""
    electronics = CategoryFactory(name="Electronics", commission_rate=D("0.1000"))
    phones = CategoryFactory(name="Phones", parent=electronics)
    cases = CategoryFactory(name="Cases", parent=phones)
    books = CategoryFactory(name="Books")
    return electronics, phones, cases, books


def seller(**fields):
    return SellerFactory(**fields)
