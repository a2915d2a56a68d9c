"""Inventory history, low-stock alerts and a seller's shipping defaults (Seller Central, issue 10)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from catalog.models import Offer
from fulfillment.models.stock import Stock
from sellers.models import Seller


class InventoryChange(models.Model):
    """One change of one stock row: what moved, what it left, and why.

    Written only by the services of ``fulfillment.stock`` and ``fulfillment.inventory``
    (one bulk insert per call), never updated: the history of a stock row is its rows
    in ``id`` order.
    """

    class Cause(models.TextChoices):
        RESERVATION = "reservation", "Reserved for an order"
        SALE = "sale", "Sold (order paid)"
        RELEASE = "release", "Released (order cancelled or expired)"
        SHIPMENT = "shipment", "Shipped"
        SHIPMENT_VOIDED = "shipment_voided", "Label voided"
        RETURN = "return", "Returned to stock"
        MANUAL = "manual", "Set by hand"
        IMPORT = "import", "Imported"

    stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name="changes")
    delta_on_hand = models.IntegerField(default=0)
    delta_reserved = models.IntegerField(default=0)
    on_hand_after = models.IntegerField()
    reserved_after = models.IntegerField()
    cause = models.CharField(max_length=16, choices=Cause.choices)
    reference = models.CharField(max_length=40, blank=True, help_text="Order, return or import number.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["stock", "-id"], name="inventorychange_stock_idx")]

    def __str__(self):
        moved = f"{self.delta_on_hand:+d} on hand, {self.delta_reserved:+d} reserved"
        return f"{self.stock_id}: {moved} ({self.cause})"

    @property
    def available_after(self) -> int:
        return self.on_hand_after - self.reserved_after


class StockAlertSetting(models.Model):
    """A listing's low-stock threshold and whether its alert went out for the current crossing.

    ``alerted_at`` is set (conditionally, once) when the units available fall to or below the
    threshold, and cleared when they go back above it, which re-arms the alert.
    """

    offer = models.OneToOneField(Offer, on_delete=models.CASCADE, related_name="stock_alert")
    low_stock_threshold = models.PositiveIntegerField(validators=[MaxValueValidator(1_000_000)])
    alerted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(low_stock_threshold__lte=1_000_000), name="stock_alert_threshold_in_range"
            )
        ]

    def __str__(self):
        return f"Offer {self.offer_id}: alert at {self.low_stock_threshold}"


class SellerShippingSettings(models.Model):
    """A seller's shipping defaults; the handling time of each offer is ``Offer.handling_days``."""

    seller = models.OneToOneField(Seller, on_delete=models.CASCADE, related_name="shipping_settings")
    handling_days = models.PositiveSmallIntegerField(
        default=2,
        validators=[MaxValueValidator(30)],
        help_text="Business days from order to hand-over to the carrier, for new listings.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "seller shipping settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(handling_days__lte=30), name="seller_shipping_handling_at_most_30_days"
            )
        ]

    def __str__(self):
        return f"Shipping of {self.seller}: {self.handling_days} handling days"
