"""Reviews's Seller Central pages: mounted under /seller/ by marketplace/urls.py."""

from django.urls import path

from reviews.seller_central import views

urlpatterns: list = [
    path("reviews/", views.SellerReviewListView.as_view(), name="reviews"),
    path("reviews/<str:pk>/reply/", views.SellerReviewReplyView.as_view(), name="review-reply"),
    path("feedback/", views.SellerFeedbackListView.as_view(), name="feedback"),
]
