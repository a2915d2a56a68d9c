"""The data export: a ZIP of one JSON file (everything) and one CSV per table, linked by e-mail."""

from __future__ import annotations

import csv
import io
import json
import secrets
import uuid
import zipfile
from datetime import timedelta

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts.models import PrivacyRequest, User
from marketplace.accounts.privacy.registry import privacy_sections
from marketplace.accounts.services import email_enqueue

EXPORT_VALID_FOR = timedelta(days=7)
EXPORT_DIRECTORY = "privacy-exports"
EXPORT_GIVE_UP_AFTER = timedelta(days=1)


def privacy_export_collect(*, user: User) -> dict[str, dict[str, list[dict]]]:
    """Everything the registered sections hold about ``user``: ``{section: {table: rows}}``."""
    return {section.key: section.export(user) for section in privacy_sections()}


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(name for row in rows for name in row))
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                name: json.dumps(value, cls=DjangoJSONEncoder) if isinstance(value, dict | list) else value
                for name, value in row.items()
            }
        )
    return out.getvalue()


def privacy_export_zip(*, data: dict) -> bytes:
    """``data`` as ``data.json`` plus ``<section>/<table>.csv`` files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        for section, tables in data.items():
            for table, rows in tables.items():
                if rows:
                    archive.writestr(f"{section}/{table}.csv", _csv(rows))
    return buffer.getvalue()


def export_url(request: PrivacyRequest) -> str:
    protocol = getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
    path = reverse("accounts:privacy-export-download", kwargs={"token": request.token})
    return f"{protocol}://{Site.objects.get_current().domain}{path}"


@transaction.atomic
def privacy_export_build(*, request_id: int) -> PrivacyRequest | None:
    """Build and store the ZIP of a pending export, then e-mail the link (idempotent)."""
    request = (
        PrivacyRequest.objects.select_for_update()
        .select_related("user")
        .filter(pk=request_id, kind=PrivacyRequest.Kind.EXPORT, status=PrivacyRequest.Status.PENDING)
        .first()
    )
    if request is None:
        return None
    content = privacy_export_zip(data=privacy_export_collect(user=request.user))
    name = default_storage.save(f"{EXPORT_DIRECTORY}/{secrets.token_urlsafe(24)}.zip", ContentFile(content))
    now = timezone.now()
    request.file_name = name
    request.token = uuid.uuid4()
    request.status = PrivacyRequest.Status.READY
    request.finished_at = now
    request.expires_at = now + EXPORT_VALID_FOR
    request.save(update_fields=["file_name", "token", "status", "finished_at", "expires_at"])
    email_enqueue(
        {
            "subject": "Your data is ready to download",
            "body": (
                "The copy of your data you asked for is ready. Sign in and download it here "
                f"(the link works for 7 days):\n\n{export_url(request)}\n"
            ),
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "to": [request.user.email],
        }
    )
    return request


def privacy_export_get_for_download(*, token, user: User) -> PrivacyRequest:
    """The export behind a link, for its owner or staff; anyone else gets ``DoesNotExist``."""
    request = PrivacyRequest.objects.select_related("user").get(kind=PrivacyRequest.Kind.EXPORT, token=token)
    if request.user_id != user.pk and not user.is_staff:
        raise PrivacyRequest.DoesNotExist
    return request


def privacy_export_is_expired(*, request: PrivacyRequest, now=None) -> bool:
    now = now or timezone.now()
    return request.status != PrivacyRequest.Status.READY or request.expires_at <= now


def privacy_exports_expire(*, now) -> int:
    """Delete the files of the exports past their 7 days and mark them expired.

    An export still pending a day after it was asked (its task kept failing)
    is marked failed, so the person can ask again.
    """
    count = PrivacyRequest.objects.filter(
        kind=PrivacyRequest.Kind.EXPORT,
        status=PrivacyRequest.Status.PENDING,
        created_at__lte=now - EXPORT_GIVE_UP_AFTER,
    ).update(status=PrivacyRequest.Status.FAILED, error="Not built within a day.", finished_at=now)
    expired = PrivacyRequest.objects.filter(
        kind=PrivacyRequest.Kind.EXPORT, status=PrivacyRequest.Status.READY, expires_at__lte=now
    )
    for request in expired:
        if request.file_name:
            default_storage.delete(request.file_name)
        request.status = PrivacyRequest.Status.EXPIRED
        request.file_name = ""
        request.save(update_fields=["status", "file_name"])
        count += 1
    return count
