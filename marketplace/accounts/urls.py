from django.urls import path

from . import views, views_privacy

app_name = "accounts"

urlpatterns = [
    path("", views.AccountOverviewView.as_view(), name="overview"),
    path("addresses/new/", views.AddressCreateView.as_view(), name="address-create"),
    path("addresses/<int:pk>/edit/", views.AddressUpdateView.as_view(), name="address-update"),
    path("addresses/<int:pk>/delete/", views.AddressDeleteView.as_view(), name="address-delete"),
    path("two-factor/required/", views.MFARequiredView.as_view(), name="mfa-required"),
    path("two-factor/continue/", views.MFAContinueView.as_view(), name="mfa-continue"),
    path("privacy/", views_privacy.PrivacyOverviewView.as_view(), name="privacy"),
    path("privacy/export/", views_privacy.PrivacyExportRequestView.as_view(), name="privacy-export"),
    path(
        "privacy/exports/<uuid:token>/",
        views_privacy.PrivacyExportDownloadView.as_view(),
        name="privacy-export-download",
    ),
    path("privacy/delete/", views_privacy.AccountDeleteView.as_view(), name="privacy-delete"),
]
