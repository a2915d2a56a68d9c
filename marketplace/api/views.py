"""The API's own pages: the index of endpoints, the OpenAPI schema and its docs page."""

from __future__ import annotations

from django.urls import reverse
from django.views.generic import TemplateView
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

# (name, URL name, what it is): the index lists them in this order.
ENDPOINTS = [
    ("schema", "api:schema", "The OpenAPI 3.1 schema (JSON; ?format=yaml for YAML)."),
    ("docs", "api:docs", "Interactive documentation (Swagger UI)."),
    ("categories", "api:category-tree", "The category tree."),
    ("products", "api:product-list", "Listed products, filtered and sorted (cursor pages)."),
    ("search", "api:product-search", "Full-text search, ranked as on the storefront."),
    ("suggestions", "api:product-suggest", "Autocomplete for a search box."),
    ("cart", "api:cart", "The cart: a guest's (X-Cart-Token) or the signed-in shopper's."),
    ("addresses", "api:address-list", "The signed-in shopper's addresses."),
    ("checkout_quote", "api:checkout-quote", "POST: shipping options and totals of the cart to an address."),
    ("orders", "api:order-list", "The signed-in shopper's orders; POST places one (Idempotency-Key)."),
    ("returns", "api:return-create", "POST: ask to return items of a delivered order (Idempotency-Key)."),
    ("seller_listings", "api:seller-listing-list", "A seller's listings (Api-Key or member)."),
    ("seller_orders", "api:seller-order-list", "A seller's orders to ship."),
    ("seller_returns", "api:seller-return-list", "A seller's returns."),
    ("seller_ledger", "api:seller-ledger", "A seller's balance and statement."),
]


class ApiIndexView(APIView):
    """``GET /api/v1/``: where each endpoint is."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(
            {
                "version": "v1",
                "endpoints": {
                    name: {"url": request.build_absolute_uri(reverse(url_name)), "description": text}
                    for name, url_name, text in ENDPOINTS
                },
            }
        )


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@permission_classes([permissions.AllowAny])
@throttle_classes([])
def not_found(request):
    raise NotFound("There is no API endpoint at this path; GET /api/v1/ lists them.")


class SchemaView(SpectacularAPIView):
    """The schema as JSON by default, YAML with ``?format=yaml`` or ``Accept: application/yaml``."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    permission_classes = [permissions.AllowAny]


class DocsView(TemplateView):
    """Swagger UI from our own static files (drf-spectacular-sidecar) and static/js/api-docs.js:
    no inline script, so the page runs under the site's CSP."""

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(schema_url=reverse("api:schema"), **kwargs)
