"""Order defects: claims, chargebacks and negative feedback, recorded once per seller order."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from fulfillment.models import (
    OrderDefect,
)
from marketplace.core.errors import ApplicationError
from orders.models import OrderEvent, SellerOrder


def order_defect_record(
    *, seller_order: SellerOrder, kind: str, source_id: str | int, occurred_at: datetime
) -> OrderDefect:
    """Record a defect of a seller order once; recording it again returns the first row.

    ``kind`` is an ``OrderDefect.Kind``; ``source_id`` is the claim's,
    dispute's or feedback's id in its own app. Refuse an unknown kind, an
    empty id or a naive time. The figures change at the next recomputation.
    """
    if kind not in OrderDefect.Kind.values:
        raise ApplicationError(f"{kind!r} is not a kind of order defect.", extra={"kind": kind})
    source = str(source_id).strip()
    if not source or len(source) > 64:
        raise ApplicationError("An order defect needs the id of its claim, dispute or feedback.")
    if timezone.is_naive(occurred_at):
        raise ApplicationError("The time of an order defect must carry its time zone.")
    defect, _created = OrderDefect.objects.get_or_create(
        seller_order=seller_order, kind=kind, source_id=source, defaults={"occurred_at": occurred_at}
    )
    return defect


def dispute_created_defects_record(*, dispute_id: int, order_id: int, **payload) -> None:
    """On ``dispute.created`` (payments): a chargeback defect for each seller order of the order.

    Payments debits each seller order's ledger for a dispute of the whole
    order, so each seller bears the defect too. The time is that of the
    order's "dispute" audit row, written with the dispute; now if missing.
    """
    audit = OrderEvent.objects.filter(order_id=order_id, kind="dispute", data__dispute_id=dispute_id).first()
    occurred_at = audit.created_at if audit else timezone.now()
    for seller_order in SellerOrder.objects.filter(order_id=order_id).order_by("pk"):
        order_defect_record(
            seller_order=seller_order,
            kind=OrderDefect.Kind.DISPUTE,
            source_id=dispute_id,
            occurred_at=occurred_at,
        )


def order_defect_withdraw(*, seller_order: SellerOrder, kind: str, source_id: str | int) -> bool:
    """Stop counting a defect whose source was withdrawn (removed negative feedback).

    Delete its row, so the seller order counts as defective only for what is
    left; return whether there was one. The figures change at the next
    recomputation, as when a defect is recorded.
    """
    deleted, _ = OrderDefect.objects.filter(
        seller_order=seller_order, kind=kind, source_id=str(source_id).strip()
    ).delete()
    return bool(deleted)
