"""The buyer's seller feedback, mounted at /feedback/ (reviews/feedback/views.py)."""

from django.urls import path

from reviews.feedback import views

app_name = "feedback"

urlpatterns = [
    path("<str:number>/", views.FeedbackLeaveView.as_view(), name="leave"),
    path("<str:number>/remove/", views.FeedbackRemoveView.as_view(), name="remove"),
]
