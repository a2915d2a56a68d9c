"""The shopper endpoints of API v1, included by marketplace/api/urls.py in the ``api`` namespace."""

from django.urls import path

from orders.api.views import addresses, cart, checkout, orders

urlpatterns = [
    path("cart/", cart.CartApi.as_view(), name="cart"),
    path("cart/lines/", cart.CartLineAddApi.as_view(), name="cart-lines"),
    path("cart/lines/<int:offer_id>/", cart.CartLineApi.as_view(), name="cart-line"),
    path("addresses/", addresses.AddressListApi.as_view(), name="address-list"),
    path("addresses/<int:pk>/", addresses.AddressDetailApi.as_view(), name="address-detail"),
    path("addresses/<int:pk>/default/", addresses.AddressDefaultApi.as_view(), name="address-default"),
    path("checkout/quote/", checkout.CheckoutQuoteApi.as_view(), name="checkout-quote"),
    path("orders/", orders.OrderListPlaceApi.as_view(), name="order-list"),
    path("orders/<str:number>/", orders.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<str:number>/cancel/", orders.OrderCancelApi.as_view(), name="order-cancel"),
]
