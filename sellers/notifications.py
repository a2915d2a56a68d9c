"""E-mails the sellers app sends: application decisions and invitations.

Each is rendered now from ``sellers/email/<template>_{subject.txt,message.txt,message.html}``
and stored with ``email_enqueue`` in the caller's transaction, so it goes out
only if the change commits.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sites.models import Site
from django.template.loader import render_to_string

from marketplace.accounts.services import email_enqueue


def absolute_url(path: str) -> str:
    """``path`` on the marketplace's own domain, for a link in an e-mail."""
    protocol = getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
    return f"{protocol}://{Site.objects.get_current().domain}{path}"


def sellers_email_send(*, to: list[str], template: str, context: dict) -> None:
    """Render ``sellers/email/<template>_*`` and queue it to ``to`` (nothing when empty)."""
    recipients = [address for address in dict.fromkeys(to) if address]
    if not recipients:
        return
    context = {"marketplace_name": settings.MARKETPLACE_NAME, **context}
    subject = " ".join(render_to_string(f"sellers/email/{template}_subject.txt", context).split())
    email_enqueue(
        {
            "subject": subject,
            "body": render_to_string(f"sellers/email/{template}_message.txt", context),
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "to": recipients,
            "alternatives": [
                [render_to_string(f"sellers/email/{template}_message.html", context), "text/html"]
            ],
        }
    )
