"""Arguments for the sellers app's own Seller Central URLs (tests/sellers/central_data.py explains)."""

import secrets

from django.utils import timezone

from sellers.api_keys import Scope, SellerApiKey
from sellers.models import SellerInvitation, SellerMember
from sellers.services import INVITATION_LIFETIME, invitation_token_hash
from tests.sellers.factories import SellerMemberFactory

URL_KWARGS = {
    "dashboard": lambda world: {},
    "choose": lambda world: {},
    "apply": lambda world: {},
    "invitation-accept": lambda world: {"token": world["invitation_token"]},
    "settings": lambda world: {},
    "member-list": lambda world: {},
    "member-role": lambda world: {"pk": world["member"].pk},
    "member-remove": lambda world: {"pk": world["member"].pk},
    "invitation-revoke": lambda world: {"pk": world["invitation"].pk},
    "view-as": lambda world: {"pk": world["seller"].pk},
    "view-as-stop": lambda world: {},
    "api-key-list": lambda world: {},
    "api-key-revoke": lambda world: {"prefix": world["api_key"].prefix},
}

# The open URLs: any signed-in user may open them (tests/sellers/test_central_access.py).
OPEN_TO_SIGNED_IN = frozenset({"apply", "invitation-accept"})
# Staff's own URLs (start and stop viewing as a seller): 404 for everyone else (test_view_as.py).
STAFF_ONLY = frozenset({"view-as", "view-as-stop"})


def world_extend(world: dict) -> None:
    """A manager to change or remove, an invitation waiting (for someone outside the world), and
    an integrator key to revoke."""
    world["member"] = SellerMemberFactory(seller=world["seller"], role=SellerMember.Role.MANAGER)
    # Made directly, not by the service, so the world carries no e-mail for other tests to count.
    token = secrets.token_urlsafe(32)
    invitation = SellerInvitation.objects.create(
        seller=world["seller"],
        email=f"invitee-{world['seller'].pk}@example.com",
        role=SellerMember.Role.SHIPPING,
        token_hash=invitation_token_hash(token),
        invited_by=world["owner"],
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    world["invitation"], world["invitation_token"] = invitation, token
    world["api_key"], _ = SellerApiKey.objects.create_key(
        seller=world["seller"], name="Warehouse sync", scopes=[Scope.LISTINGS_READ], created_by=world["owner"]
    )
