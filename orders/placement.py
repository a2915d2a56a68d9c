"""Placing an order: one transaction that never oversells and never runs twice.

``order_place`` validates the lines, prices shipping per seller
(``fulfillment.shipping``) and every amount (``orders.totals``), claims the
checkout's idempotency key by inserting the Order, reserves the stock
(``fulfillment.stock.stock_reserve``: row locks in primary-key order, nearest
warehouse first, all or nothing), and writes the SellerOrders, the lines with
their snapshots, the stock allocations and the audit event. Expiry of unpaid
orders lives in ``orders.expiry``. See docs/decisions/0010-order-placement.md.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Offer
from fulfillment.shipping import (
    Destination,
    ShippableItem,
    ShippingOption,
    shipping_context_load,
    shipping_options,
    shipping_quote,
)
from fulfillment.stock import stock_reserve
from marketplace.accounts.models import Address
from marketplace.core import events, inputs
from marketplace.core.errors import ApplicationError
from orders.cart import parse_quantity
from orders.holds import expired_holds_release, holds_check
from orders.models import Order, OrderEvent, OrderLine, SellerOrder, StockAllocation
from orders.numbers import order_number_new, seller_order_number
from orders.totals import OrderTotals, TotalsLine, order_totals
from sellers.models import Seller

NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class PlacementLine:
    offer_id: int
    quantity: int


@transaction.atomic
def order_place(
    *,
    user,
    idempotency_key: uuid.UUID,
    address: Address,
    lines: list[PlacementLine],
    shipping_choices: dict[int, str],
    now: datetime | None = None,
) -> Order:
    """Place an order for ``lines`` shipped to ``address``; return it.

    ``shipping_choices`` maps a seller id to a shipping method code; a seller
    without a choice ships by its cheapest method. Posting the same
    ``idempotency_key`` again returns the order already placed with it.
    Raise ApplicationError (``OutOfStock`` when stock is short) saying why,
    having changed nothing.
    """
    now = now or timezone.now()
    idempotency_key = _checked_key(idempotency_key)
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_user(existing, user)
    if address.user_id != user.pk:
        raise ApplicationError("Choose one of your own addresses.")

    quantities = _checked_quantities(lines)
    offers = _offers_for_sale(quantities)
    # One checkout of an account at a time, so the limits on unpaid orders hold (orders/holds.py).
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    holds_check(user=user, offers=offers, quantities=quantities, now=now)
    destination = destination_for_address(address)
    currency = _currency(offers)
    shipping = _shipping_per_seller(offers, quantities, destination, shipping_choices, now, currency)
    totals = order_totals(
        lines=[
            TotalsLine(
                offer_id=offer.pk,
                seller_id=offer.seller_id,
                unit_price=offer.price_amount,
                quantity=quantities[offer.pk],
                tax_class=offer.product.tax_class,
                currency=offer.currency,
            )
            for offer in offers.values()
        ],
        shipping={seller_id: option.amount for seller_id, option in shipping.items()},
        destination=destination,
        currency=currency,
    )

    order, created = _order_create(
        user=user, idempotency_key=idempotency_key, address=address, totals=totals, now=now
    )
    if not created:
        return order
    expired_holds_release(offer_ids=quantities, now=now)
    reserved = stock_reserve(offer_quantities=quantities, destination=destination, reference=order.number)
    order_lines = _write_parts(
        order=order, offers=offers, quantities=quantities, shipping=shipping, totals=totals
    )
    StockAllocation.objects.bulk_create(
        [
            StockAllocation(line=line, stock_id=stock_id, quantity=quantity)
            for line in order_lines
            for stock_id, quantity in reserved[line.offer_id]
        ]
    )
    OrderEvent.objects.create(
        order=order,
        kind="placed",
        to_status=order.status,
        actor=user,
        message="Order placed.",
        data={
            "sellers": len(shipping),
            "lines": len(offers),
            "reserved_until": order.reserved_until.isoformat(),
        },
    )
    events.emit("order.placed", order_id=order.pk)
    return order


def destination_for_address(address: Address) -> Destination:
    """Return the shipping destination of an address book entry."""
    return Destination(
        country=address.country,
        region=address.region,
        postal_code=address.postal_code,
        city=address.city,
        latitude=getattr(address, "latitude", None),
        longitude=getattr(address, "longitude", None),
    )


def _checked_key(key) -> uuid.UUID:
    try:
        return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        raise ApplicationError("This checkout page has expired; please reload it.") from None


def _same_user(order: Order, user) -> Order:
    if order.user_id != user.pk:
        raise ApplicationError("This checkout was already used; please reload the page.")
    return order


def _checked_quantities(lines: list[PlacementLine]) -> dict[int, int]:
    """Return ``{offer_id: quantity}`` in the order given, refusing bad lines."""
    if not lines:
        raise ApplicationError("Your order has no items.")
    max_lines = getattr(settings, "CART_MAX_LINES", 50)
    if len(lines) > max_lines:
        raise ApplicationError(f"An order can hold at most {max_lines} different items.")
    quantities: dict[int, int] = {}
    for line in lines:
        offer_id = inputs.parse_id(line.offer_id, message="That item could not be found.")
        if offer_id in quantities:
            raise ApplicationError("The same item appears twice in the order.")
        quantities[offer_id] = parse_quantity(line.quantity)
    return quantities


def _offers_for_sale(quantities: dict[int, int]) -> dict[int, Offer]:
    """Return the offers by id in the lines' order; refuse any that cannot be bought."""
    found = Offer.objects.select_related("product", "seller").in_bulk(list(quantities))
    offers = {}
    for offer_id in quantities:
        offer = found.get(offer_id)
        if offer is None:
            raise ApplicationError("An item in your order is no longer available.")
        if not offer.is_active or not offer.product.is_active:
            raise ApplicationError(f"{offer.product.title} is no longer available.")
        if offer.seller.status != Seller.Status.APPROVED:
            raise ApplicationError(
                f"{offer.seller.name} is not selling at the moment, so {offer.product.title} "
                "cannot be ordered."
            )
        offers[offer_id] = offer
    return offers


