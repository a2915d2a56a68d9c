"""The seller scorecard's rows: defects per seller order, and each seller's stored figures.

Written only by
``fulfillment.scorecard``; see docs/scorecard.md and
docs/decisions/0052-seller-scorecard.md.
"""

from django.db import models
from django.db.models import Q

from sellers.models import Seller

__all__ = ["OrderDefect", "SellerScorecard", "SellerScorecardWindow"]


class OrderDefect(models.Model):
    """Something that went wrong with a seller order in the shopper's eyes.

    A claim, a chargeback (dispute) or negative seller feedback. Each comes
    from its own app, by domain event or by a direct call of
    ``fulfillment.scorecard.order_defect_record``; ``source_id`` is that app's
    id of it, so recording the same one twice keeps one row.
    """

    class Kind(models.TextChoices):
        CLAIM = "claim", "A-to-z claim"
        DISPUTE = "dispute", "Chargeback"
        NEGATIVE_FEEDBACK = "negative_feedback", "Negative feedback"

    seller_order = models.ForeignKey("orders.SellerOrder", on_delete=models.CASCADE, related_name="defects")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_id = models.CharField(max_length=64, help_text="The claim, dispute or feedback id in its own app.")
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seller_order", "occurred_at", "id"]
        constraints = [
            # One dispute covers a whole order, so it is one defect of each of its seller orders.
            models.UniqueConstraint(fields=["kind", "source_id", "seller_order"], name="unique_order_defect"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.source_id} on {self.seller_order_id}"


class SellerScorecard(models.Model):
    """A seller's standing from its last scorecard computation, and what followed from it.

    ``breaches`` lists the figures past their thresholds. ``breach_since`` is
    when the current run of breaches began (empty while the seller is within
    every threshold); the warning e-mail is sent once per run
    (``warned_at``), and a run longer than the grace period proposes the
    seller to staff for suspension (``suspension_proposed_at``). The buy box
    reads only ``Seller.buy_box_eligible``, which the same computation keeps.
    """

    seller = models.OneToOneField(Seller, on_delete=models.CASCADE, related_name="scorecard")
    computed_at = models.DateTimeField()
    breaches = models.JSONField(default=list, blank=True, help_text="Figures past their thresholds.")
    breach_since = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    suspension_proposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seller"]
        indexes = [
            models.Index(
                fields=["suspension_proposed_at"],
                name="scorecard_proposed_idx",
                condition=Q(suspension_proposed_at__isnull=False),
            )
        ]

    def __str__(self):
        return f"Scorecard of {self.seller}"


class SellerScorecardWindow(models.Model):
    """The figures of one seller over the last ``days`` days, counts and rates.

    A rate is empty when nothing could be counted for it. Rates are shares
    (0.0600 for 6 %); ``mean_days_from_promise`` is the mean of delivery date
    minus last promised date (positive late, negative early).
    """

    scorecard = models.ForeignKey(SellerScorecard, on_delete=models.CASCADE, related_name="windows")
    days = models.PositiveSmallIntegerField()
    orders = models.PositiveIntegerField(default=0, help_text="Paid seller orders placed in the window.")
    defective_orders = models.PositiveIntegerField(default=0)
    cancelled_orders = models.PositiveIntegerField(
        default=0, help_text="Cancelled after payment, before shipping, not by the shopper."
    )
    ship_due_orders = models.PositiveIntegerField(
        default=0, help_text="Orders shipped, or not shipped and past their ship-by date."
    )
    late_shipments = models.PositiveIntegerField(default=0)
    shipments = models.PositiveIntegerField(default=0, help_text="Parcels at least a grace period old.")
    tracked_shipments = models.PositiveIntegerField(default=0, help_text="Of those, scanned by the carrier.")
    delivery_due_orders = models.PositiveIntegerField(
        default=0, help_text="Orders delivered, or not delivered and past their last promised date."
    )
    delivered_on_time = models.PositiveIntegerField(default=0)
    delivered_orders = models.PositiveIntegerField(default=0)
    delivered_in_window = models.PositiveIntegerField(default=0)
    order_defect_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    cancellation_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    late_shipment_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    valid_tracking_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    on_time_delivery_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    promise_accuracy = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    mean_days_from_promise = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["scorecard", "days"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "days"], name="unique_scorecard_window"),
        ]

    def __str__(self):
        return f"{self.scorecard_id}: {self.days} days"
