"""E-mails the payments app sends staff: a refund that failed at the provider.

Rendered now from ``payments/email/<template>_{subject,message}.txt`` and
stored with ``email_enqueue`` in the caller's transaction, so the e-mail goes
out once, and only if the change it reports commits.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from marketplace.accounts.services import email_enqueue
from marketplace.core.money import format_money
from payments.models import Payment, Refund
from sellers.notifications import absolute_url

logger = logging.getLogger(__name__)

# Who is told: active staff who may refund payments (the admin's "Refund…" action).
REFUND_PERMISSION = ("payments", "add_refund")


def staff_emails_who_can_refund() -> list[str]:
    """The addresses of active staff with the refund permission (directly, by group, or superusers)."""
    app_label, codename = REFUND_PERMISSION
    direct = Q(user_permissions__content_type__app_label=app_label, user_permissions__codename=codename)
    by_group = Q(
        groups__permissions__content_type__app_label=app_label, groups__permissions__codename=codename
    )
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | direct | by_group)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(users))


def refund_failed_staff_email(*, refund: Refund, payment: Payment) -> None:
    """Tell the staff who can refund that ``refund`` failed (sent once this transaction commits)."""
    to = staff_emails_who_can_refund()
    if not to:
        logger.error("Refund %s failed and no staff member can refund to be told.", refund.provider_refund_id)
        return
    context = {
        "refund": refund,
        "payment": payment,
        "order_number": payment.order.number,
        "amount": format_money(refund.amount, payment.currency),
        "payment_url": absolute_url(reverse("admin:payments_payment_change", args=[payment.pk])),
        "marketplace_name": settings.MARKETPLACE_NAME,
    }
    template = "payments/email/refund_failed"
    email_enqueue(
        {
            "subject": " ".join(render_to_string(f"{template}_subject.txt", context).split()),
            "body": render_to_string(f"{template}_message.txt", context),
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "to": to,
        }
    )
