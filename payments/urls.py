from django.urls import path

from . import stripe_views, views
from .api_ledger import SellerLedgerApi

app_name = "payments"

urlpatterns = [
    path("sandbox/webhook/", views.SandboxWebhookView.as_view(), name="sandbox-webhook"),
    path("stripe/webhook/", stripe_views.StripeWebhookView.as_view(), name="stripe-webhook"),
    path(
        "sandbox/authenticate/<str:payment_id>/",
        views.SandboxAuthenticateView.as_view(),
        name="sandbox-authenticate",
    ),
    path("api/sellers/<slug:slug>/ledger/", SellerLedgerApi.as_view(), name="seller-ledger-api"),
    path("<str:number>/", views.PaymentPayView.as_view(), name="pay"),
    path("<str:number>/return/", views.PaymentReturnView.as_view(), name="pay-return"),
]
