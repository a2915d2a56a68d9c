from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q


class OutboxEvent(models.Model):
    """A domain event stored in the same transaction as the change it reports.

    Dispatched to its handlers by Celery after commit; a periodic sweep picks
    up any that were not (``dispatched_at`` still empty).
    """

    name = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    handlers_done = models.JSONField(
        default=list, blank=True, help_text="Async handlers that have run (each runs once)."
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["created_at"], name="outbox_pending_idx", condition=Q(dispatched_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.name} #{self.pk}"


class AuditEntryQuerySet(models.QuerySet):
    """Entries are appended, never changed: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise AuditEntryImmutable("Audit entries cannot be changed.")

    def delete(self):
        raise AuditEntryImmutable("Audit entries cannot be deleted.")


class AuditEntryImmutable(Exception):
    """Something tried to change or delete an audit entry."""


class AuditEntry(models.Model):
    """One staff or seller action that changed money, stock, a status or a permission.

    Written by ``marketplace.core.audit.audit_record`` in the transaction of
    the change. Append-only: the ORM refuses updates and deletes, and a
    PostgreSQL trigger refuses them too (docs/audit.md).
    """

    class ActorKind(models.TextChoices):
        STAFF = "staff", "Staff"
        SELLER_MEMBER = "seller_member", "Seller member"
        SHOPPER = "shopper", "Shopper"
        SYSTEM = "system", "System"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who did it; empty for the system (or once the user is deleted).",
    )
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    seller_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The seller the action was for, if any."
    )
    action = models.CharField(max_length=80, help_text='A dotted name, e.g. "offer.price_changed".')
    target_type = models.CharField(max_length=100, help_text='"app_label.model" of the changed row.')
    target_id = models.CharField(max_length=64)
    before = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["-created_at"], name="audit_created_idx"),
            models.Index(fields=["action", "-created_at"], name="audit_action_idx"),
            models.Index(fields=["seller_id", "-created_at"], name="audit_seller_idx"),
            models.Index(fields=["actor_kind", "-created_at"], name="audit_actor_kind_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["request_id"], name="audit_request_idx"),
        ]

    def __str__(self):
        return f"{self.action} {self.target_type}#{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEntryImmutable("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryImmutable("Audit entries cannot be deleted.")
