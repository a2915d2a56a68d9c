"""Catalog's Seller Central pages: mounted under /seller/ by marketplace/urls.py."""

from django.urls import path

from catalog.seller_central import products, views

urlpatterns = [
    path("listings/", views.ListingListView.as_view(), name="listing-list"),
    path("listings/add/", views.ListingAddView.as_view(), name="listing-add"),
    path("listings/<int:pk>/edit/", views.ListingEditView.as_view(), name="listing-edit"),
    path("listings/<int:pk>/price/", views.ListingPriceView.as_view(), name="listing-price"),
    path("listings/<int:pk>/pause/", views.ListingPauseView.as_view(), name="listing-pause"),
    path("listings/<int:pk>/resume/", views.ListingResumeView.as_view(), name="listing-resume"),
    path("products/", products.ProductListView.as_view(), name="product-list"),
    path("products/new/", products.ProductNewView.as_view(), name="product-new"),
    path("products/<int:pk>/edit/", products.ProductResubmitView.as_view(), name="product-edit"),
]
