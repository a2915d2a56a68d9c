"""What payments adds to the Seller Central dashboard and checklist (registered in payments/apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from marketplace.core.money import format_money
from payments.ledger import ledger_available, ledger_balance
from payments.selectors import payout_account_exists, payout_account_get_for_seller, payout_next_get
from sellers.access import Section
from sellers.central import DashboardCard, OnboardingStep
from sellers.models import Seller


def money_card_context(seller: Seller) -> dict:
    """Balance, available now and the next payout (four queries)."""
    now = timezone.now()
    account = payout_account_get_for_seller(seller=seller)
    next_payout = payout_next_get(seller=seller, account=account, now=now)
    when = date_format(next_payout.runs_at, "D, M j")
    return {
        "title": "Payments",
        "rows": [
            ("Balance", format_money(ledger_balance(seller=seller))),
            ("Available now", format_money(ledger_available(seller=seller, now=now))),
            (
                f"Next payout ({when})",
                "Not yet" if next_payout.blocker else f"about {format_money(next_payout.estimate)}",
            ),
        ],
        "url": reverse("seller:money"),
        "link_label": "Payments and statements",
    }


MONEY_CARD = DashboardCard(
    key="payments-money",
    section=Section.MONEY,
    template="sellers/central/card.html",
    context=money_card_context,
    order=50,
)

PAYOUT_ACCOUNT_STEP = OnboardingStep(
    key="payout-account",
    label="Connect a payout account",
    url_name="seller:payout-account",
    done=payout_account_exists,
    order=10,
)
