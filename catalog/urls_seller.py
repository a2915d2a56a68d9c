"""Catalog's Seller Central pages: mounted under /seller/ by marketplace/urls.py."""

urlpatterns: list = []
