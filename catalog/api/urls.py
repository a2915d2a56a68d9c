"""The catalog's API v1 URLs, included by marketplace/api/urls.py in the ``api`` namespace."""

from django.urls import path

from catalog.api import views

urlpatterns = [
    path("categories/", views.CategoryTreeView.as_view(), name="category-tree"),
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("search/", views.ProductSearchView.as_view(), name="product-search"),
    path("search/suggestions/", views.ProductSuggestView.as_view(), name="product-suggest"),
]
