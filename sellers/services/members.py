"""Members of a seller: invitations by e-mail, roles, removal.

Every change takes the seller's row lock first, so two owners acting at once
cannot both demote or remove each other and leave the seller without an
owner; the last owner can be neither removed nor demoted.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from sellers.models import Seller, SellerInvitation, SellerMember
from sellers.notifications import absolute_url, sellers_email_send
from sellers.services.profile import owner_check
from sellers.services.standing import seller_lock

Role = SellerMember.Role

INVITATION_LIFETIME = timedelta(days=7)


def invitation_token_hash(token: str) -> str:
    """What is stored of an invitation's token (its SHA-256, in hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _role_checked(role: str) -> str:
    if role not in Role.values:
        raise ApplicationError("Choose a role: owner, manager, shipping or finance.")
    return role


@transaction.atomic
def seller_invitation_create(*, seller: Seller, actor, email: str, role: str) -> tuple[SellerInvitation, str]:
    """Invite ``email`` to join ``seller`` in ``role`` for 7 days; e-mail the link.

    Return the invitation and its token (only the e-mail carries the token;
    the row stores its hash). Refuse an address that is already a member or
    has an invitation waiting.
    """
    role = _role_checked(role)
    email = email.strip()
    locked = seller_lock(seller_id=seller.pk)
    owner_check(seller=locked, actor=actor)
    if SellerMember.objects.filter(seller=locked, user__email__iexact=email).exists():
        raise ApplicationError(f"{email} already works for {locked.name}.")
    now = timezone.now()
    waiting = SellerInvitation.objects.filter(
        seller=locked,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    )
    if waiting.exists():
        raise ApplicationError(f"{email} has an invitation waiting: revoke it to send a new one.")
    token = secrets.token_urlsafe(32)
    invitation = SellerInvitation.objects.create(
        seller=locked,
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=actor,
        expires_at=now + INVITATION_LIFETIME,
    )
    audit_record(
        action="member.invited", target=invitation, after={"email": email, "role": role}, actor=actor
    )
    accept_path = reverse("seller:invitation-accept", kwargs={"token": token})
    sellers_email_send(
        to=[email],
        template="invitation",
        context={
            "seller": locked,
            "invitation": invitation,
            "inviter": actor,
            "accept_url": absolute_url(accept_path),
            "signup_url": absolute_url(
                f"{reverse('account_signup')}?{urlencode({'email': email, 'next': accept_path})}"
            ),
        },
    )
    return invitation, token


@transaction.atomic
def seller_invitation_revoke(*, seller: Seller, actor, invitation: SellerInvitation) -> SellerInvitation:
    """Revoke an invitation of ``seller`` that nobody has accepted yet."""
    owner_check(seller=seller, actor=actor)
    revoked = SellerInvitation.objects.filter(
        pk=invitation.pk, seller=seller, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not revoked:
        raise ApplicationError(f"The invitation of {invitation.email} was already accepted or revoked.")
    invitation.refresh_from_db(fields=["revoked_at"])
    audit_record(
        action="member.invitation_revoked", target=invitation, before={"email": invitation.email}, actor=actor
    )
    return invitation


def invitation_refusal(*, invitation: SellerInvitation, user) -> str | None:
    """Why ``user`` cannot accept ``invitation`` now (None: they can)."""
    if invitation.revoked_at is not None:
        return f"This invitation to {invitation.seller.name} was revoked. Ask its owner for a new one."
    if invitation.accepted_at is not None:
        return f"This invitation to {invitation.seller.name} has already been used."
    if invitation.expires_at <= timezone.now():
        return f"This invitation to {invitation.seller.name} has expired. Ask its owner for a new one."
    if invitation.seller.status not in (Seller.Status.APPROVED, Seller.Status.SUSPENDED):
        return f"{invitation.seller.name} cannot take new members."
    if SellerMember.objects.filter(seller=invitation.seller, user=user).exists():
        return f"You already work for {invitation.seller.name}."
    return None


def invitation_is_for(*, invitation: SellerInvitation, user) -> bool:
    """Whether the invitation was sent to one of ``user``'s verified e-mail addresses."""
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=invitation.email).exists()


@transaction.atomic
def seller_invitation_accept(*, invitation: SellerInvitation, user) -> SellerMember:
    """Join the invitation's seller in its role, once, as the user it was sent to."""
    locked = SellerInvitation.objects.select_for_update().select_related("seller").get(pk=invitation.pk)
    if not invitation_is_for(invitation=locked, user=user):
        raise ApplicationError(
            "This invitation was sent to another e-mail address. Sign in with that address "
            "(and verify it) to accept it."
        )
    refusal = invitation_refusal(invitation=locked, user=user)
    if refusal:
        raise ApplicationError(refusal)
    member = SellerMember.objects.create(seller=locked.seller, user=user, role=locked.role)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(action="member.joined", target=member, after={"role": member.role}, actor=user)
    return member


def _member_locked(*, seller: Seller, member_id: int) -> SellerMember:
    member = SellerMember.objects.select_for_update().filter(seller=seller, pk=member_id).first()
    if member is None:
        raise ApplicationError("That person no longer works for this seller.")
    return member


def _last_owner_check(*, seller: Seller, member: SellerMember, what: str) -> None:
    if member.role != Role.OWNER:
        return
    others = SellerMember.objects.filter(seller=seller, role=Role.OWNER).exclude(pk=member.pk)
    if not others.exists():
        raise ApplicationError(
            f"{member.user.email} is the only owner of {seller.name} and cannot be {what}: "
            "make another member an owner first."
        )


@transaction.atomic
def seller_member_role_change(*, seller: Seller, actor, member: SellerMember, role: str) -> SellerMember:
    """Give a member another role; the seller keeps at least one owner."""
    role = _role_checked(role)
    locked_seller = seller_lock(seller_id=seller.pk)
    owner_check(seller=locked_seller, actor=actor)
    locked = _member_locked(seller=locked_seller, member_id=member.pk)
    if locked.role == role:
        return locked
    if role != Role.OWNER:
        _last_owner_check(seller=locked_seller, member=locked, what="given another role")
    previous = locked.role
    locked.role = role
    locked.save(update_fields=["role"])
    audit_record(
        action="member.role_changed",
        target=locked,
        before={"role": previous},
        after={"role": role},
        actor=actor,
    )
    return locked


@transaction.atomic
def seller_member_remove(*, seller: Seller, actor, member: SellerMember) -> None:
    """Remove a member from the seller (they lose access on their next request)."""
    locked_seller = seller_lock(seller_id=seller.pk)
    owner_check(seller=locked_seller, actor=actor)
    locked = _member_locked(seller=locked_seller, member_id=member.pk)
    _last_owner_check(seller=locked_seller, member=locked, what="removed")
    audit_record(
        action="member.removed",
        target=locked,
        before={"role": locked.role, "user_id": locked.user_id},
        actor=actor,
    )
    locked.delete()
