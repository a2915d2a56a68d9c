"""The account erasure: personal data erased or anonymised, what the law keeps kept without the person."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import PrivacyRequest, User
from marketplace.accounts.privacy.registry import privacy_sections
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError


def privacy_erase_refusals(*, user: User) -> list[str]:
    """Why ``user``'s account cannot be erased now (empty when it can)."""
    reasons = []
    for section in privacy_sections():
        if section.refusals is not None:
            reasons.extend(section.refusals(user))
    return reasons


def anonymised_email(user: User) -> str:
    return f"deleted-{user.pk}@invalid"


@transaction.atomic
def privacy_erase(*, user: User, requested_by: User) -> PrivacyRequest:
    """Erase ``user``'s personal data in one transaction and record who asked.

    Every registered section erases or anonymises its rows; then the user row
    keeps only its id: e-mail ``deleted-<id>@invalid``, no name, an unusable
    password (which also ends every session still open), inactive.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active and user.email == anonymised_email(user):
        raise ApplicationError("This account has already been erased.")
    reasons = privacy_erase_refusals(user=user)
    if reasons:
        raise ApplicationError("The account cannot be deleted yet: " + " ".join(reasons))
    for section in privacy_sections():
        section.erase(user)
    user.email = anonymised_email(user)
    user.full_name = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    staff = requested_by.pk != user.pk
    request = PrivacyRequest.objects.create(
        user=user,
        kind=PrivacyRequest.Kind.ERASE,
        status=PrivacyRequest.Status.DONE,
        requested_by=requested_by if staff else None,
        requested_by_staff=staff,
        finished_at=timezone.now(),
    )
    audit_record(
        action="account.erased",
        target=user,
        actor=requested_by if staff else None,
        actor_kind="staff" if staff else "system",
        reason="Erased at the person's request (GDPR art. 17)",
    )
    return request
