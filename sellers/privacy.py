"""What sellers holds about a person (memberships, invitations, applications), for export and erasure."""

from __future__ import annotations

from marketplace.accounts.privacy.registry import PrivacySection, rows_of
from sellers.models import SellerApplication, SellerInvitation, SellerMember


def sellers_export(user) -> dict:
    return {
        "seller_memberships": rows_of(
            SellerMember.objects.filter(user=user), ["id", "seller__name", "role", "created_at"]
        ),
        "seller_invitations": rows_of(
            SellerInvitation.objects.filter(email__iexact=user.email),
            ["id", "seller__name", "email", "role", "created_at", "accepted_at"],
        ),
        "seller_applications": rows_of(
            SellerApplication.objects.filter(applicant=user),
            ["id", "seller__name", "what_they_sell", "categories", "submitted_at", "decided_at"],
        ),
    }


def sellers_erase(user) -> int:
    """Leave every seller (none is left without an owner: see the refusal) and drop the invitations."""
    count = SellerMember.objects.filter(user=user).delete()[0]
    count += SellerInvitation.objects.filter(email__iexact=user.email).delete()[0]
    return count


def sellers_refusals(user) -> list[str]:
    """One query: does the user own a seller that no one else owns?"""
    owners = SellerMember.objects.filter(role=SellerMember.Role.OWNER)
    co_owned = owners.exclude(user=user).values("seller_id")
    alone = owners.filter(user=user).exclude(seller_id__in=co_owned)
    if alone.exists():
        return ["You are the only owner of a seller: make someone else an owner, or close the seller, first."]
    return []


SECTION = PrivacySection(key="sellers", export=sellers_export, erase=sellers_erase, refusals=sellers_refusals)
