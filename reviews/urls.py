"""The shopper's review pages, mounted at /reviews/ (reviews/views/)."""

from django.urls import path

from reviews.views import actions, author, product, writing

app_name = "reviews"

urlpatterns = [
    path("mine/", author.MyReviewsView.as_view(), name="mine"),
    path("product/<slug:slug>/", product.ProductReviewsView.as_view(), name="product"),
    path("product/<slug:slug>/write/", writing.ReviewWriteView.as_view(), name="write"),
    path("<int:pk>/edit/", writing.ReviewEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", writing.ReviewDeleteView.as_view(), name="delete"),
    path("<int:pk>/helpful/", actions.ReviewVoteView.as_view(), name="vote"),
    path("<int:pk>/report/", actions.ReviewReportView.as_view(), name="report"),
]
