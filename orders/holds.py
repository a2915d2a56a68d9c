"""Limits on stock held by unpaid orders, and releasing expired holds when a checkout needs them.

An unpaid order holds its units until ``reserved_until`` (ORDER_RESERVATION_MINUTES). Without
limits one account could hold an offer's whole stock with a few unpaid orders (hardening issue
14, item 4): so an account may have at most ``ORDER_MAX_UNPAID_PER_ACCOUNT`` orders waiting for
payment, holding at most ``ORDER_MAX_UNPAID_UNITS_PER_OFFER`` units of any one offer between
them. And a checkout that needs units held by orders whose hold has already expired releases
them itself (cancelling those orders as the beat task would), instead of waiting for the task.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Sum

from catalog.models import Offer
from marketplace.core.errors import ApplicationError
from orders.expiry import order_expire
from orders.models import Order, OrderLine

# Expired orders released by one checkout at most; the beat task takes any others.
RELEASE_LIMIT = 20


def holds_check(*, user, offers: dict[int, Offer], quantities: dict[int, int], now: datetime) -> None:
    """Refuse an order that would take the account past its limits on unpaid orders.

    The caller holds the account's row lock (``order_place``), so two checkouts of one account
    cannot both pass.
    """
    unpaid = OrderLine.objects.filter(
        seller_order__order__user=user,
        seller_order__order__status=Order.Status.PENDING_PAYMENT,
        seller_order__order__reserved_until__gte=now,
    )
    rows = list(unpaid.values("offer_id", "seller_order__order_id").annotate(units=Sum("quantity")))
    orders = {row["seller_order__order_id"] for row in rows}
    most_orders = settings.ORDER_MAX_UNPAID_PER_ACCOUNT
    if len(orders) >= most_orders:
        raise ApplicationError(
            f"You have {len(orders)} orders waiting for payment: pay for or cancel one of them "
            f"(Your orders) before placing another. At most {most_orders} can wait at once."
        )
    held: dict[int, int] = {}
    for row in rows:
        held[row["offer_id"]] = held.get(row["offer_id"], 0) + row["units"]
    most_units = settings.ORDER_MAX_UNPAID_UNITS_PER_OFFER
    for offer_id, quantity in quantities.items():
        already = held.get(offer_id, 0)
        if already + quantity > most_units:
            title = offers[offer_id].product.title
            raise ApplicationError(
                f"Your unpaid orders already hold {already} of {title}: at most {most_units} units of an "
                "item can wait for payment at once. Pay for those orders first, or order fewer."
            )


def expired_holds_release(*, offer_ids, now: datetime) -> int:
    """Cancel the unpaid orders past their hold that still hold units of these offers; return how many."""
    order_ids = list(
        Order.objects.filter(
            status=Order.Status.PENDING_PAYMENT,
            reserved_until__lt=now,
            seller_orders__lines__offer_id__in=list(offer_ids),
        )
        .order_by("reserved_until", "pk")
        .values_list("pk", flat=True)
        .distinct()[:RELEASE_LIMIT]
    )
    return sum(1 for order_id in order_ids if order_expire(order_id=order_id, now=now))
