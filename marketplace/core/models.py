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
