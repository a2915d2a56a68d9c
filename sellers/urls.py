"""The sellers app's pages under /seller/ (marketplace/urls.py mounts them with the other apps')."""

from django.urls import path

from sellers.api import urls_seller as api_key_urls

from . import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("choose/", views.ChooseSellerView.as_view(), name="choose"),
    # Open to any signed-in user (no Seller Central section).
    path("apply/", views.SellerApplyView.as_view(), name="apply"),
    path("invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    # Staff with sellers.view_seller only: view Seller Central as a seller, read-only (ADR 0079).
    path("view-as/<int:pk>/", views.SellerViewAsView.as_view(), name="view-as"),
    path("view-as/stop/", views.SellerViewAsStopView.as_view(), name="view-as-stop"),
    # Owners only.
    path("settings/", views.SellerSettingsView.as_view(), name="settings"),
    path("members/", views.MemberListView.as_view(), name="member-list"),
    path("members/<int:pk>/role/", views.MemberRoleView.as_view(), name="member-role"),
    path("members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member-remove"),
    path(
        "members/invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    # Owners only: integrator keys of the seller API (sellers/api/central.py, ADR 0096).
    *api_key_urls.urlpatterns,
]
