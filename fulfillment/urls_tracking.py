"""The shopper's parcel tracking page, under /track/ (namespace ``tracking``)."""

from django.urls import path

from . import views_tracking

app_name = "tracking"

urlpatterns = [
    path("<str:tracking_number>/", views_tracking.ParcelTrackingView.as_view(), name="parcel"),
]