def _currency(offers: dict[int, Offer]) -> str:
    currencies = {offer.currency for offer in offers.values()}
    if len(currencies) > 1:
        raise ApplicationError("All items in an order must be priced in the same currency.")
    return currencies.pop()


def _shipping_per_seller(
    offers, quantities, destination, choices, now, currency
) -> dict[int, ShippingOption]:
    """Return the shipping option of every seller, in the order sellers first appear."""
    items = defaultdict(list)
    for offer in offers.values():
        items[offer.seller_id].append(
            ShippableItem(
                offer_id=offer.pk,
                quantity=quantities[offer.pk],
                weight_grams=offer.product.weight_grams,
                handling_days=offer.handling_days,
                surcharge_amount=offer.shipping_amount,
            )
        )
    choices = {int(seller_id): code for seller_id, code in (choices or {}).items()}
    # The rates, every seller's warehouses and the holidays are read once for all sellers.
    context = shipping_context_load(seller_ids=items, destination=destination, now=now)
    shipping = {}
    for seller_id, seller_items in items.items():
        code = choices.get(seller_id)
        arguments = {
            "seller_id": seller_id,
            "items": seller_items,
            "destination": destination,
            "now": now,
            "context": context,
        }
        option = shipping_quote(method_code=code, **arguments) if code else shipping_options(**arguments)[0]
        if option.currency != currency:
            raise ApplicationError("This seller cannot ship to you in the order's currency.")
        shipping[seller_id] = option
    return shipping


def _order_create(*, user, idempotency_key, address, totals: OrderTotals, now) -> tuple[Order, bool]:
    """Insert the Order, claiming the idempotency key; return (order, created).

    When a concurrent request with the same key inserted first, the unique
    constraint makes this insert wait for it and fail; return its order.
    """
    fields = {
        "user": user,
        "idempotency_key": idempotency_key,
        "currency": totals.currency,
        "subtotal_amount": totals.subtotal,
        "shipping_amount": totals.shipping,
        "tax_amount": totals.tax,
        "total_amount": totals.total,
        "ship_full_name": address.full_name,
        "ship_line1": address.line1,
        "ship_line2": address.line2,
        "ship_city": address.city,
        "ship_region": address.region,
        "ship_postal_code": address.postal_code,
        "ship_country": address.country,
        "ship_phone": address.phone,
        "reserved_until": now + timedelta(minutes=settings.ORDER_RESERVATION_MINUTES),
    }
    for _ in range(NUMBER_ATTEMPTS):
        number = order_number_new()
        try:
            with transaction.atomic():
                return Order.objects.create(number=number, **fields), True
        except IntegrityError:
            winner = Order.objects.filter(idempotency_key=idempotency_key).first()
            if winner is not None:
                return _same_user(winner, user), False
            if not Order.objects.filter(number=number).exists():
                raise
            # The random number was taken: draw another.
    raise ApplicationError("We could not number your order; please try again.")


def _write_parts(*, order, offers, quantities, shipping, totals: OrderTotals) -> list[OrderLine]:
    """Write one SellerOrder per seller and the lines with their snapshots; return the lines."""
    seller_orders = SellerOrder.objects.bulk_create(
        [
            SellerOrder(
                order=order,
                seller_id=seller_id,
                number=seller_order_number(order.number, index),
                shipping_method=option.code,
                shipping_method_name=option.name,
                subtotal_amount=totals.sellers[seller_id].subtotal,
                shipping_amount=totals.sellers[seller_id].shipping,
                tax_amount=totals.sellers[seller_id].tax,
                total_amount=totals.sellers[seller_id].total,
                promised_from=option.promised_from,
                promised_to=option.promised_to,
            )
            for index, (seller_id, option) in enumerate(shipping.items(), start=1)
        ]
    )
    by_seller = {seller_order.seller_id: seller_order for seller_order in seller_orders}
    new_lines = []
    for offer in offers.values():
        line_totals = totals.sellers[offer.seller_id].lines[offer.pk]
        new_lines.append(
            OrderLine(
                seller_order=by_seller[offer.seller_id],
                offer=offer,
                product=offer.product,
                title=offer.product.title,
                sku=offer.sku,
                condition=offer.condition,
                unit_price_amount=offer.price_amount,
                quantity=quantities[offer.pk],
                tax_rate=line_totals.tax_rate,
                tax_amount=line_totals.tax_amount,
                total_amount=line_totals.total,
            )
        )
    return OrderLine.objects.bulk_create(new_lines)
