"""Payments's Seller Central pages: mounted under /seller/ by marketplace/urls.py."""

from django.urls import path

from payments.seller_central import analytics, statements, views

urlpatterns = [
    path("payments/", views.MoneyOverviewView.as_view(), name="money"),
    path("payments/statement/", statements.StatementView.as_view(), name="statement"),
    path("payments/statement.csv", statements.StatementCsvView.as_view(), name="statement-csv"),
    path("payments/payouts/", views.PayoutListView.as_view(), name="payout-list"),
    path("payments/payouts/<int:pk>/", views.PayoutDetailView.as_view(), name="payout-detail"),
    path("payments/account/", views.PayoutAccountView.as_view(), name="payout-account"),
    path(
        "payments/account/stripe/return/",
        views.StripeConnectReturnView.as_view(),
        name="payout-account-stripe-return",
    ),
    path(
        "payments/account/stripe/refresh/",
        views.StripeConnectRefreshView.as_view(),
        name="payout-account-stripe-refresh",
    ),
    path("analytics/", analytics.AnalyticsView.as_view(), name="analytics"),
    path("analytics.csv", analytics.AnalyticsCsvView.as_view(), name="analytics-csv"),
]
