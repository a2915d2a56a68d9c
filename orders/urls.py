from django.urls import path

from . import views, views_checkout, views_orders

app_name = "orders"

urlpatterns = [
    path("cart/", views.CartDetailView.as_view(), name="cart-detail"),
    path("cart/add/", views.CartAddView.as_view(), name="cart-add"),
    path("cart/update/", views.CartUpdateView.as_view(), name="cart-update"),
    path("cart/remove/", views.CartRemoveView.as_view(), name="cart-remove"),
    path("cart/save-for-later/", views.CartSaveForLaterView.as_view(), name="cart-save-for-later"),
    path("cart/move-to-cart/", views.CartMoveToCartView.as_view(), name="cart-move-to-cart"),
    path("checkout/", views_checkout.CheckoutView.as_view(), name="checkout"),
    path("orders/", views_orders.OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", views_orders.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<str:number>/cancel/", views_orders.OrderCancelView.as_view(), name="order-cancel"),
    path(
        "orders/<str:number>/messages/<str:part>/",
        views_orders.OrderMessagesView.as_view(),
        name="order-messages",
    ),
]
