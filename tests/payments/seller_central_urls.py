"""Arguments for payments's Seller Central URLs (tests/sellers/central_data.py explains)."""

from datetime import timedelta

from django.utils import timezone

from payments.models import Payout, SellerPayoutAccount
from payments.payouts import payout_attempt, payout_create

URL_KWARGS = {
    "money": lambda world: {},
    "statement": lambda world: {},
    "statement-csv": lambda world: {},
    "payout-list": lambda world: {},
    "payout-detail": lambda world: {"pk": world["payout"].pk},
    "payout-account": lambda world: {},
    "payout-account-stripe-return": lambda world: {},
    "payout-account-stripe-refresh": lambda world: {},
    "analytics": lambda world: {},
    "analytics-csv": lambda world: {},
}


def world_extend(world: dict) -> None:
    """Pay the world's seller out: a sandbox payout account and a paid payout of its delivered sale.

    The payout runs "a month from now", when the hold after delivery has passed.
    """
    seller = world["seller"]
    SellerPayoutAccount.objects.create(
        seller=seller, provider="sandbox", account_id=f"acct_sb_world{seller.pk}"
    )
    later = timezone.now() + timedelta(days=30)
    payout = payout_create(seller=seller, period_end=later.date(), now=later)
    assert payout is not None, "the world's delivered sale should be payable a month later"
    world["payout"] = payout_attempt(payout=payout, now=later)
    assert world["payout"].status == Payout.Status.PAID
