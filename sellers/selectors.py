"""Reads of sellers: the public storefront's, the apply page's and Seller Central's (scoped)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404

from sellers.models import Seller, SellerAddress, SellerApplication, SellerInvitation, SellerMember


def seller_get_public(*, slug: str) -> Seller:
    """Return the approved seller with this slug; applied or suspended sellers raise Http404."""
    seller = (
        Seller.objects.filter(slug=slug, status=Seller.Status.APPROVED)
        .only(
            "id",
            "name",
            "slug",
            "status",
            "description",
            "country",
            "rating_average",
            "rating_count",
            "created_at",
            "approved_at",
        )
        .first()
    )
    if seller is None:
        raise Http404("No such seller.")
    return seller


# Applications (the apply page): the applicant's own, nothing else.


def seller_application_latest_for_user(*, user) -> SellerApplication | None:
    """The user's most recent application with its seller, or None."""
    return (
        SellerApplication.objects.filter(applicant=user)
        .select_related("seller")
        .order_by("-submitted_at", "-pk")
        .first()
    )


def seller_address_map(*, seller: Seller) -> dict[str, SellerAddress]:
    """The seller's addresses by kind ("business", "return")."""
    return {address.kind: address for address in SellerAddress.objects.filter(seller=seller)}


def seller_return_address(*, seller: Seller) -> SellerAddress | None:
    """Where the seller takes returns: its return address, else its business address."""
    addresses = seller_address_map(seller=seller)
    return addresses.get(SellerAddress.Kind.RETURN) or addresses.get(SellerAddress.Kind.BUSINESS)


# Members and invitations (Seller Central's members page): always scoped to the seller.


def member_list(*, seller: Seller) -> list[SellerMember]:
    """The seller's members with their users, owners first, then by e-mail."""
    role_order = Case(
        *(When(role=role, then=Value(n)) for n, role in enumerate(SellerMember.Role.values)),
        output_field=IntegerField(),
    )
    return list(
        SellerMember.objects.filter(seller=seller)
        .select_related("user")
        .annotate(role_order=role_order)
        .order_by("role_order", "user__email", "pk")
    )


def member_get_for_seller(*, seller: Seller, pk: int) -> SellerMember:
    """The seller's member ``pk``; another seller's raises SellerMember.DoesNotExist."""
    return SellerMember.objects.select_related("user").get(seller=seller, pk=pk)


def invitation_list_waiting(*, seller: Seller) -> list[SellerInvitation]:
    """The seller's invitations nobody accepted or revoked (expired ones too, to revoke), newest first."""
    return list(
        SellerInvitation.objects.filter(
            seller=seller, accepted_at__isnull=True, revoked_at__isnull=True
        ).order_by("-created_at", "-pk")
    )


def invitation_get_for_seller(*, seller: Seller, pk: int) -> SellerInvitation:
    """The seller's invitation ``pk``; another seller's raises SellerInvitation.DoesNotExist."""
    return SellerInvitation.objects.get(seller=seller, pk=pk)


def invitation_get_by_token(*, token_hash: str) -> SellerInvitation | None:
    """The invitation whose token hashes to ``token_hash`` (the link is the credential), or None."""
    return SellerInvitation.objects.select_related("seller").filter(token_hash=token_hash).first()
