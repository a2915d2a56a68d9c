"""Celery tasks of privacy: build an export, expire old exports, purge by the retention settings."""

from celery import shared_task
from django.utils import timezone

from marketplace.accounts.privacy import export, retention


@shared_task(acks_late=True)
def privacy_export_build_task(request_id: int) -> bool:
    """Build one pending export and e-mail its link; a no-op once it is built."""
    return export.privacy_export_build(request_id=request_id) is not None


@shared_task(acks_late=True)
def privacy_exports_expire_task() -> int:
    """Delete the export files older than 7 days (daily beat)."""
    return export.privacy_exports_expire(now=timezone.now())


@shared_task(acks_late=True)
def privacy_retention_purge_task() -> int:
    """Delete abandoned carts and guest data older than the retention settings (daily beat)."""
    return retention.privacy_retention_purge(now=timezone.now())
