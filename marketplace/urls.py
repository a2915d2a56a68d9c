from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

import catalog.urls_seller
import fulfillment.urls_seller
import orders.urls_seller
import payments.urls_seller
import reviews.urls_seller
import sellers.urls
from catalog.views import SellerDetailView
from marketplace.core import bench_views
from marketplace.core import views as core_views

admin.site.site_header = "Marketplace administration"
admin.site.site_title = "Marketplace admin"
# The admin signs in through allauth's sign-in (its rate limits, MFA): /admin/login/ sends an
# anonymous visitor there with ``next``, and refuses a signed-in non-staff user (ADR 0088).
admin.site.login = secure_admin_login(admin.site.login)

# The public seller page lists offers, so its view belongs to the catalog.
seller_urls = [path("<slug:slug>/", SellerDetailView.as_view(), name="seller-detail")]

# Seller Central: each app's seller pages, mounted together in the ``seller``
# namespace (sellers/central.py; docs/decisions/0070-seller-central.md).
seller_central_urls = [
    *sellers.urls.urlpatterns,
    *catalog.urls_seller.urlpatterns,
    *fulfillment.urls_seller.urlpatterns,
    *orders.urls_seller.urlpatterns,
    *payments.urls_seller.urlpatterns,
    *reviews.urls_seller.urlpatterns,
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("marketplace.api.urls")),  # REST API v1 (docs/api.md)
    path("_allauth/", include("allauth.headless.urls")),  # app sign-in for the API (X-Session-Token)
    path("accounts/", include("marketplace.accounts.urls_allauth")),  # before allauth's own
    path("accounts/", include("allauth.urls")),
    path("account/", include("marketplace.accounts.urls")),
    path("sellers/", include((seller_urls, "sellers"))),
    path("pay/", include("payments.urls")),
    path("fulfillment/", include("fulfillment.urls")),
    path("seller/", include((seller_central_urls, "seller"))),
    path("returns/", include("fulfillment.urls_returns")),
    path("claims/", include("fulfillment.urls_claims")),
    path("track/", include("fulfillment.urls_tracking")),
    path("reviews/", include("reviews.urls")),
    path("feedback/", include("reviews.urls_feedback")),
    # orders/urls.py carries full paths: cart/..., checkout/, orders/...
    path("", include("orders.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.ReadinessView.as_view(), name="readyz"),
    path("metrics", core_views.metrics_view, name="metrics"),
    path("csp-report/", core_views.csp_report, name="csp-report"),
    path("", include("catalog.urls")),
]

if settings.BENCH_VIEWS:
    # The benchmark's baseline (bench/run.py); off in production unless BENCH_VIEWS says so.
    urlpatterns.insert(-1, path("bench/bare/", bench_views.bare, name="bench-bare"))

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler404 = "marketplace.core.views.page_not_found"
handler500 = "marketplace.core.views.server_error"
# allauth's rate limits answer with this page (allauth.core.internal.ratelimit.respond_429).
handler429 = "marketplace.accounts.views.too_many_requests"
