from django.urls import path

from . import views

app_name = "fulfillment"

urlpatterns = [
    path("carriers/<slug:carrier>/webhook/", views.CarrierWebhookView.as_view(), name="carrier-webhook"),
]
