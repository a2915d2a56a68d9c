"""What a person (or staff for them) asks: an export, an erasure; the tasks do the work."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from marketplace.accounts.models import PrivacyRequest, User
from marketplace.accounts.privacy.tasks import privacy_export_build_task
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError


def privacy_export_request(*, user: User, requested_by: User) -> PrivacyRequest:
    """Ask for an export of ``user``'s data; a Celery task builds it after the commit."""
    if not user.is_active:
        raise ApplicationError("This account is closed: there is nothing to export.")
    try:
        with transaction.atomic():
            request = PrivacyRequest.objects.create(
                user=user,
                kind=PrivacyRequest.Kind.EXPORT,
                requested_by=requested_by,
                requested_by_staff=requested_by.pk != user.pk,
            )
    except IntegrityError:
        raise ApplicationError(
            "An export is already being prepared: you will get an e-mail when it is ready."
        ) from None
    if request.requested_by_staff:
        audit_record(action="account.export_requested", target=user, actor=requested_by, actor_kind="staff")
    privacy_export_build_task.delay_on_commit(request.pk)
    return request
