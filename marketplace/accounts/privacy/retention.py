"""Retention: each section's ``purge(now)`` deletes what the settings say is kept too long."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.models import Session

from marketplace.accounts.privacy.registry import privacy_sections


def privacy_retention_purge(*, now: datetime) -> int:
    """Run every section's purge, then delete the expired sessions; the number of rows deleted."""
    count = sum(section.purge(now) for section in privacy_sections() if section.purge is not None)
    count += Session.objects.filter(expire_date__lt=now).delete()[0]
    return count
