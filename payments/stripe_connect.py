"""A seller connects its Stripe Connect account from Seller Central (ADR 0094).

The owner presses "Connect with Stripe": the first time, a connected account is created for the
seller and recorded as its payout account with payouts off; every time, Stripe's onboarding
link is made and the owner is sent there. Coming back (the return URL) reads the account from
Stripe, and ``account.updated`` webhooks do the same later: payouts turn on when Stripe says
``payouts_enabled``, and off again if Stripe disables them. A seller whose payout account is not
a Stripe one (the sandbox, or one staff recorded) never reaches Stripe from here; changing an
account stays staff's job (``payout_accounts``), so a taken-over member cannot redirect payouts.
"""

from __future__ import annotations

import logging

from django.db import transaction

from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from payments.models import SellerPayoutAccount
from payments.payout_accounts import payout_account_connected_email_send
from payments.providers import configured_provider_name
from payments.providers.stripe_connect import ConnectAccount, StripeConnect
from sellers.models import Seller, SellerMember

logger = logging.getLogger(__name__)

STRIPE = "stripe"


def stripe_connect_available() -> bool:
    """Whether payouts go through Stripe Connect here (the configured provider is Stripe)."""
    return configured_provider_name() == STRIPE


def _owner_email(seller: Seller) -> str:
    owner = (
        SellerMember.objects.filter(seller=seller, role=SellerMember.Role.OWNER)
        .order_by("pk")
        .values_list("user__email", flat=True)
        .first()
    )
    return owner or seller.support_email or ""


@transaction.atomic
def stripe_connect_onboarding_start(*, seller: Seller, actor, refresh_url: str, return_url: str) -> str:
    """Return the Stripe onboarding URL for ``seller``'s connected account, creating it the first time.

    The seller row is locked, so two clicks create one account. Refused when Stripe is not the
    provider, when the seller's payout account is not a Stripe one, and when it is connected
    with payouts on already (there is nothing left to set up).
    """
    if not stripe_connect_available():
        raise ApplicationError("Payouts do not go through Stripe on this marketplace.")
    seller = Seller.objects.select_for_update().get(pk=seller.pk)
    account = SellerPayoutAccount.objects.filter(seller=seller).first()
    connect = StripeConnect()
    if account is None:
        created = connect.create_account(
            country=seller.country, email=_owner_email(seller), seller_id=seller.pk
        )
        account = SellerPayoutAccount.objects.create(
            seller=seller, provider=STRIPE, account_id=created.id, payouts_enabled=created.payouts_enabled
        )
        audit_record(
            action="payout.account_changed",
            target=account,
            after={"provider": STRIPE, "account_id": account.account_id, "payouts_enabled": False},
            actor=actor,
        )
        payout_account_connected_email_send(seller=seller, account=account, actor=actor)
    elif account.provider != STRIPE:
        raise ApplicationError("Your payout account is not a Stripe account; seller support can change it.")
    elif account.payouts_enabled:
        raise ApplicationError(
            "Your Stripe account is connected and payouts are on: nothing is left to set up."
        )
    return connect.onboarding_link(
        account_id=account.account_id, refresh_url=refresh_url, return_url=return_url
    )


@transaction.atomic
def stripe_connect_account_sync(*, account: ConnectAccount, actor=None) -> SellerPayoutAccount | None:
    """Record Stripe's word on whether payouts may go to ``account``; None if it is not one of ours."""
    payout_account = (
        SellerPayoutAccount.objects.select_for_update().filter(provider=STRIPE, account_id=account.id).first()
    )
    if payout_account is None:
        logger.info("Stripe reported connected account %s, which no seller has.", account.id)
        return None
    if payout_account.payouts_enabled != account.payouts_enabled:
        before = {"payouts_enabled": payout_account.payouts_enabled}
        payout_account.payouts_enabled = account.payouts_enabled
        payout_account.save(update_fields=["payouts_enabled"])
        audit_record(
            action="payout.account_changed",
            target=payout_account,
            before=before,
            after={"payouts_enabled": account.payouts_enabled},
            reason="Stripe reported the connected account's payout state.",
            seller_id=payout_account.seller_id,
            actor=actor,
        )
    return payout_account


def stripe_connect_return(*, seller: Seller, actor) -> tuple[SellerPayoutAccount, ConnectAccount]:
    """The owner is back from Stripe's onboarding: read the account and record its payout state."""
    account = SellerPayoutAccount.objects.filter(seller=seller, provider=STRIPE).first()
    if account is None or not stripe_connect_available():
        raise ApplicationError("There is no Stripe account to check: connect one first.")
    remote = StripeConnect().retrieve_account(account_id=account.account_id)
    return stripe_connect_account_sync(account=remote, actor=actor) or account, remote
