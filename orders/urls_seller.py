"""Orders's Seller Central pages: mounted under /seller/ by marketplace/urls.py."""

from django.urls import path

from orders.seller_central import messages as message_views
from orders.seller_central import views

urlpatterns: list = [
    path("orders/", views.SellerOrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", views.SellerOrderDetailView.as_view(), name="order-detail"),
    path(
        "orders/<str:number>/acknowledge/",
        views.SellerOrderAcknowledgeView.as_view(),
        name="order-acknowledge",
    ),
    path("orders/<str:number>/cancel/", views.SellerOrderCancelView.as_view(), name="order-cancel"),
    path("messages/", message_views.SellerMessageListView.as_view(), name="message-list"),
    path("messages/<str:number>/", message_views.SellerMessageDetailView.as_view(), name="message-detail"),
]
