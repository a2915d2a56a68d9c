"""``/api/v1/``: the index, the schema, the docs page and each app's endpoints."""

from django.urls import include, path, re_path

from marketplace.api import views

app_name = "api"

urlpatterns = [
    path("", views.ApiIndexView.as_view(), name="index"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("", include("catalog.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("fulfillment.api.urls")),
    path("", include("sellers.api.urls")),
    # Last: any other path under /api/v1/ is a 404 problem document, not the storefront's page.
    re_path(r"^.*$", views.not_found, name="not-found"),
]
