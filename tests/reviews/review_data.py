"""Delivered order lines to review, built from the models (fast enough for property tests).

``delivered_line`` makes a paid order of one offer, its seller order
delivered and an outbound parcel delivered with the line in it: exactly what
``reviews.eligibility`` looks for. ``tests/fulfillment/returns_data.py``
makes the same through the real payment and carrier sandboxes, for journeys.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from fulfillment.models import Shipment, ShipmentLine
from orders.models import Order, SellerOrder, StockAllocation
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.orders.order_data import order_build

_tracking = itertools.count(1)


def variation_family(*, theme="Size", values=("S", "M", "L")):
    """A parent and its variations (``variant_attributes`` {theme: value})."""
    parent = ProductFactory(variation_theme=theme)
    children = [
        ProductFactory(
            parent=parent, category=parent.category, brand=parent.brand, variant_attributes={theme: v}
        )
        for v in values
    ]
    return parent, children


def delivered_line(
    *,
    user=None,
    product=None,
    offer=None,
    status=Shipment.Status.DELIVERED,
    quantity=1,
    direction=Shipment.Direction.OUTBOUND,
):
    """Return the order line of ``user`` buying ``product`` (or ``offer``), delivered by default."""
    user = user or UserFactory()
    offer = offer or OfferFactory(**({"product": product} if product is not None else {}))
    warehouse = WarehouseFactory(seller=offer.seller)
    stock = StockFactory(offer=offer, warehouse=warehouse, on_hand=quantity + 5)
    order = order_build(user=user, parts=[[(offer, quantity)]])
    now = timezone.now()
    delivered = status == Shipment.Status.DELIVERED
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, paid_at=now - timedelta(days=6))
    seller_order = order.seller_orders.get()
    SellerOrder.objects.filter(pk=seller_order.pk).update(
        status=SellerOrder.Status.DELIVERED if delivered else SellerOrder.Status.SHIPPED,
        shipped_at=now - timedelta(days=5),
        delivered_at=now - timedelta(days=1) if delivered else None,
    )
    line = seller_order.lines.get()
    StockAllocation.objects.filter(line=line).update(status=StockAllocation.Status.SHIPPED)
    shipment = Shipment.objects.create(
        seller_order=seller_order,
        warehouse=warehouse,
        direction=direction,
        carrier="sandbox",
        service="ground",
        service_name="Ground",
        tracking_number=f"TST{next(_tracking):09d}",
        status=status,
        weight_grams=500,
        length_cm=20,
        width_cm=15,
        height_cm=10,
        delivered_at=now - timedelta(days=1) if delivered else None,
    )
    ShipmentLine.objects.create(shipment=shipment, line=line, stock=stock, quantity=quantity)
    line.refresh_from_db()
    return line
