"""The return endpoints of API v1, included by marketplace/api/urls.py in the ``api`` namespace."""

from django.urls import path

from fulfillment.api import views

urlpatterns = [
    path("returns/", views.ReturnCreateApi.as_view(), name="return-create"),
    path("returns/<str:number>/", views.ReturnDetailApi.as_view(), name="return-detail"),
    path("returns/<str:number>/cancel/", views.ReturnCancelApi.as_view(), name="return-cancel"),
]
