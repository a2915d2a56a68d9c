"""What orders holds about a person (carts, orders, messages), for the GDPR export and erasure."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from marketplace.accounts.privacy.registry import PrivacySection, rows_of
from orders.models import ApiIdempotencyKey, Cart, CartLine, Message, Order, OrderLine, SellerOrder

DELETED = "[deleted]"
# Kept for tax (the place of supply): ship_country, ship_region, ship_postal_code.
ERASED_SHIP_FIELDS = {
    "ship_full_name": DELETED,
    "ship_line1": DELETED,
    "ship_line2": "",
    "ship_city": DELETED,
    "ship_phone": "",
}
ORDER_FIELDS = [
    "id", "number", "status", "currency", "subtotal_amount", "shipping_amount", "tax_amount",
    "total_amount", "ship_full_name", "ship_line1", "ship_line2", "ship_city", "ship_region",
    "ship_postal_code", "ship_country", "ship_phone", "placed_at", "paid_at", "cancelled_at",
    "cancel_reason",
]  # fmt: skip


def orders_export(user) -> dict:
    return {
        "cart_lines": rows_of(
            CartLine.objects.filter(cart__user=user),
            ["id", "offer_id", "quantity", "saved_for_later", "added_at"],
        ),
        "orders": rows_of(Order.objects.filter(user=user), ORDER_FIELDS),
        "seller_orders": rows_of(
            SellerOrder.objects.filter(order__user=user),
            ["id", "order_id", "number", "seller__name", "status", "shipping_method_name", "total_amount"],
        ),
        "order_lines": rows_of(
            OrderLine.objects.filter(seller_order__order__user=user),
            ["id", "seller_order_id", "title", "sku", "condition", "quantity", "unit_price_amount"],
        ),
        # The whole conversation of each of the person's seller orders: their messages and the replies.
        "messages": rows_of(
            Message.objects.filter(conversation__seller_order__order__user=user),
            ["id", "conversation__seller_order__number", "author_kind", "body", "created_at"],
        ),
    }


def orders_erase(user) -> int:
    """Delete the cart; keep orders and message bodies (the seller's and tax records) without the person."""
    count = Cart.objects.filter(user=user).delete()[0]
    count += Order.objects.filter(user=user).update(**ERASED_SHIP_FIELDS)
    count += Message.objects.filter(author=user, author_kind=Message.Author.BUYER).update(author=None)
    # The API's stored answers to retried calls hold the shipping address.
    count += ApiIdempotencyKey.objects.filter(user=user).delete()[0]
    return count


def orders_refusals(user) -> list[str]:
    open_orders = Order.objects.filter(user=user, status__in=[Order.Status.PAID, Order.Status.ON_HOLD])
    numbers = list(open_orders.order_by("pk").values_list("number", flat=True)[:5])
    if not numbers:
        return []
    return [f"Order {', '.join(numbers)} is not finished yet (wait for delivery, or cancel it)."]


def orders_purge(now) -> int:
    """Delete carts untouched for RETENTION_CART_DAYS, guest carts for RETENTION_GUEST_DAYS, and the
    API's idempotency keys older than RETENTION_CART_DAYS."""
    count = Cart.objects.filter(updated_at__lt=now - timedelta(days=settings.RETENTION_CART_DAYS)).delete()[0]
    guest_cutoff = now - timedelta(days=settings.RETENTION_GUEST_DAYS)
    count += Cart.objects.filter(user__isnull=True, updated_at__lt=guest_cutoff).delete()[0]
    # A retry comes within minutes; the stored answers (with addresses) need not outlive a cart.
    key_cutoff = now - timedelta(days=settings.RETENTION_CART_DAYS)
    count += ApiIdempotencyKey.objects.filter(created_at__lt=key_cutoff).delete()[0]
    return count


SECTION = PrivacySection(
    key="orders", export=orders_export, erase=orders_erase, refusals=orders_refusals, purge=orders_purge
)
