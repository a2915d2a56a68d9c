"""Where a seller's money goes: connecting its payout account.

With the sandbox provider the owner connects a sandbox account in one click
(an ``acct_sb_...`` id that the sandbox's transfers accept). With Stripe,
the account is a Stripe Connect account that the owner creates and onboards
from Seller Central (``payments.stripe_connect``); staff can also record one
in the admin. Changing an account is staff's job, so a taken-over member
cannot redirect payouts by itself; every connection is e-mailed to the
seller's owners.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from marketplace.accounts.services import email_enqueue
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from payments.models import SellerPayoutAccount
from payments.providers import configured_provider_name
from sellers.models import Seller, SellerMember

SANDBOX = "sandbox"


def payout_account_can_connect_sandbox() -> bool:
    """Whether the configured payment provider is the sandbox (the only one connected here)."""
    return configured_provider_name() == SANDBOX


@transaction.atomic
def payout_account_connect_sandbox(*, seller: Seller, actor) -> SellerPayoutAccount:
    """Connect a sandbox payout account to ``seller`` and tell its owners.

    The seller row is locked, so two clicks connect one account; a seller
    that has one already is refused, as is any provider but the sandbox.
    """
    if not payout_account_can_connect_sandbox():
        raise ApplicationError("Sandbox payout accounts exist only with the sandbox payment provider.")
    seller = Seller.objects.select_for_update().get(pk=seller.pk)
    if SellerPayoutAccount.objects.filter(seller=seller).exists():
        raise ApplicationError("A payout account is already connected; seller support can change it.")
    account = SellerPayoutAccount.objects.create(
        seller=seller, provider=SANDBOX, account_id=f"acct_sb_{secrets.token_hex(12)}"
    )
    audit_record(
        action="payout.account_changed",
        target=account,
        after={"provider": account.provider, "account_id": account.account_id},
        actor=actor,
    )
    payout_account_connected_email_send(seller=seller, account=account, actor=actor)
    return account


def _absolute(path: str) -> str:
    protocol = getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
    return f"{protocol}://{Site.objects.get_current().domain}{path}"


def payout_account_connected_email_send(*, seller: Seller, account: SellerPayoutAccount, actor) -> None:
    """E-mail the seller's owners that an account was connected (sent once this transaction commits)."""
    to = list(
        dict.fromkeys(
            email
            for email in SellerMember.objects.filter(seller=seller, role=SellerMember.Role.OWNER)
            .order_by("pk")
            .values_list("user__email", flat=True)
            if email
        )
    )
    if not to:
        return
    context = {
        "seller": seller,
        "account": account,
        "actor_email": getattr(actor, "email", ""),
        "marketplace_name": settings.MARKETPLACE_NAME,
        "account_url": _absolute(reverse("seller:payout-account")),
    }
    template = "payments/seller/email/payout_account_connected"
    email_enqueue(
        {
            "subject": " ".join(render_to_string(f"{template}_subject.txt", context).split()),
            "body": render_to_string(f"{template}_message.txt", context),
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "to": to,
            "alternatives": [[render_to_string(f"{template}_message.html", context), "text/html"]],
        }
    )
