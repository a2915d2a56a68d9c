"""Move what the services wrote for a demo order to the past, consistently.

The demo's past orders are made by the real services at the real time (so
every audit row, stock movement, ledger posting and outbox event is the one
a real order gets). A ``Timeline`` records, for each call, the real-time
window it ran in and the moment it should have happened; ``apply`` then
moves every timestamp written inside a window by that window's offset, one
UPDATE per table for the whole order. Timestamps written outside the
windows keep their value: the carrier's scan times, which the sandbox
carrier planned in the past already, and anything other requests wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import QuerySet, Subquery
from django.utils import timezone

from fulfillment.models import (
    Claim,
    OrderDefect,
    ReturnRequest,
    Shipment,
    ShipmentLabel,
    TrackingEvent,
)
from orders.models import Order, OrderEvent, SellerOrder, StockAllocation
from payments.models import FraudAssessment, LedgerEntry, Payment, Refund, SandboxPayment, SandboxRefund


def _payment_ids(order_id: int):
    return Subquery(Payment.objects.filter(order_id=order_id).values("provider_payment_id"))


# Every table a placed, paid, shipped, returned or claimed order writes, how to find the
# order's rows in it, and the columns the services fill with the time of the call.
TABLES: tuple[tuple[Callable[[int], QuerySet], tuple[str, ...]], ...] = (
    (lambda pk: Order.objects.filter(pk=pk), ("placed_at", "paid_at", "cancelled_at")),
    (
        lambda pk: SellerOrder.objects.filter(order_id=pk),
        ("created_at", "updated_at", "shipped_at", "delivered_at"),
    ),
    (lambda pk: OrderEvent.objects.filter(order_id=pk), ("created_at",)),
    (
        lambda pk: StockAllocation.objects.filter(line__seller_order__order_id=pk),
        ("created_at", "updated_at"),
    ),
    (lambda pk: Payment.objects.filter(order_id=pk), ("created_at", "updated_at")),
    (lambda pk: SandboxPayment.objects.filter(payment_id__in=_payment_ids(pk)), ("created_at", "updated_at")),
    (lambda pk: SandboxRefund.objects.filter(payment__payment_id__in=_payment_ids(pk)), ("created_at",)),
    (lambda pk: FraudAssessment.objects.filter(order_id=pk), ("created_at", "decided_at")),
    (lambda pk: Refund.objects.filter(payment__order_id=pk), ("created_at",)),
    (lambda pk: LedgerEntry.objects.filter(seller_order__order_id=pk), ("created_at",)),
    (
        lambda pk: Shipment.objects.filter(seller_order__order_id=pk),
        ("created_at", "picked_up_at", "delivered_at", "voided_at", "status_changed_at", "last_tracked_at"),
    ),
    (lambda pk: ShipmentLabel.objects.filter(shipment__seller_order__order_id=pk), ("created_at",)),
    (lambda pk: TrackingEvent.objects.filter(shipment__seller_order__order_id=pk), ("received_at",)),
    (
        lambda pk: ReturnRequest.objects.filter(seller_order__order_id=pk),
        ("requested_at", "decided_at", "received_at", "refunded_at"),
    ),
    (
        lambda pk: Claim.objects.filter(seller_order__order_id=pk),
        ("opened_at", "decided_at", "refunded_at"),
    ),
    (lambda pk: OrderDefect.objects.filter(seller_order__order_id=pk), ("occurred_at", "created_at")),
)


@dataclass
class Window:
    since: datetime  # real time the call started
    until: datetime  # real time it ended
    at: datetime  # when it should have happened

    @property
    def offset(self) -> timedelta:
        return self.at - self.since


class Timeline:
    """The calls made for one order, each with the moment it stands for."""

    def __init__(self) -> None:
        self.windows: list[Window] = []

    @contextmanager
    def at(self, moment: datetime):
        """Record the calls made inside the block as having happened at ``moment``."""
        since = timezone.now()
        yield
        self.windows.append(Window(since, timezone.now(), moment))

    def shift(self, delta: timedelta) -> None:
        """Move every call recorded so far by ``delta``."""
        for window in self.windows:
            window.at += delta

    def apply(self, *, order_id: int) -> None:
        """Move the order's timestamps written inside the windows: one UPDATE per table."""
        if not self.windows:
            return
        windows = [
            [w.since for w in self.windows],
            [w.until for w in self.windows],
            [w.offset for w in self.windows],
        ]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for rows, columns in TABLES:
                scope = rows(order_id)
                table, pk = quote(scope.model._meta.db_table), quote(scope.model._meta.pk.column)
                ids, params = scope.values("pk").query.sql_with_params()
                # Table and column names come from the models, never from input.
                moved = ", ".join(
                    f"{quote(c)} = {quote(c)} + coalesce((SELECT w.off FROM w WHERE "  # noqa: S608
                    f"{table}.{quote(c)} BETWEEN w.since AND w.until LIMIT 1), interval '0')"
                    for c in columns
                )
                cursor.execute(
                    "WITH w (since, until, off) AS (SELECT * FROM unnest("  # noqa: S608
                    "%s::timestamptz[], %s::timestamptz[], %s::interval[])) "
                    f"UPDATE {table} SET {moved} WHERE {pk} IN ({ids})",
                    [*windows, *params],
                )
