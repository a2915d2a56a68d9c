"""Parcels, outbound and returning: their units, labels and carrier scans."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from fulfillment.models.stock import Stock, Warehouse


class Shipment(models.Model):
    """One parcel of a seller order: its lines, where it leaves from, and its carrier's tracking.

    Written only through ``fulfillment.shipments``; the status moves forward
    with the carrier's scan events and never back.
    """

    class Status(models.TextChoices):
        LABEL_CREATED = "label_created", "Label created"
        IN_TRANSIT = "in_transit", "In transit"
        OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
        DELIVERED = "delivered", "Delivered"
        EXCEPTION = "exception", "Delivery problem"
        RETURNED_TO_SENDER = "returned_to_sender", "Returned to sender"
        VOIDED = "voided", "Label voided"

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", "To the shopper"
        RETURN = "return", "Return to the seller"

    seller_order = models.ForeignKey("orders.SellerOrder", on_delete=models.PROTECT, related_name="shipments")
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        related_name="shipments",
        help_text="Where it leaves from; for a return parcel, where it goes back to.",
    )
    direction = models.CharField(
        max_length=8,
        choices=Direction.choices,
        default=Direction.OUTBOUND,
        help_text="A return parcel carries no units out of stock and never delivers the seller order.",
    )
    carrier = models.CharField(max_length=20, help_text="The carrier adapter's code, e.g. sandbox.")
    service = models.CharField(max_length=40)
    service_name = models.CharField(max_length=80)
    tracking_number = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LABEL_CREATED)
    weight_grams = models.PositiveIntegerField()
    length_cm = models.PositiveSmallIntegerField()
    width_cm = models.PositiveSmallIntegerField()
    height_cm = models.PositiveSmallIntegerField()
    postage_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, default="USD")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    last_tracked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seller_order", "created_at", "id"]
        indexes = [
            models.Index(
                fields=["last_tracked_at"],
                name="shipment_open_idx",
                condition=Q(status__in=["label_created", "in_transit", "out_for_delivery", "exception"]),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="unique_tracking_per_carrier"
            ),
            models.CheckConstraint(
                condition=Q(weight_grams__gte=1)
                & Q(length_cm__gte=1)
                & Q(width_cm__gte=1)
                & Q(height_cm__gte=1),
                name="shipment_parcel_size_positive",
            ),
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"

    @property
    def is_return(self) -> bool:
        return self.direction == self.Direction.RETURN

    @property
    def is_open(self) -> bool:
        """Still moving: tracking is refreshed for it."""
        return self.status in OPEN_SHIPMENT_STATUSES


OPEN_SHIPMENT_STATUSES = frozenset(
    {
        Shipment.Status.LABEL_CREATED,
        Shipment.Status.IN_TRANSIT,
        Shipment.Status.OUT_FOR_DELIVERY,
        Shipment.Status.EXCEPTION,
    }
)


class ShipmentLine(models.Model):
    """Units of one order line in a shipment, from one stock row of its warehouse."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="shipment_lines")
    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="shipment_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["shipment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line", "stock"], name="unique_shipment_line"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shipment_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} x line {self.line_id} in {self.shipment_id}"


class ShipmentLabel(models.Model):
    """The carrier's label of a shipment, as the PDF it returned (kept apart: it is large)."""

    shipment = models.OneToOneField(Shipment, on_delete=models.CASCADE, related_name="label")
    pdf = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Label of {self.shipment_id}"


class TrackingEvent(models.Model):
    """One scan of a parcel as its carrier reported it, by webhook or when polled.

    The carrier's event id is unique per shipment, so an event delivered twice
    is recorded once.
    """

    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        POLL = "poll", "Polled"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="tracking_events")
    event_id = models.CharField(max_length=64)
    code = models.CharField(max_length=32, help_text="picked_up, departed, arrived, out_for_delivery, ...")
    status = models.CharField(max_length=20, choices=Shipment.Status.choices)
    description = models.CharField(max_length=200)
    location = models.CharField(max_length=120, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=8, choices=Source.choices)

    class Meta:
        ordering = ["shipment", "occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "event_id"], name="unique_tracking_event"),
        ]

    def __str__(self):
        return f"{self.shipment_id} {self.code} at {self.occurred_at:%Y-%m-%d %H:%M}"
