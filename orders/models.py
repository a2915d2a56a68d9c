"""Carts, orders split per seller, their lines, stock allocations and audit trail.

State changes go through ``orders.services`` only (see ``TRANSITIONS``); money
is Decimal with the order's currency, computed once by ``orders.totals``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from catalog.models import Offer, Product
from fulfillment.models import Stock
from sellers.models import Seller


class Cart(models.Model):
    """A shopper's cart: a signed-in user's, or a guest's keyed by session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    session_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(session_key__isnull=False), name="cart_has_an_owner"
            ),
        ]

    def __str__(self):
        return f"Cart {self.pk} of {self.user_id or 'guest ' + str(self.session_key)[:8]}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="cart_lines")
    quantity = models.PositiveIntegerField(default=1)
    saved_for_later = models.BooleanField(default=False)
    price_seen_amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="The unit price the shopper last saw."
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "offer"], name="one_line_per_offer_per_cart"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} x offer {self.offer_id}"


class Order(models.Model):
    """What the shopper pays for: one per checkout, split into SellerOrders."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Awaiting payment"
        PAID = "paid", "Paid"
        ON_HOLD = "on_hold", "On hold for review"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    number = models.CharField(max_length=24, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT)
    idempotency_key = models.UUIDField(unique=True, help_text="Issued with the checkout page.")
    currency = models.CharField(max_length=3, default="USD")
    subtotal_amount = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2)
    total_amount = models.DecimalField(max_digits=12, decimal_places=2)
    # The shipping address as it was at checkout.
    ship_full_name = models.CharField(max_length=150)
    ship_line1 = models.CharField(max_length=200)
    ship_line2 = models.CharField(max_length=200, blank=True)
    ship_city = models.CharField(max_length=100)
    ship_region = models.CharField(max_length=100, blank=True)
    ship_postal_code = models.CharField(max_length=20)
    ship_country = models.CharField(max_length=2)
    ship_phone = models.CharField(max_length=30, blank=True)
    reserved_until = models.DateTimeField(
        null=True, blank=True, help_text="Unpaid reservations are released after this."
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index("user", F("placed_at").desc(), name="order_user_placed_idx"),
            models.Index(
                fields=["reserved_until"],
                name="order_pending_expiry_idx",
                condition=Q(status="pending_payment"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount=F("subtotal_amount") + F("shipping_amount") + F("tax_amount")),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="order_total_not_negative"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:order-detail", kwargs={"number": self.number})


class SellerOrder(models.Model):
    """The part of an order one seller ships."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Awaiting payment"
        READY_TO_SHIP = "ready_to_ship", "Ready to ship"
        PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="seller_orders")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(max_length=28, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT)
    shipping_method = models.CharField(max_length=20)
    shipping_method_name = models.CharField(max_length=60)
    subtotal_amount = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2)
    total_amount = models.DecimalField(max_digits=12, decimal_places=2)
    promised_from = models.DateField(null=True, blank=True)
    promised_to = models.DateField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True, help_text="When its last unit was shipped.")
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="When its last shipment was delivered."
    )
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the seller said it has seen the order (Seller Central)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index("seller", "status", F("created_at").desc(), name="sellerorder_queue_idx")]
        constraints = [
            models.UniqueConstraint(fields=["order", "seller"], name="one_seller_order_per_seller"),
            models.CheckConstraint(
                condition=Q(total_amount=F("subtotal_amount") + F("shipping_amount") + F("tax_amount")),
                name="seller_order_total_adds_up",
            ),
        ]

    def __str__(self):
        return self.number


