"""Stripe Connect: the connected account a seller's payouts go to, and Stripe's hosted onboarding.

The marketplace creates one connected account per seller (Accounts v1 with controller
properties: the platform pays Stripe's fees and carries the losses, the seller gets the Express
Dashboard, and only the ``transfers`` capability is requested, since shoppers pay the platform
and payouts are transfers). The seller then gives its identity and bank details to Stripe, not
to us, through an account link; Stripe sends it back to our return URL (or to the refresh URL
when the link has expired). Whether payouts may go there is Stripe's ``payouts_enabled``, read
when the seller comes back and from ``account.updated`` webhooks.

Requests go through ``StripeProvider``'s client and error mapping, so this module does not
import ``stripe`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import ProviderError
from .stripe import StripeProvider, _plain

ACCOUNT_ID_PREFIX = "acct_"
ONBOARDING_HOST = "https://connect.stripe.com/"


@dataclass(frozen=True)
class ConnectAccount:
    """What we read of a connected account."""

    id: str
    payouts_enabled: bool
    details_submitted: bool
    currently_due: tuple[str, ...] = ()


def connect_account_from_object(obj) -> ConnectAccount:
    """Read an ``account`` object (an API answer or a webhook's snapshot); refuse a malformed one."""
    if not isinstance(obj, dict) or obj.get("object") != "account":
        raise ProviderError("Stripe sent something that is not a connected account.")
    account_id, payouts, submitted = obj.get("id"), obj.get("payouts_enabled"), obj.get("details_submitted")
    if not (
        isinstance(account_id, str) and account_id.startswith(ACCOUNT_ID_PREFIX) and len(account_id) <= 100
    ):
        raise ProviderError("Stripe sent a connected account without a valid id.")
    if not isinstance(payouts, bool) or not isinstance(submitted, bool):
        raise ProviderError("Stripe sent a connected account without its payout state.")
    requirements = obj.get("requirements") if isinstance(obj.get("requirements"), dict) else {}
    due = requirements.get("currently_due") if isinstance(requirements.get("currently_due"), list) else []
    return ConnectAccount(
        id=account_id,
        payouts_enabled=payouts,
        details_submitted=submitted,
        currently_due=tuple(str(item)[:100] for item in due[:50]),
    )


class StripeConnect:
    """Connected accounts and account links, through ``provider``'s client."""

    def __init__(self, provider: StripeProvider | None = None):
        self.provider = provider or StripeProvider()

    def create_account(self, *, country: str, email: str, seller_id: int) -> ConnectAccount:
        params = {
            "country": country,
            "controller": {
                "fees": {"payer": "application"},
                "losses": {"payments": "application"},
                "stripe_dashboard": {"type": "express"},
            },
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"seller_id": str(seller_id)},
        }
        if email:
            params["email"] = email
        account = self.provider._call(lambda: self.provider.client.v1.accounts.create(params))
        return connect_account_from_object(_plain(account))

    def retrieve_account(self, *, account_id: str) -> ConnectAccount:
        account = self.provider._call(lambda: self.provider.client.v1.accounts.retrieve(account_id))
        return connect_account_from_object(_plain(account))

    def onboarding_link(self, *, account_id: str, refresh_url: str, return_url: str) -> str:
        """A single-use URL of Stripe's onboarding for ``account_id`` (it expires in minutes)."""
        params = {
            "account": account_id,
            "type": "account_onboarding",
            "refresh_url": refresh_url,
            "return_url": return_url,
        }
        link = _plain(self.provider._call(lambda: self.provider.client.v1.account_links.create(params)))
        url = link.get("url")
        if not isinstance(url, str) or not url.startswith(ONBOARDING_HOST):
            raise ProviderError("Stripe did not give an onboarding link.")
        return url
