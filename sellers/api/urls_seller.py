"""The keys page's URLs, mounted in Seller Central's ``seller`` namespace by sellers/urls.py."""

from django.urls import path

from sellers.api.central import ApiKeyListView, ApiKeyRevokeView

urlpatterns = [
    path("api-keys/", ApiKeyListView.as_view(), name="api-key-list"),
    path("api-keys/<str:prefix>/revoke/", ApiKeyRevokeView.as_view(), name="api-key-revoke"),
]
