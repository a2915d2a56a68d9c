import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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


class ReturnPolicy(models.Model):
    """A seller's return terms; a seller without one gets the marketplace's defaults (settings)."""

    class ShippingRefund(models.TextChoices):
        SELLER_FAULT = (
            "seller_fault",
            "When the seller is at fault (damaged, defective, wrong item, not as described)",
        )
        ALWAYS = "always", "On every return"
        NEVER = "never", "Never"

    seller = models.OneToOneField(Seller, on_delete=models.CASCADE, related_name="return_policy")
    window_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text="Days after delivery in which a return can be asked for; 0 takes no returns.",
    )
    shipping_refund = models.CharField(
        max_length=12, choices=ShippingRefund.choices, default=ShippingRefund.SELLER_FAULT
    )
    review_every_return = models.BooleanField(
        default=False, help_text="Wait for the seller's decision even for reasons approved automatically."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "return policies"

    def __str__(self):
        return f"Returns to {self.seller}: {self.window_days} days"


class ReturnRequest(models.Model):
    """A shopper's return of units of one seller order (an RMA), from request to refund.

    Written only through ``fulfillment.returns``.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for the seller"
        APPROVED = "approved", "Approved: send it back"
        REJECTED = "rejected", "Rejected"
        RECEIVED = "received", "Received by the seller"
        REFUNDED = "refunded", "Refunded"
        CANCELLED = "cancelled", "Cancelled"

    class Reason(models.TextChoices):
        DAMAGED = "damaged", "Arrived damaged"
        DEFECTIVE = "defective", "Defective or does not work"
        WRONG_ITEM = "wrong_item", "Wrong item was sent"
        NOT_AS_DESCRIBED = "not_as_described", "Not as described"
        NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
        ORDERED_BY_MISTAKE = "ordered_by_mistake", "Ordered by mistake"
        BETTER_PRICE = "better_price", "Found a better price"
        OTHER = "other", "Other (please say)"

    number = models.CharField(max_length=32, unique=True)
    seller_order = models.ForeignKey("orders.SellerOrder", on_delete=models.PROTECT, related_name="returns")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    comment = models.CharField(max_length=500, blank=True)
    auto_approved = models.BooleanField(default=False)
    seller_note = models.CharField(max_length=500, blank=True)
    refund_shipping = models.BooleanField(
        default=False, help_text="Its seller order's shipping is refunded with it (policy at request time)."
    )
    shipment = models.OneToOneField(
        Shipment, null=True, blank=True, on_delete=models.PROTECT, related_name="return_request"
    )
    restocked = models.BooleanField(default=False)
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    refund_reference = models.CharField(
        max_length=40, blank=True, help_text="The payments app's refund id, once refunded."
    )
    refund_error = models.CharField(max_length=300, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="return_status_idx")]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        """Still counts against the units that can be returned."""
        return self.status not in (self.Status.REJECTED, self.Status.CANCELLED)


class ReturnLine(models.Model):
    """Units of one order line in a return, and how many of them went back on the shelf."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    restocked_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["return_request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["return_request", "line"], name="unique_return_line"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(restocked_quantity__lte=F("quantity")), name="return_restock_within_quantity"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x line {self.line_id} in {self.return_request_id}"


class Claim(models.Model):
    """A shopper asks the marketplace to step in (A-to-z style); staff decide it in the admin.

    Written only through ``fulfillment.claims``. A granted claim is refunded by
    the marketplace (``payments``) and charged back to the seller's ledger, as
    every refund of a seller order is.
    """

    class Reason(models.TextChoices):
        NOT_ARRIVED = "not_arrived", "It has not arrived, and the promised date has passed"
        RETURN_NOT_REFUNDED = "return_not_refunded", "I returned it and have not been refunded"

    class Status(models.TextChoices):
        OPEN = "open", "Being looked at by our staff"
        GRANTED = "granted", "Granted: refunded by the marketplace"
        DENIED = "denied", "Denied"

    number = models.CharField(max_length=32, unique=True)
    seller_order = models.ForeignKey("orders.SellerOrder", on_delete=models.PROTECT, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims")
    reason = models.CharField(max_length=24, choices=Reason.choices)
    description = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    staff_note = models.CharField(max_length=500, blank=True, help_text="Told to the shopper.")
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    refund_reference = models.CharField(max_length=40, blank=True)
    refund_error = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "opened_at"], name="claim_status_idx")]
        constraints = [
            # One claim at a time per seller order: a second one waits for the first's decision.
            models.UniqueConstraint(
                fields=["seller_order"], condition=Q(status="open"), name="one_open_claim_per_seller_order"
            ),
        ]

    def __str__(self):
        return self.number


from fulfillment.models_scorecard import OrderDefect, SellerScorecard, SellerScorecardWindow  # noqa: E402,F401
