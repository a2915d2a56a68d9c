"""Seller Central's shipping pages, under /seller/ (namespace ``seller``)."""

from django.urls import path

from . import views_seller

app_name = "seller"

urlpatterns = [
    path("shipping/", views_seller.ShippingQueueView.as_view(), name="shipping-queue"),
    path("shipping/<str:number>/", views_seller.ShippingOrderView.as_view(), name="shipping-order"),
    path("parcels/<int:pk>/label.pdf", views_seller.ShipmentLabelView.as_view(), name="shipment-label"),
    path("parcels/<int:pk>/void/", views_seller.ShipmentVoidView.as_view(), name="shipment-void"),
]
