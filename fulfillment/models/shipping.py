"""What shipping costs and how long it takes: zones, methods, rates and carrier holidays."""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q


class ShippingZone(models.Model):
    """Destinations priced alike: a list of countries, optionally narrowed to regions.

    A zone with ``regions`` matches only those regions of its countries and wins
    over a zone that lists the country alone.
    """

    name = models.CharField(max_length=80, unique=True)
    countries = ArrayField(
        models.CharField(max_length=2), help_text="ISO 3166-1 alpha-2 codes, comma-separated: US,CA."
    )
    regions = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        help_text="Optional region codes (e.g. AK,HI); empty means the whole of each country.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ShippingMethod(models.Model):
    """A speed of delivery the marketplace offers: standard, expedited, same-day."""

    class Code(models.TextChoices):
        STANDARD = "standard", "Standard"
        EXPEDITED = "expedited", "Expedited"
        SAME_DAY = "same_day", "Same-day"

    code = models.CharField(max_length=20, choices=Code.choices, unique=True)
    name = models.CharField(max_length=60)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class ShippingRate(models.Model):
    """The price and transit time of one method to one zone, up to a weight.

    The amount is ``base_amount + per_kg_amount * ceil(kg)``.
    """

    method = models.ForeignKey(ShippingMethod, on_delete=models.CASCADE, related_name="rates")
    zone = models.ForeignKey(ShippingZone, on_delete=models.CASCADE, related_name="rates")
    base_amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    per_kg_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, default="USD")
    max_weight_grams = models.PositiveIntegerField(help_text="Heavier shipments cannot use this rate.")
    transit_days_min = models.PositiveSmallIntegerField(help_text="Business days after dispatch.")
    transit_days_max = models.PositiveSmallIntegerField(help_text="Business days after dispatch.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["zone", "method"]
        constraints = [
            models.UniqueConstraint(fields=["method", "zone"], name="unique_shipping_rate_per_method_zone"),
            models.CheckConstraint(
                condition=Q(base_amount__gte=0) & Q(per_kg_amount__gte=0),
                name="shipping_rate_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(transit_days_min__lte=F("transit_days_max")),
                name="shipping_rate_transit_range_valid",
            ),
        ]

    def __str__(self):
        return f"{self.method} to {self.zone}"


class Holiday(models.Model):
    """A public holiday: no handling or transit happens on it in that country."""

    country = models.CharField(max_length=2)
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date", "country"]
        constraints = [
            models.UniqueConstraint(fields=["country", "date"], name="unique_holiday_per_country_date")
        ]

    def __str__(self):
        return f"{self.name} ({self.country}, {self.date:%Y-%m-%d})"
