from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.ProductSearchView.as_view(), name="search"),
    path("search/suggest/", views.ProductSearchSuggestView.as_view(), name="search-suggest"),
    path("c/<slug:slug>/", views.CategoryDetailView.as_view(), name="category-detail"),
    path("p/<slug:slug>/", views.ProductDetailView.as_view(), name="product-detail"),
]
