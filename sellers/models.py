from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Seller(models.Model):
    """An independent business that lists offers on the marketplace."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.APPLIED)
    description = models.TextField(blank=True)
    country = models.CharField(max_length=2, default="US")
    support_email = models.EmailField(blank=True)
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(default=0)
    commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Overrides the category's commission, e.g. 0.0800 for 8%.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    buy_box_eligible = models.BooleanField(
        default=True,
        help_text="Kept by the seller scorecard (fulfillment.scorecard): false while a "
        "performance figure is past its threshold, so its offers cannot win the buy box.",
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"], name="seller_status_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_average__gte=0) & Q(rating_average__lte=5),
                name="seller_rating_between_0_and_5",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sellers:seller-detail", kwargs={"slug": self.slug})

    @property
    def is_in_good_standing(self) -> bool:
        return self.status == self.Status.APPROVED


class SellerMember(models.Model):
    """A user who works for a seller, in one role (sellers/access.py says what each may do)."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MANAGER = "manager", "Manager"
        SHIPPING = "shipping", "Shipping"
        FINANCE = "finance", "Finance"

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MANAGER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seller", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "user"], name="unique_seller_member"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()} of {self.seller})"
