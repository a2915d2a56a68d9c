"""The demo shoppers and the second seller's login the stories need."""

from __future__ import annotations

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress

from marketplace.accounts.models import Address, User
from marketplace.accounts.services import address_create
from marketplace.demo import vocabulary as v
from marketplace.demo.past_orders.stories import SECOND_SELLER_ACCOUNT, SHOPPER_NAMES, US_CITIES
from sellers.models import SellerMember


def _shopper_email(index: int) -> str:
    return v.DEMO_ACCOUNTS[0][0] if index == 0 else f"buyer{index}@example.com"


def ensure_shoppers(now: datetime) -> dict[int, tuple[User, Address]]:
    """The demo shopper and the other buyers, each with an address, members for a while."""
    joined = now - timedelta(days=400)
    shoppers = {}
    for index in range(len(SHOPPER_NAMES) + 1):
        email = _shopper_email(index)
        user = User.objects.filter(email=email).first()
        if user is None:  # the demo shopper exists already (seed.ensure_accounts)
            user = User.objects.create_user(email, None, full_name=SHOPPER_NAMES[index - 1])
        User.objects.filter(pk=user.pk, date_joined__gt=joined).update(date_joined=joined)
        address = Address.objects.filter(user=user).order_by("-is_default", "pk").first()
        if address is None:
            city, region, postal_code, country, _lat, _lon = v.CITIES[
                US_CITIES[(index * 5 + 7) % len(US_CITIES)]
            ]
            address = address_create(
                user=user,
                full_name=user.full_name,
                line1=f"{120 + index * 37} {('Maple', 'Oak', 'Cedar', 'Birch', 'Elm')[index % 5]} Street",
                city=city,
                region=region,
                postal_code=postal_code,
                country=country,
                phone=f"+1 555 01{index:02d}",
            )
        shoppers[index] = (user, address)
    return shoppers


def ensure_second_seller_login(*, seller_id: int) -> User:
    """The struggling demo seller's owner login (the good seller's is in vocabulary.DEMO_ACCOUNTS)."""
    email, full_name, _role = SECOND_SELLER_ACCOUNT
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, v.DEMO_PASSWORD, full_name=full_name)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    SellerMember.objects.get_or_create(
        seller_id=seller_id, user=user, defaults={"role": SellerMember.Role.OWNER}
    )
    return user


def seller_owner(seller_id: int) -> User | None:
    owners = SellerMember.objects.filter(seller_id=seller_id, role=SellerMember.Role.OWNER)
    member = owners.select_related("user").order_by("pk").first()
    return member.user if member else None
