"""The shopper's claim pages, under /claims/ (namespace ``claims``)."""

from django.urls import path

from . import views_returns

app_name = "claims"

urlpatterns = [
    path("new/<str:number>/", views_returns.ClaimCreateView.as_view(), name="claim-create"),
]
