"""The sellers app's pages: the Seller Central shell (dashboard, seller picker), applying
to sell, settings, members and invitations, staff viewing as a seller. Mounted under
/seller/ by marketplace/urls.py."""

from sellers.views.apply import SellerApplyView
from sellers.views.members import (
    InvitationAcceptView,
    InvitationRevokeView,
    MemberListView,
    MemberRemoveView,
    MemberRoleView,
)
from sellers.views.settings import SellerSettingsView
from sellers.views.shell import ChooseSellerView, DashboardView
from sellers.views.view_as import SellerViewAsStopView, SellerViewAsView

__all__ = [
    "ChooseSellerView",
    "DashboardView",
    "InvitationAcceptView",
    "InvitationRevokeView",
    "MemberListView",
    "MemberRemoveView",
    "MemberRoleView",
    "SellerApplyView",
    "SellerSettingsView",
    "SellerViewAsStopView",
    "SellerViewAsView",
]
