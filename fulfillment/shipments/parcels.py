"""Putting units of a paid seller order in parcels: labels, stock leaving the warehouse, voiding."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from fulfillment.carriers import carrier_get
from fulfillment.carriers.base import LabelRequest, Parcel, PostalAddress
from fulfillment.models import (
    Shipment,
    ShipmentLabel,
    ShipmentLine,
    Warehouse,
)
from fulfillment.stock import stock_ship_units, stock_unship_units
from marketplace.core import events
from marketplace.core.errors import ApplicationError
from orders.lifecycle import order_lock, seller_order_transition
from orders.models import Order, OrderLine, SellerOrder, StockAllocation

SS = SellerOrder.Status


ST = Shipment.Status


SHIPPABLE = frozenset({SS.READY_TO_SHIP, SS.PARTIALLY_SHIPPED})


OUTBOUND = Shipment.Direction.OUTBOUND


@dataclass(frozen=True)
class ParcelSpec:
    weight_grams: int
    length_cm: int
    width_cm: int
    height_cm: int


def warehouse_address(warehouse: Warehouse) -> PostalAddress:
    return PostalAddress(
        name=warehouse.name,
        line1=warehouse.line1 or warehouse.name,
        city=warehouse.city,
        region=warehouse.region,
        postal_code=warehouse.postal_code,
        country=warehouse.country,
    )


def order_address(order: Order) -> PostalAddress:
    return PostalAddress(
        name=order.ship_full_name,
        line1=order.ship_line1,
        line2=order.ship_line2,
        city=order.ship_city,
        region=order.ship_region,
        postal_code=order.ship_postal_code,
        country=order.ship_country,
        phone=order.ship_phone,
    )


def _checked_quantities(quantities: dict, line_ids: set[int]) -> dict[int, int]:
    checked = {}
    for line_id, quantity in quantities.items():
        if line_id not in line_ids:
            raise ApplicationError(f"Line {line_id} is not part of this order.", extra={"line_id": line_id})
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise ApplicationError(f"{quantity!r} is not a number of units.", extra={"line_id": line_id})
        if quantity:
            checked[line_id] = quantity
    if not checked:
        raise ApplicationError("Choose at least one unit to put in the parcel.")
    return checked


def _check_parcel(parcel: ParcelSpec) -> None:
    for name in ("weight_grams", "length_cm", "width_cm", "height_cm"):
        value = getattr(parcel, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
            raise ApplicationError(f"The parcel's {name.split('_')[0]} must be a whole number above zero.")


def _lock_shippable(seller_order: SellerOrder) -> tuple[Order, SellerOrder]:
    order = order_lock(order_id=seller_order.order_id)
    locked = SellerOrder.objects.select_for_update().get(pk=seller_order.pk)
    if order.status != Order.Status.PAID:
        raise ApplicationError(
            f"Order {order.number} is {order.get_status_display().lower()}: only paid orders ship.",
            extra={"status": order.status},
        )
    if locked.status not in SHIPPABLE:
        raise ApplicationError(
            f"Seller order {locked.number} is {locked.get_status_display().lower()} and cannot ship.",
            extra={"status": locked.status},
        )
    return order, locked


def _ship_lines(
    *, lines: dict[int, OrderLine], quantities: dict[int, int], warehouse: Warehouse, reference: str = ""
) -> list:
    """Take the units out of the warehouse's stock; return [(line, stock id, units), ...]."""
    # The lines' committed allocations at this warehouse (not every stock row it holds: a big
    # warehouse has one per offer).
    waiting_here = StockAllocation.objects.filter(
        line_id__in=list(quantities), stock__warehouse=warehouse, status=StockAllocation.Status.COMMITTED
    )
    stock_ids = sorted(set(waiting_here.values_list("stock_id", flat=True)))
    committed = dict(
        waiting_here.values("line_id").annotate(units=Sum("quantity")).values_list("line_id", "units")
    )
    shipped = []
    for line_id in sorted(quantities):
        line, quantity, waiting = lines[line_id], quantities[line_id], committed.get(line_id, 0)
        if waiting == 0:
            raise ApplicationError(
                f"{warehouse.name} holds no units of {line.title} for this order.",
                extra={"line_id": line_id},
            )
        if quantity > waiting:
            raise ApplicationError(
                f"Only {waiting} of {line.title} wait to ship from {warehouse.name}; {quantity} asked.",
                extra={"line_id": line_id, "waiting": waiting},
            )
        for stock_id, units in stock_ship_units(
            line_id=line_id, stock_ids=stock_ids, quantity=quantity, reference=reference
        ):
            shipped.append((line, stock_id, units))
    return shipped


