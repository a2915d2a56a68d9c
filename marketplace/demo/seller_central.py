"""Seller Central demo data: the demo seller's team, settings, payout account and alerts,
and an application waiting for staff. Idempotent: each piece is made only when missing.

The demo seller (``seller@example.com``, its owner) then finds something in every section:
listings and inventory from the catalog seed, orders, returns, money and a scorecard from the
past orders (marketplace/demo/past_orders/), and what this module adds.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from fulfillment.inventory.services import return_policy_set, shipping_settings_set
from fulfillment.models import ReturnPolicy, SellerShippingSettings, Stock, StockAlertSetting
from marketplace.accounts.models import User
from marketplace.demo import vocabulary as v
from payments.models import SellerPayoutAccount
from sellers.models import Seller, SellerApplication, SellerMember
from sellers.services.applications import seller_application_submit
from sellers.services.profile import AddressInput, ProfileInput

Role = SellerMember.Role

# (e-mail, name, role, what the login shows): one member of the demo seller per role.
TEAM = (
    ("manager@example.com", "Mia Manager", Role.MANAGER, "Manager of {seller}: listings, inventory, orders."),
    (
        "shipping@example.com",
        "Sid Shipping",
        Role.SHIPPING,
        "Shipping member of {seller}: orders and returns.",
    ),
    ("finance@example.com", "Fay Finance", Role.FINANCE, "Finance member of {seller}: payments, statements."),
)
APPLICANT = (
    "applicant@example.com",
    "Abe Applicant",
    "Has applied to sell as Northwind Crafts: approve or reject it in /admin/ (Seller applications).",
)
APPLICATION_NAME = "Northwind Crafts"
# Listings of the demo seller shown as low on stock (their threshold just above what is available).
LOW_STOCK_LISTINGS = 3


def _user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, v.DEMO_PASSWORD, full_name=full_name)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed_seller_central(*, seller_id: int) -> list[str]:
    """Give the demo seller its team, settings, payout account and low-stock alerts; return what was added."""
    seller = Seller.objects.get(pk=seller_id)
    added = []
    for email, full_name, role, _ in TEAM:
        _, created = SellerMember.objects.get_or_create(
            seller=seller, user=_user(email, full_name), defaults={"role": role}
        )
        added += [f"{role} member"] if created else []
    if not ReturnPolicy.objects.filter(seller=seller).exists():
        return_policy_set(
            seller=seller,
            window_days=30,
            shipping_refund=ReturnPolicy.ShippingRefund.SELLER_FAULT,
            review_every_return=False,
        )
        added.append("return policy")
    if not SellerShippingSettings.objects.filter(seller=seller).exists():
        shipping_settings_set(seller=seller, handling_days=1)
        added.append("shipping settings")
    if not SellerPayoutAccount.objects.filter(seller=seller).exists():
        SellerPayoutAccount.objects.create(
            seller=seller, provider="sandbox", account_id=f"acct_demo_{seller.slug}"
        )
        added.append("sandbox payout account")
    if not StockAlertSetting.objects.filter(offer__seller=seller).exists():
        added += _low_stock_alerts(seller)
    return added


def _low_stock_alerts(seller: Seller) -> list[str]:
    stocks = (
        Stock.objects.filter(offer__seller=seller, offer__is_active=True, on_hand__gt=0)
        .select_related("offer")
        .order_by("on_hand", "pk")[:LOW_STOCK_LISTINGS]
    )
    settings = [
        StockAlertSetting(offer=stock.offer, low_stock_threshold=stock.on_hand - stock.reserved + 2)
        for stock in stocks
    ]
    StockAlertSetting.objects.bulk_create(settings, ignore_conflicts=True)
    return [f"{len(settings)} low-stock alerts"] if settings else []


def seed_application() -> list[str]:
    """An application waiting for staff, from the demo applicant (once)."""
    email, full_name, _ = APPLICANT
    applicant = _user(email, full_name)
    if SellerApplication.objects.filter(applicant=applicant).exists():
        return []
    address = AddressInput(
        line1="12 Harbor Street", city="Portland", region="ME", postal_code="04101", country="US"
    )
    seller_application_submit(
        applicant=applicant,
        name=APPLICATION_NAME,
        legal_name="Northwind Crafts LLC",
        profile=ProfileInput(
            contact_name=full_name,
            contact_phone="+1 207 555 0142",
            support_email="help@northwind-crafts.example.com",
            description="Hand-made wooden kitchenware and home goods from Maine.",
        ),
        business_address=address,
        return_address=None,
        what_they_sell="Wooden cutting boards, spoons, bowls and small furniture, made in our workshop.",
    )
    return ["a waiting seller application"]
