"""Where stock is: warehouses (a seller's or the marketplace's) and units per offer."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from catalog.models import Offer
from sellers.models import Seller


def validate_timezone(value: str) -> None:
    """Refuse a name that is not in the IANA time zone database."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone name, e.g. America/New_York.")


class Warehouse(models.Model):
    """A place stock is shipped from: a seller's own, or a marketplace centre."""

    seller = models.ForeignKey(
        Seller,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warehouses",
        help_text="Empty for a fulfilment centre run by the marketplace.",
    )
    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=40, unique=True)
    line1 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US")
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    is_active = models.BooleanField(default=True)
    timezone = models.CharField(
        max_length=64,
        default="America/New_York",
        validators=[validate_timezone],
        help_text="IANA name; the cut-off hour and business days are counted in it.",
    )
    cutoff_hour = models.PositiveSmallIntegerField(
        default=14,
        validators=[MaxValueValidator(23)],
        help_text="Orders placed at or after this local hour are handled from the next business day.",
    )
    same_day_radius_km = models.PositiveIntegerField(
        default=0, help_text="Same-day delivery within this distance; 0 offers no same-day delivery."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(cutoff_hour__lte=23), name="warehouse_cutoff_hour_valid"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180),
                name="warehouse_location_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.city}, {self.country})"


class Stock(models.Model):
    """Units of one offer held in one warehouse.

    ``reserved`` units are promised to unpaid orders; ``on_hand - reserved`` can
    be sold. The database, not the code, guarantees neither goes negative and
    no more is reserved than is on hand.
    """

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="stocks")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocks")
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "stock"
        ordering = ["offer", "warehouse"]
        indexes = [models.Index(fields=["warehouse"], name="stock_warehouse_idx")]
        constraints = [
            models.UniqueConstraint(fields=["offer", "warehouse"], name="unique_stock_per_offer_warehouse"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self):
        return f"{self.offer_id} @ {self.warehouse_id}: {self.on_hand} on hand, {self.reserved} reserved"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved
