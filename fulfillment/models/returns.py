"""Returns, sellers' return policies, and claims (A-to-z)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from fulfillment.models.shipments import Shipment
from sellers.models import Seller


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
