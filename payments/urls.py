from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("sandbox/webhook/", views.SandboxWebhookView.as_view(), name="sandbox-webhook"),
    path(
        "sandbox/authenticate/<str:payment_id>/",
        views.SandboxAuthenticateView.as_view(),
        name="sandbox-authenticate",
    ),
    path("<str:number>/", views.PaymentPayView.as_view(), name="pay"),
    path("<str:number>/return/", views.PaymentReturnView.as_view(), name="pay-return"),
]
