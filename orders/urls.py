from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.CartDetailView.as_view(), name="cart-detail"),
    path("add/", views.CartAddView.as_view(), name="cart-add"),
    path("remove/", views.CartRemoveView.as_view(), name="cart-remove"),
]
