"""E-mails of the reviews app, rendered from ``templates/reviews/email/<template>_*`` and queued in
the caller's transaction (``email_enqueue``), so they go out only if the change commits."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from marketplace.accounts.services import email_enqueue
from sellers.notifications import absolute_url


def reviews_email_send(*, to: list[str], template: str, context: dict) -> None:
    """Render ``reviews/email/<template>_*`` and queue it to ``to`` (nothing when empty)."""
    recipients = [address for address in dict.fromkeys(to) if address]
    if not recipients:
        return
    context = {"marketplace_name": settings.MARKETPLACE_NAME, **context}
    subject = " ".join(render_to_string(f"reviews/email/{template}_subject.txt", context).split())
    email_enqueue(
        {
            "subject": subject,
            "body": render_to_string(f"reviews/email/{template}_message.txt", context),
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "to": recipients,
            "alternatives": [
                [render_to_string(f"reviews/email/{template}_message.html", context), "text/html"]
            ],
        }
    )


def review_moderated_notify(*, review) -> None:
    """Tell the author that staff rejected or removed their review, and why."""
    reviews_email_send(
        to=[review.author.email],
        template="review_moderated",
        context={
            "review": review,
            "product": review.product,
            "removed": review.status == review.Status.REMOVED,
            "product_url": absolute_url(review.product.get_absolute_url()),
            "reviews_url": absolute_url(reverse("reviews:mine")),
        },
    )
