"""Who may do what in Seller Central, and which seller a request acts for.

A user works for a seller through a ``SellerMember`` row with one role. Each
Seller Central view names the *section* it belongs to; a role sees only its
sections, and a member outside its role gets a 404, as if the page did not
exist (the issue's rule: a 403 would confirm that the id exists).

A member of several sellers picks one (``/seller/choose/``); the choice is kept
in the session and re-checked against the membership on every request, so a
removed member loses access on its next click.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, TextChoices

from sellers.models import Seller, SellerCentralAccess, SellerMember

Role = SellerMember.Role

SESSION_KEY = "seller_central_seller_id"
# Set at sign-in (sellers/handlers.py) so the header can offer Seller Central without a query.
SESSION_MEMBER_FLAG = "seller_central_member"
# The open SellerCentralAccess of a staff member viewing Seller Central as a seller (ADR 0079).
VIEW_AS_SESSION_KEY = "seller_central_view_as"
# The permission a staff member needs to view Seller Central as a seller.
VIEW_AS_PERMISSION = "sellers.view_seller"
# Sellers whose members are not in Seller Central: applicants (they see /seller/apply/ instead).
OUTSIDE_CENTRAL = (Seller.Status.APPLIED, Seller.Status.REJECTED)


class Section(TextChoices):
    DASHBOARD = "dashboard", "Dashboard"
    LISTINGS = "listings", "Listings"
    INVENTORY = "inventory", "Inventory"
    ORDERS = "orders", "Orders, shipments and returns"
    PERFORMANCE = "performance", "Performance"
    MONEY = "money", "Payments and statements"
    MEMBERS = "members", "Members"
    SETTINGS = "settings", "Settings"


ALL_SECTIONS = frozenset(Section)

# What each role may open. The owner has everything; the others only what the
# issue names (a manager also sees the performance that its orders make).
ROLE_SECTIONS: dict[str, frozenset[str]] = {
    Role.OWNER: ALL_SECTIONS,
    Role.MANAGER: frozenset(
        {Section.DASHBOARD, Section.LISTINGS, Section.INVENTORY, Section.ORDERS, Section.PERFORMANCE}
    ),
    Role.SHIPPING: frozenset({Section.DASHBOARD, Section.ORDERS}),
    Role.FINANCE: frozenset({Section.DASHBOARD, Section.MONEY}),
}


# Roles that reach the seller's money, payouts and team: they need a second factor before any
# Seller Central page (marketplace/accounts/mfa.py, ADR 0088).
MFA_ROLES = frozenset({Role.OWNER, Role.FINANCE})


def role_allows(role: str, section: str) -> bool:
    return section in ROLE_SECTIONS.get(role, frozenset())


def role_requires_mfa(role: str) -> bool:
    return role in MFA_ROLES


def membership_list(*, user) -> list[SellerMember]:
    """The user's memberships with their sellers, by seller name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        SellerMember.objects.filter(user=user)
        .exclude(seller__status__in=OUTSIDE_CENTRAL)
        .select_related("seller")
        .order_by("seller__name", "seller_id")
    )


def membership_get(*, user, seller_id: int | None) -> SellerMember | None:
    """The user's membership of ``seller_id``, or None (not a member, or no id)."""
    if seller_id is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        SellerMember.objects.filter(user=user, seller_id=seller_id)
        .exclude(seller__status__in=OUTSIDE_CENTRAL)
        .select_related("seller")
        .first()
    )


def membership_current(request) -> tuple[SellerMember | None, bool]:
    """The membership this request acts for, and whether the user must choose one first.

    The seller chosen in the session wins while the user is still its member;
    a user with exactly one membership needs no choice.
    """
    chosen = request.session.get(SESSION_KEY)
    if isinstance(chosen, int):
        membership = membership_get(user=request.user, seller_id=chosen)
        if membership is not None:
            return membership, False
    memberships = membership_list(user=request.user)
    if len(memberships) == 1:
        return memberships[0], False
    return None, len(memberships) > 1


def membership_choose(request, *, seller_id: int) -> SellerMember | None:
    """Remember ``seller_id`` for this session if the user works for it."""
    membership = membership_get(user=request.user, seller_id=seller_id)
    if membership is not None:
        request.session[SESSION_KEY] = membership.seller_id
    return membership


def staff_may_view_as(user) -> bool:
    """An active staff member with ``sellers.view_seller`` may view Seller Central as a seller."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(VIEW_AS_PERMISSION)
    )


def _holds_view_permission():
    """SQL for "the access's staff member still holds ``sellers.view_seller``" (as ModelBackend reads it)."""
    app_label, codename = VIEW_AS_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        Q(staff__is_superuser=True)
        | Exists(permission.filter(user=OuterRef("staff_id")))
        | Exists(permission.filter(group__user=OuterRef("staff_id")))
    )


def view_as_current(request) -> SellerCentralAccess | None:
    """The open view-as access of this request's staff member, with its seller, or None.

    Costs nothing without the session key, and one query with it: the access must
    still be open, be this user's, and the user must still be active staff holding
    the permission (re-checked on every request, so revoking it ends the view).
    A key that no longer qualifies is dropped from the session.
    """
    access_id = request.session.get(VIEW_AS_SESSION_KEY)
    if access_id is None:
        return None
    user = request.user
    access = None
    if (
        isinstance(access_id, int)
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    ):
        access = (
            SellerCentralAccess.objects.filter(
                _holds_view_permission(), pk=access_id, staff=user, ended_at=None
            )
            .select_related("seller")
            .first()
        )
    if access is None:
        request.session.pop(VIEW_AS_SESSION_KEY, None)
    return access
