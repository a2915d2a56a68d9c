from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Seller(models.Model):
    """An independent business that lists offers on the marketplace."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"
        REJECTED = "rejected", "Rejected"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.APPLIED)
    description = models.TextField(blank=True)
    country = models.CharField(max_length=2, default="US")
    support_email = models.EmailField(blank=True)
    legal_name = models.CharField(max_length=200, blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
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


class SellerAddress(models.Model):
    """A seller's business address, and its return address when returns go elsewhere.

    A seller without a ``return`` row takes returns at its business address
    (``sellers.selectors.seller_return_address``).
    """

    class Kind(models.TextChoices):
        BUSINESS = "business", "Business address"
        RETURN = "return", "Return address"

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField("state / region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. US.")

    class Meta:
        verbose_name_plural = "seller addresses"
        ordering = ["seller", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "kind"], name="one_seller_address_per_kind"),
        ]

    def __str__(self):
        parts = [self.line1, self.line2, self.city, self.region, self.postal_code, self.country]
        return ", ".join(part for part in parts if part)


class SellerApplication(models.Model):
    """What a business said when it applied to sell, and what staff decided (ADR 0071).

    The seller itself is the ``Seller`` row in status ``applied``; a rejected
    applicant that applies again re-submits this same application.
    """

    seller = models.OneToOneField(Seller, on_delete=models.CASCADE, related_name="application")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="seller_applications",
    )
    what_they_sell = models.TextField()
    categories = models.CharField(max_length=300, blank=True, help_text="Main categories, as typed.")
    submitted_at = models.DateTimeField(default=timezone.now)
    submission_count = models.PositiveSmallIntegerField(default=1)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(blank=True, help_text="The reason given at the last rejection.")

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["applicant", "-submitted_at"], name="seller_application_user_idx")]

    def __str__(self):
        return f"Application of {self.seller}"


class SellerInvitation(models.Model):
    """An owner's invitation to join a seller in a role, sent by e-mail with a one-time link.

    Only the SHA-256 of the link's token is stored, so the table alone opens nothing.
    """

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=8, choices=SellerMember.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["seller", "created_at"],
                name="seller_invitation_open_idx",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"Invitation of {self.email} to {self.seller_id} as {self.role}"

    @property
    def is_open(self) -> bool:
        """Not accepted, revoked or expired: the link still works."""
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class SellerCentralAccess(models.Model):
    """A staff member viewing Seller Central as a seller: who, which seller, why, from where, how long.

    Read-only by construction (``sellers.central.SellerCentralMixin`` refuses every
    write while one is open); each page seen is a ``SellerCentralAccessView``.
    docs/decisions/0079-staff-view-as.md has the reasons.
    """

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seller_central_accesses"
    )
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="staff_accesses")
    reason = models.CharField(max_length=300)
    remote_ip = models.GenericIPAddressField("remote IP", null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Seller Central access by staff"
        verbose_name_plural = "Seller Central accesses by staff"
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["seller", "-started_at"], name="seller_access_seller_idx"),
            models.Index(fields=["staff", "-started_at"], name="seller_access_staff_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="seller_access_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.staff} viewing {self.seller} from {self.started_at:%Y-%m-%d %H:%M}"


class SellerCentralAccessView(models.Model):
    """One request a staff member made while viewing Seller Central as a seller."""

    access = models.ForeignKey(SellerCentralAccess, on_delete=models.CASCADE, related_name="views")
    path = models.CharField(max_length=2000)
    method = models.CharField(max_length=8, default="GET")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.method} {self.path}"


# Integrator keys live in their own module (ADR 0096); imported here so Django registers the model.
from sellers.api_keys import SellerApiKey  # noqa: E402, F401
