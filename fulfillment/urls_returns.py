"""The shopper's return pages, under /returns/ (namespace ``returns``)."""

from django.urls import path

from . import views_returns

app_name = "returns"

urlpatterns = [
    path("new/<str:number>/", views_returns.ReturnCreateView.as_view(), name="return-create"),
    path("<str:number>/label.pdf", views_returns.ReturnLabelView.as_view(), name="return-label"),
    path("<str:number>/cancel/", views_returns.ReturnCancelView.as_view(), name="return-cancel"),
]