def _units_left(seller_order: SellerOrder) -> int:
    ordered = OrderLine.objects.filter(seller_order=seller_order).aggregate(n=Sum("quantity"))["n"] or 0
    shipped = (
        ShipmentLine.objects.filter(shipment__seller_order=seller_order)
        .exclude(shipment__status=ST.VOIDED)
        .aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    return ordered - shipped


@transaction.atomic
def shipment_create(
    *,
    seller_order: SellerOrder,
    warehouse: Warehouse,
    quantities: dict[int, int],
    parcel: ParcelSpec,
    service: str,
    carrier: str = "sandbox",
    actor=None,
) -> Shipment:
    """Put units of a paid seller order in a parcel, buy its label and take the units out of stock.

    ``quantities`` maps order line ids to units. Refuse (``ApplicationError``,
    nothing changed) an order that is not paid or is held or cancelled, a
    warehouse of another seller, more units than wait to ship from that
    warehouse, or a carrier that refuses the label. The seller order becomes
    shipped once every unit is in a shipment, partially shipped before.
    """
    _check_parcel(parcel)
    order, locked = _lock_shippable(seller_order)
    if warehouse.seller_id not in (None, locked.seller_id) or not warehouse.is_active:
        raise ApplicationError(f"{warehouse.name} is not one of this seller's warehouses.")
    lines = {line.pk: line for line in OrderLine.objects.filter(seller_order=locked)}
    shipped = _ship_lines(
        lines=lines,
        quantities=_checked_quantities(quantities, set(lines)),
        warehouse=warehouse,
        reference=locked.number,
    )
    shipment = parcel_buy(
        seller_order=locked,
        warehouse=warehouse,
        parcel=parcel,
        service=service,
        carrier=carrier,
        ship_from=warehouse_address(warehouse),
        ship_to=order_address(order),
        actor=actor,
    )
    units = defaultdict(int)
    for line, stock_id, count in shipped:
        units[line.pk, stock_id] += count
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, line_id=line_id, stock_id=stock_id, quantity=count)
        for (line_id, stock_id), count in sorted(units.items())
    )
    to = SS.SHIPPED if _units_left(locked) == 0 else SS.PARTIALLY_SHIPPED
    if to != locked.status:
        message = f"{carrier_get(shipment.carrier).name} {shipment.tracking_number}"
        seller_order_transition(seller_order=locked, to=to, actor=actor, message=message)
    _sync_seller_order(seller_order, locked)
    events.emit("shipment.shipped", shipment_id=shipment.pk, seller_order_id=locked.pk, order_id=order.pk)
    return shipment


def parcel_buy(
    *,
    seller_order: SellerOrder,
    warehouse: Warehouse,
    parcel: ParcelSpec,
    service: str,
    carrier: str,
    ship_from: PostalAddress,
    ship_to: PostalAddress,
    actor=None,
    direction: str = Shipment.Direction.OUTBOUND,
) -> Shipment:
    """Buy a label from the carrier and record the parcel with it (no units, no state change).

    The caller holds the seller order's lock. ``CarrierError`` from the carrier
    propagates (it is an ``ApplicationError``) and the transaction rolls back.
    """
    adapter = carrier_get(carrier)
    is_return = direction == Shipment.Direction.RETURN
    label = adapter.label_create(
        request=LabelRequest(
            service=service,
            ship_from=ship_from,
            ship_to=ship_to,
            parcel=Parcel(parcel.weight_grams, parcel.length_cm, parcel.width_cm, parcel.height_cm),
            reference=seller_order.number,
            promised_by=None if is_return else seller_order.promised_to,
            is_return=is_return,
        )
    )
    shipment = Shipment.objects.create(
        seller_order=seller_order,
        warehouse=warehouse,
        direction=direction,
        carrier=adapter.code,
        service=label.service,
        service_name=label.service_name,
        tracking_number=label.tracking_number,
        weight_grams=parcel.weight_grams,
        length_cm=parcel.length_cm,
        width_cm=parcel.width_cm,
        height_cm=parcel.height_cm,
        postage_amount=label.postage_amount,
        currency=label.currency,
        created_by=actor if getattr(actor, "pk", None) else None,
        status_changed_at=timezone.now(),
    )
    ShipmentLabel.objects.create(shipment=shipment, pdf=label.label_pdf)
    return shipment


def _sync_seller_order(target: SellerOrder, locked: SellerOrder) -> None:
    locked.refresh_from_db(fields=["status", "shipped_at", "delivered_at", "updated_at"])
    if target is not locked:
        for field in ("status", "shipped_at", "delivered_at", "updated_at"):
            setattr(target, field, getattr(locked, field))


@transaction.atomic
def shipment_void(*, shipment: Shipment, actor=None) -> Shipment:
    """Void an unused label before pick-up: the units go back to stock, waiting to ship again."""
    order_lock(order_id=shipment.seller_order.order_id)
    seller_order = SellerOrder.objects.select_for_update().get(pk=shipment.seller_order_id)
    locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if locked.is_return:
        raise ApplicationError(
            f"Parcel {locked.tracking_number} is a return label: cancel the return to void it."
        )
    if locked.status != ST.LABEL_CREATED:
        raise ApplicationError(
            f"Parcel {locked.tracking_number} is {locked.get_status_display().lower()}: "
            "only a label not yet picked up can be voided.",
            extra={"status": locked.status},
        )
    carrier_get(locked.carrier).label_void(tracking_number=locked.tracking_number)
    for line in locked.lines.order_by("pk"):
        stock_unship_units(
            line_id=line.line_id,
            stock_id=line.stock_id,
            quantity=line.quantity,
            reference=seller_order.number,
        )
    now = timezone.now()
    locked.status, locked.voided_at, locked.status_changed_at = ST.VOIDED, now, now
    locked.save(update_fields=["status", "voided_at", "status_changed_at"])
    shipped_any = seller_order.shipments.filter(direction=OUTBOUND).exclude(status=ST.VOIDED).exists()
    to = SS.PARTIALLY_SHIPPED if shipped_any else SS.READY_TO_SHIP
    if to != seller_order.status:
        seller_order_transition(
            seller_order=seller_order, to=to, actor=actor, message=f"Label {locked.tracking_number} voided."
        )
    events.emit("shipment.voided", shipment_id=locked.pk, seller_order_id=seller_order.pk)
    shipment_sync(shipment, locked)
    return locked


def shipment_sync(target: Shipment, locked: Shipment) -> None:
    if target is not locked:
        for field in ("status", "picked_up_at", "delivered_at", "voided_at", "status_changed_at"):
            setattr(target, field, getattr(locked, field))
