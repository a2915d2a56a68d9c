"""Seller Central's own pages; marketplace/urls.py mounts them with the other apps' under /seller/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("choose/", views.ChooseSellerView.as_view(), name="choose"),
]
