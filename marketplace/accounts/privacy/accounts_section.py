"""The accounts app's own section: the user row, addresses, e-mail addresses, sessions, MFA, e-mails."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from marketplace.accounts.models import Address, OutboundEmail, PrivacyRequest
from marketplace.accounts.privacy.registry import PrivacySection, rows_of
from marketplace.core.models import AuditEntry

ADDRESS_FIELDS = [
    "id", "full_name", "line1", "line2", "city", "region", "postal_code", "country", "phone",
    "is_default", "created_at",
]  # fmt: skip


def outbound_emails_of(user):
    """The stored e-mails sent (or to be sent) to the user's address."""
    return OutboundEmail.objects.filter(Q(payload__to__contains=[user.email]))


def accounts_export(user) -> dict:
    return {
        "user": [
            {
                "id": user.pk,
                "email": user.email,
                "full_name": user.full_name,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "is_active": user.is_active,
            }
        ],
        "addresses": rows_of(Address.objects.filter(user=user), ADDRESS_FIELDS),
        "email_addresses": rows_of(
            EmailAddress.objects.filter(user=user), ["id", "email", "verified", "primary"]
        ),
        "sessions": rows_of(
            UserSession.objects.filter(user=user), ["id", "created_at", "last_seen_at", "ip", "user_agent"]
        ),
        # The type and dates only: the secrets stay out of a file sent by e-mail link.
        "two_factor_authenticators": rows_of(
            Authenticator.objects.filter(user=user), ["id", "type", "created_at", "last_used_at"]
        ),
        "emails_sent_to_you": [
            {
                "id": email.pk,
                "subject": email.payload.get("subject", ""),
                "body": email.payload.get("body", ""),
                "created_at": email.created_at,
                "sent_at": email.sent_at,
            }
            for email in outbound_emails_of(user).order_by("pk")
        ],
        "actions_you_took": rows_of(
            AuditEntry.objects.filter(actor=user),
            ["id", "action", "target_type", "target_id", "reason", "ip", "user_agent", "created_at"],
        ),
        "privacy_requests": rows_of(
            PrivacyRequest.objects.filter(user=user),
            ["id", "kind", "status", "requested_by_staff", "created_at", "finished_at"],
        ),
    }


def accounts_erase(user) -> int:
    """Delete what only identifies the person; the user row itself is anonymised by the caller."""
    count = 0
    for session in UserSession.objects.filter(user=user):
        session.end()  # the session store's row too
        count += 1
    count += Address.objects.filter(user=user).delete()[0]
    count += EmailAddress.objects.filter(user=user).delete()[0]
    count += Authenticator.objects.filter(user=user).delete()[0]
    count += outbound_emails_of(user).delete()[0]
    # The admin history of the user row names it by its e-mail address at the time.
    count += LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    ).update(object_repr=f"user {user.pk}")
    return count


SECTION = PrivacySection(key="accounts", export=accounts_export, erase=accounts_erase)
