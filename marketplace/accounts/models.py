from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an e-mail address; there is no username."""

    username = None
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0]


class Address(models.Model):
    """A postal address in a user's address book."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=150)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField("state / region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. US.")
    phone = models.CharField(max_length=30, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="one_default_address_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.full_name}, {self.line1}, {self.city} {self.postal_code}, {self.country}"


class OutboundEmail(models.Model):
    """A rendered e-mail waiting to be sent, written in the transaction that decided to send it.

    ``email_enqueue`` writes the row (so an outbox handler's e-mail commits
    with the handler's "done" mark); ``outbound_email_send`` sends it under a
    ``SELECT ... FOR UPDATE SKIP LOCKED`` row lock and sets ``sent_at`` in the
    same transaction. The on-commit kick and the sweep both go through it.
    """

    payload = models.JSONField(help_text="The keyword arguments of email_send (subject, body, to, ...).")
    message_id = models.CharField(
        max_length=255,
        help_text="The Message-ID header; the same on every attempt, so a resend is recognisable.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "outbound e-mail"
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbound_email_unsent_idx",
                condition=Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.payload.get('subject', '')} -> {', '.join(self.payload.get('to', []))}"


class PrivacyRequest(models.Model):
    """A data export or an account erasure, asked by the person or by staff for them (the record kept).

    ``marketplace.accounts.privacy`` writes it. An export's ZIP is stored under
    ``file_name`` (a random name) until ``expires_at``; ``token`` is in the
    download link.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", "Data export"
        ERASE = "erase", "Account erasure"

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready to download"
        EXPIRED = "expired", "Expired"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="privacy_requests")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Staff, or the person.",
    )
    requested_by_staff = models.BooleanField(default=False)
    token = models.UUIDField(unique=True, null=True, blank=True, help_text="In the download link.")
    file_name = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind="export", status="pending"),
                name="one_export_in_progress_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for user {self.user_id} ({self.status})"
