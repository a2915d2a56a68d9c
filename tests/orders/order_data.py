"""Orders built directly from the models, with stock reserved through ``stock_reserve``.

``order_build(user=..., parts=[[(offer, qty), ...], ...])`` makes one order
with one seller order per part (each part's offers must share a seller).
"""

import uuid
from decimal import Decimal

from fulfillment.stock import stock_reserve
from orders.models import Order, OrderEvent, OrderLine, SellerOrder, StockAllocation
from orders.numbers import order_number_new, seller_order_number

SHIPPING = Decimal("4.00")
TAX_RATE = Decimal("0.1000")


def order_build(*, user, parts, reserved_until=None) -> Order:
    """Create a pending order for ``parts`` (lists of (offer, quantity), one list per seller)."""
    number = order_number_new()
    seller_orders = []
    for part in parts:
        subtotal = sum((offer.price_amount * quantity for offer, quantity in part), start=Decimal("0"))
        tax = (subtotal * TAX_RATE).quantize(Decimal("0.01"))
        seller_orders.append((part, subtotal, tax))
    subtotal = sum((s for _, s, _ in seller_orders), start=Decimal("0"))
    tax = sum((t for _, _, t in seller_orders), start=Decimal("0"))
    shipping = SHIPPING * len(parts)
    order = Order.objects.create(
        number=number,
        user=user,
        idempotency_key=uuid.uuid4(),
        subtotal_amount=subtotal,
        shipping_amount=shipping,
        tax_amount=tax,
        total_amount=subtotal + shipping + tax,
        ship_full_name="Ada Lovelace",
        ship_line1="12 Analytical Way",
        ship_city="Reno",
        ship_region="NV",
        ship_postal_code="89501",
        ship_country="US",
        reserved_until=reserved_until,
    )
    for index, (part, part_subtotal, part_tax) in enumerate(seller_orders, start=1):
        seller_order = SellerOrder.objects.create(
            order=order,
            seller=part[0][0].seller,
            number=seller_order_number(number, index),
            shipping_method="standard",
            shipping_method_name="Standard",
            subtotal_amount=part_subtotal,
            shipping_amount=SHIPPING,
            tax_amount=part_tax,
            total_amount=part_subtotal + SHIPPING + part_tax,
        )
        reserved = stock_reserve(offer_quantities={offer.pk: quantity for offer, quantity in part})
        for offer, quantity in part:
            line = OrderLine.objects.create(
                seller_order=seller_order,
                offer=offer,
                product=offer.product,
                title=offer.product.title,
                sku=offer.sku,
                condition=offer.condition,
                unit_price_amount=offer.price_amount,
                quantity=quantity,
                tax_rate=TAX_RATE,
                tax_amount=(offer.price_amount * quantity * TAX_RATE).quantize(Decimal("0.01")),
                total_amount=offer.price_amount * quantity,
            )
            for stock_id, units in reserved[offer.pk]:
                StockAllocation.objects.create(line=line, stock_id=stock_id, quantity=units)
    OrderEvent.objects.create(order=order, kind="placed", to_status=Order.Status.PENDING_PAYMENT)
    return order
