"""The sandbox carrier's own records (its side of the world, not ours)."""

from django.db import models


class SandboxParcel(models.Model):
    """A parcel as the sandbox carrier knows it: its side of the world, not ours.

    The sandbox plans each parcel's scan events from these fields when the
    label is bought, and reveals them as its clock passes their times.
    """

    class Scenario(models.TextChoices):
        ON_TIME = "on_time", "On time"
        LATE = "late", "Late"
        EXCEPTION = "exception", "Exception, then delivered"
        RETURNED = "returned", "Returned to sender"

    tracking_number = models.CharField(max_length=40, unique=True)
    service = models.CharField(max_length=40)
    scenario = models.CharField(max_length=12, choices=Scenario.choices)
    origin = models.JSONField(help_text="city, region, postal_code, country")
    destination = models.JSONField(help_text="city, region, postal_code, country")
    label_created_at = models.DateTimeField()
    promised_by = models.DateField(null=True, blank=True)
    events = models.JSONField(default=list, help_text="The planned scan events, in time order.")
    pushed_through = models.DateTimeField(
        null=True, blank=True, help_text="Events up to this time were pushed by webhook."
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    is_return = models.BooleanField(default=False)

    class Meta:
        ordering = ["label_created_at", "id"]

    def __str__(self):
        return self.tracking_number


class SandboxClock(models.Model):
    """How far the sandbox carrier's clock runs ahead of the real one (a single row)."""

    offset_seconds = models.BigIntegerField(default=0)

    def __str__(self):
        return f"sandbox clock +{self.offset_seconds}s"
