"""The shopper's review pages, mounted at /reviews/ (reviews/views/)."""

from django.urls import path

from reviews.views import author

app_name = "reviews"

urlpatterns = [
    path("mine/", author.MyReviewsView.as_view(), name="mine"),
]
