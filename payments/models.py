"""Payments taken for orders, their refunds and the provider webhooks received.

``Payment`` and ``Refund`` are our records; amounts are ``Decimal`` in the
order's currency. ``SandboxPayment`` and ``SandboxRefund`` are the sandbox
provider's own state (what Stripe keeps on its side), in minor units, and
only ``payments.providers.sandbox`` touches them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from orders.models import Order


class Payment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", "Created"
        REQUIRES_ACTION = "requires_action", "Requires authentication"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    provider_payment_id = models.CharField(max_length=100, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CREATED)
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    next_action_url = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{self.provider_payment_id} ({self.status})"


class Refund(models.Model):
    """Money sent back to the shopper, or on its way; a failed one gave nothing back.

    ``status`` follows the provider's refund: ``pending`` until it settles
    (Stripe's ``pending`` and ``requires_action``), then ``succeeded``, or
    ``failed`` (Stripe's ``failed`` and ``canceled``) at any time before or
    after. A failed refund is kept, with its allocations, for the record; it
    no longer counts as refunded (``payments.refunds``) and its ledger
    postings are reversed (``payments.ledger``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed (nothing refunded)"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=300, blank=True)
    provider_refund_id = models.CharField(max_length=100, unique=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUCCEEDED)
    failure_reason = models.CharField(max_length=100, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="failed", failed_at__isnull=False)
                | (~Q(status="failed") & Q(failed_at__isnull=True)),
                name="refund_failed_at_when_failed",
            ),
        ]

    def __str__(self):
        return f"{self.provider_refund_id}: {self.amount}"


class WebhookEvent(models.Model):
    """A provider webhook event, stored by id so it is processed once."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.event_id} {self.type}"


class SandboxPayment(models.Model):
    """The sandbox provider's side of a payment (a PaymentIntent in test mode)."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method", "Requires payment method"
        REQUIRES_ACTION = "requires_action", "Requires action"
        SUCCEEDED = "succeeded", "Succeeded"
        CANCELED = "canceled", "Canceled"

    payment_id = models.CharField(max_length=40, unique=True)
    client_secret = models.CharField(max_length=80)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=40)
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.REQUIRES_PAYMENT_METHOD)
    error_code = models.CharField(max_length=60, blank=True)
    decline_code = models.CharField(max_length=60, blank=True)
    error_message = models.CharField(max_length=300, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    return_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="sandbox_payment_amount_positive")
        ]

    def __str__(self):
        return self.payment_id


class SandboxRefund(models.Model):
    """The sandbox provider's side of a refund; one that failed gave its amount back to the payment."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    refund_id = models.CharField(max_length=40, unique=True)
    payment = models.ForeignKey(SandboxPayment, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.BigIntegerField()
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUCCEEDED)
    failure_reason = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="sandbox_refund_amount_positive")
        ]

    def __str__(self):
        return self.refund_id


class SandboxTransfer(models.Model):
    """The sandbox provider's side of a transfer to a seller's account (Stripe Connect in test mode)."""

    transfer_id = models.CharField(max_length=40, unique=True)
    account_id = models.CharField(max_length=100)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="sandbox_transfer_amount_positive")
        ]

    def __str__(self):
        return self.transfer_id


class RefundAllocation(models.Model):
    """The part of a refund charged back to one seller's order (its ledger debit)."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="allocations")
    seller_order = models.ForeignKey(
        "orders.SellerOrder", on_delete=models.PROTECT, related_name="refund_allocations"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["refund", "seller_order"], name="one_allocation_per_seller_order"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_allocation_positive"),
        ]

    def __str__(self):
        return f"{self.amount} of refund {self.refund_id} to {self.seller_order_id}"


class Dispute(models.Model):
    """A chargeback opened by the shopper's bank against a payment."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    provider_dispute_id = models.CharField(max_length=100, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.provider_dispute_id


class SellerPayoutAccount(models.Model):
    """Where a seller's money goes: a Stripe Connect account (or a sandbox one)."""

    seller = models.OneToOneField("sellers.Seller", on_delete=models.CASCADE, related_name="payout_account")
    provider = models.CharField(max_length=20)
    account_id = models.CharField(max_length=100, unique=True)
    payouts_enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.seller_id}: {self.provider} {self.account_id}"


class Payout(models.Model):
    """One transfer of a seller's balance for a period; unique per seller and period."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled (amount back in the balance)"

    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="payouts")
    period_end = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_transfer_id = models.CharField(max_length=100, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    account_id = models.CharField(
        max_length=100, blank=True, help_text="The payout account at creation; every retry pays this one."
    )
    idempotency_key = models.CharField(max_length=100, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "seller"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "period_end"], name="one_payout_per_seller_period"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
        ]

    def __str__(self):
        return f"Payout {self.pk} to {self.seller_id}: {self.amount} {self.currency} ({self.status})"


class LedgerEntry(models.Model):
    """One append-only line of a seller's account with the marketplace.

    Credits are positive, debits negative; a balance is a sum of entries. The
    unique ``key`` makes each posting idempotent (e.g. ``sale:<seller order>``).
    """

    class Kind(models.TextChoices):
        SALE = "sale", "Sale credit"
        COMMISSION = "commission", "Commission"
        REFUND = "refund", "Refund"
        DISPUTE = "dispute", "Dispute"
        PAYOUT = "payout", "Payout"
        ADJUSTMENT = "adjustment", "Adjustment"

    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    key = models.CharField(max_length=120, unique=True)
    seller_order = models.ForeignKey(
        "orders.SellerOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    dispute = models.ForeignKey(Dispute, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payout = models.ForeignKey(
        Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    description = models.CharField(max_length=300, blank=True)
    # No "available on" column: entries are append-only and a sale becomes payable a hold
    # period after its seller order is delivered, which is read from the order's events
    # when paying out (payments.ledger.ledger_available_by_seller, ADR 0032).
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seller", "created_at", "id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["seller", "created_at"], name="ledger_seller_time_idx")]

    def __str__(self):
        return f"{self.seller_id} {self.kind} {self.amount}"


class FraudAssessment(models.Model):
    """The fraud rules' verdict on an order, before it is released to sellers."""

    class Decision(models.TextChoices):
        RELEASED = "released", "Released"
        HELD = "held", "Held for review"
        APPROVED = "approved", "Approved by staff"
        REJECTED = "rejected", "Rejected by staff"

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="fraud_assessment")
    score = models.PositiveIntegerField()
    reasons = models.JSONField(default=list)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    card_fingerprint = models.CharField(max_length=64, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["decision", "created_at"], name="fraud_queue_idx")]

    def __str__(self):
        return f"{self.order_id}: {self.score} ({self.decision})"


class ReconciliationFlag(models.Model):
    """A mismatch between the provider's payments and our orders, for staff to look at."""

    class Kind(models.TextChoices):
        PAYMENT_WITHOUT_ORDER = "payment_without_order", "Successful payment with no paid order"
        ORDER_WITHOUT_PAYMENT = "order_without_payment", "Paid order with no captured payment"
        AMOUNT_MISMATCH = "amount_mismatch", "Captured amount differs from the order total"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    provider_payment_id = models.CharField(max_length=100, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "provider_payment_id", "order"],
                name="one_open_flag_per_case",
                condition=Q(resolved_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.provider_payment_id or self.order_id}"