class OrderLine(models.Model):
    """One offer bought, with a snapshot of what the shopper saw and paid."""

    seller_order = models.ForeignKey(SellerOrder, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, null=True, on_delete=models.SET_NULL, related_name="order_lines")
    product = models.ForeignKey(Product, null=True, on_delete=models.SET_NULL, related_name="order_lines")
    title = models.CharField(max_length=300)
    sku = models.CharField(max_length=64)
    condition = models.CharField(max_length=16)
    unit_price_amount = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    tax_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="unit price x quantity, before tax"
    )

    class Meta:
        ordering = ["seller_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.sku}"

    @property
    def condition_label(self) -> str:
        """The condition as the shopper saw it ("Used - Good"), not its code."""
        return Offer.Condition(self.condition).label if self.condition in Offer.Condition.values else ""


class StockAllocation(models.Model):
    """Units of an order line taken from one warehouse's stock row."""

    class Status(models.TextChoices):
        RESERVED = "reserved", "Reserved"
        COMMITTED = "committed", "Committed (paid)"
        RELEASED = "released", "Released"
        SHIPPED = "shipped", "Shipped"

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="allocations")
    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="allocations")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RESERVED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["line", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="allocation_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} of stock {self.stock_id} ({self.status})"


class OrderEvent(models.Model):
    """The order's audit trail: every state change and notable action."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    seller_order = models.ForeignKey(
        SellerOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order_id}: {self.kind} {self.from_status}->{self.to_status}"


class TaxRate(models.Model):
    """A sales tax / VAT rate for a destination and a product tax class.

    An empty ``region`` applies to the whole country; a region row wins over
    the country row. The default tax interface reads this table.
    """

    country = models.CharField(max_length=2)
    region = models.CharField(max_length=100, blank=True)
    tax_class = models.CharField(max_length=20, choices=Product.TaxClass.choices)
    rate = models.DecimalField(max_digits=6, decimal_places=4, help_text="0.0825 for 8.25%")
    name = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["country", "region", "tax_class"]
        constraints = [
            models.UniqueConstraint(fields=["country", "region", "tax_class"], name="unique_tax_rate"),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lt=1), name="tax_rate_between_0_and_1"),
        ]

    def __str__(self):
        return f"{self.country}{'-' + self.region if self.region else ''} {self.tax_class}: {self.rate}"


class Conversation(models.Model):
    """The messages between the buyer of a seller order and its seller (one per seller order).

    ``waiting_since`` is when the buyer's oldest unanswered message was written
    (None when the seller has answered everything); the unread counts are the
    messages each side has not opened yet. ``orders.messages`` writes them.
    """

    seller_order = models.OneToOneField(SellerOrder, on_delete=models.CASCADE, related_name="conversation")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="conversations")
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    message_count = models.PositiveIntegerField(default=0)
    waiting_since = models.DateTimeField(null=True, blank=True)
    buyer_unread = models.PositiveIntegerField(default=0)
    seller_unread = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index("seller", F("last_message_at").desc(), name="conversation_seller_recent_idx"),
            models.Index(
                "seller",
                "waiting_since",
                name="conversation_waiting_idx",
                condition=Q(waiting_since__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Conversation on {self.seller_order_id}"


class Message(models.Model):
    """One message of a conversation, by the buyer, a member of the seller or marketplace staff.

    A buyer message written while nothing was waiting starts a wait
    (``starts_wait``); the seller's next message sets its ``answered_at``. The
    seller's response times are read from these rows.
    """

    class Author(models.TextChoices):
        BUYER = "buyer", "Buyer"
        SELLER = "seller", "Seller"
        STAFF = "staff", "Marketplace staff"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField()
    starts_wait = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index("conversation", "created_at", name="message_thread_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="message_body_not_empty"),
            models.CheckConstraint(
                condition=Q(starts_wait=False) | Q(author_kind="buyer"), name="message_only_buyers_wait"
            ),
        ]

    def __str__(self):
        return f"{self.author_kind} message {self.pk} in conversation {self.conversation_id}"


class ProductSalesDay(models.Model):
    """Units of a product paid for on one day, less those refunded since: what its sales count sums.

    The sum of ``OrderSales`` per product and day; a variation's units count on
    the variation and on its family's parent. ``orders.sales`` writes both and
    recomputes ``Product.sales_count`` from these rows (ADR 0083).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sales_days")
    day = models.DateField()
    units = models.IntegerField()

    class Meta:
        ordering = ["product", "day"]
        indexes = [models.Index(fields=["day"], name="product_sales_day_idx")]
        constraints = [
            models.UniqueConstraint(fields=["product", "day"], name="one_sales_row_per_product_day"),
            models.CheckConstraint(condition=Q(units__gte=0), name="product_sales_units_not_negative"),
        ]

    def __str__(self):
        return f"{self.units} of product {self.product_id} on {self.day}"


class OrderSales(models.Model):
    """What one paid order adds to a product's sales day, as last counted: units bought less refunded.

    Counting an order again (``orders.sales.order_sales_count``, on every event
    that may change it) replaces its rows and moves the difference into
    ``ProductSalesDay``, so an event delivered twice, or late, changes nothing.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, db_index=False, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="The day the order was paid.")
    units = models.IntegerField()

    class Meta:
        ordering = ["order", "product"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="one_sales_row_per_order_product"),
            models.CheckConstraint(condition=Q(units__gte=0), name="order_sales_units_not_negative"),
        ]

    def __str__(self):
        return f"{self.units} of product {self.product_id} by order {self.order_id}"


# The REST API's idempotency keys live with the API (orders/api/models.py); importing them here
# registers them in this app.
from orders.api.models import ApiIdempotencyKey  # noqa: E402, F401
