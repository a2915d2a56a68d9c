"""What the API keeps: the Idempotency-Key of each unsafe call that creates something.

Defined here, with the API that uses it, and imported by ``orders.models`` so that
Django registers it in the ``orders`` app (``marketplace/api`` is not an app).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class ApiIdempotencyKey(models.Model):
    """A client's Idempotency-Key for one kind of call, the digest of the request it came with,
    and the answer it got, replayed to a retry (``orders.api.idempotency``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=60, help_text='The kind of call, e.g. "order-place".')
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the method, path and JSON body.")
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(encoder=DjangoJSONEncoder, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "orders"
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="api_idempotency_key_once"),
        ]

    def __str__(self):
        return f"{self.scope} {self.key} of user {self.user_id}"
