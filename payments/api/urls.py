"""The payment endpoints of API v1, included by marketplace/api/urls.py in the ``api`` namespace."""

from django.urls import path

from payments.api import views

urlpatterns = [
    path("orders/<str:number>/payments/", views.PaymentListStartApi.as_view(), name="order-payments"),
    path(
        "orders/<str:number>/payments/<str:payment_id>/sync/",
        views.PaymentSyncApi.as_view(),
        name="order-payment-sync",
    ),
]
