"""Catalog read endpoints of REST API v1: categories, products, search and suggestions.

Thin views: query strings are validated by the serializers in ``catalog.api.serializers`` (a
bad value is a 400 problem, never ignored), reads go through ``catalog.selectors`` and
``catalog.search`` (the storefront's own, so the same products, filters and ranking), and each
successful read carries an ETag (``marketplace.api.mixins.ETagMixin``). Reads may go to the
replica, as the storefront's catalog pages do (marketplace/core/replica.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors
from catalog.api import serializers as s
from catalog.api.selectors import category_tree
from catalog.models import Category
from catalog.search import search
from catalog.search.parsing import parse
from catalog.search.presentation import query_from_params
from catalog.search.suggest import search_suggest
from marketplace.api.mixins import ETagMixin
from marketplace.api.schema import READ_ERRORS, THROTTLED, problem
from marketplace.core.replica import reading_from_replica

# The cursor orders by plain columns (or annotations of them), never by an expression: a null
# price sorts last through a stand-in value, so a cursor position is never "None".
_NO_PRICE_HIGH = Value(Decimal("9999999999.99"))
_NO_PRICE_LOW = Value(Decimal("-1"))
SORT_ANNOTATIONS = {
    "featured": {"api_key": F("sales_count")},
    "price_asc": {"api_key": Coalesce("buy_box_price_amount", _NO_PRICE_HIGH)},
    "price_desc": {"api_key": Coalesce("buy_box_price_amount", _NO_PRICE_LOW)},
    "rating": {"api_key": F("rating_average")},
    "newest": {"api_key": F("created_at")},
}
SORT_CURSOR_ORDERING = {
    "featured": ("-api_key", "id"),
    "price_asc": ("api_key", "id"),
    "price_desc": ("-api_key", "id"),
    "rating": ("-api_key", "-rating_count", "id"),
    "newest": ("-api_key", "-id"),
}


class CatalogReadMixin(ETagMixin):
    permission_classes = [permissions.AllowAny]

    def dispatch(self, request, *args, **kwargs):
        # The view's reads and its serialisation (DRF renders later, from plain data).
        with reading_from_replica():
            return super().dispatch(request, *args, **kwargs)


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CategoryTreeView(CatalogReadMixin, APIView):
    @extend_schema(
        operation_id="categories_tree",
        summary="The category tree",
        description="Every active category, nested under its parent, in storefront order.",
        responses={200: s.CategoryNodeSerializer(many=True), **THROTTLED},
        tags=["catalog"],
    )
    def get(self, request):
        return Response(s.CategoryNodeSerializer(category_tree(), many=True).data)


class ProductListView(CatalogReadMixin, GenericAPIView):
    serializer_class = s.ProductCardSerializer

    @extend_schema(
        operation_id="products_list",
        summary="Listed products",
        description=(
            "Listed products (a variation family counts once, as its parent), filtered as on the "
            "storefront's category pages and sorted; cursor pages (follow `next`)."
        ),
        parameters=[s.ProductListQuerySerializer],
        responses={200: s.ProductPageSerializer, **READ_ERRORS},
        tags=["catalog"],
    )
    def get(self, request):
        params = _validated(s.ProductListQuerySerializer, request)
        sort = params.get("sort") or selectors.SORT_FEATURED
        filters = selectors.ProductFilters(
            sort=sort,
            brands=tuple(params.get("brand") or ()),
            price_min=params.get("price_min"),
            price_max=params.get("price_max"),
            rating_min=params.get("rating"),
        )
        if slug := params.get("category"):
            category = Category.objects.filter(slug=slug, is_active=True).first()
            if category is None:
                raise exceptions.ValidationError({"category": ["No active category has this slug."]})
            queryset = selectors.product_list_for_category(category=category, filters=filters)
        else:
            queryset = selectors.product_list_filter(selectors.product_card_queryset(), filters=filters)
        if params.get("in_stock") is not None:
            queryset = queryset.filter(in_stock=params["in_stock"])
        queryset = queryset.annotate(**SORT_ANNOTATIONS[sort])
        self.paginator.ordering = SORT_CURSOR_ORDERING[sort]
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ProductDetailView(CatalogReadMixin, APIView):
    @extend_schema(
        operation_id="products_retrieve",
        summary="A product",
        description=(
            "A product as its page shows it: attributes, images, variations, the buy-box offer and "
            "the other offers (cheapest landed first). A family's page shows its selected variation's "
            "offers. Inactive and unknown products are 404."
        ),
        responses={200: s.ProductDetailSerializer, **problem(404, "No such product."), **THROTTLED},
        tags=["catalog"],
    )
    def get(self, request, slug: str):
        page = selectors.product_page_get(slug=slug)
        return Response(s.ProductDetailSerializer(page, context={"request": request}).data)


class ProductSearchView(CatalogReadMixin, APIView):
    @extend_schema(
        operation_id="search",
        summary="Search products",
        description=(
            "Full-text search with the storefront's backend and ranking. Filters as on the search "
            "page, by their URL names (`category`, `brand`, `price` like `25-50`, `rating`, `seller`, "
            "`condition`; repeat a parameter for several values). Ranked results are numbered pages "
            "(`page`), not cursors."
        ),
        parameters=[
            s.SearchQuerySerializer,
            *(
                OpenApiParameter(name, OpenApiTypes.STR, many=True, required=False)
                for name in ("category", "brand", "price", "rating", "seller", "condition")
            ),
        ],
        responses={200: s.SearchResultSerializer, **READ_ERRORS},
        tags=["catalog"],
    )
    def get(self, request):
        params = _validated(s.SearchQuerySerializer, request)
        if parse(params["q"]).is_empty:
            raise exceptions.ValidationError({"q": ["Enter a word to search for."]})
        page_size = params.get("page_size") or settings.CATALOG_PAGE_SIZE
        result = search(query_from_params(request.query_params, page_size=page_size))
        return Response(s.SearchResultSerializer(result, context={"request": request}).data)


class ProductSuggestView(CatalogReadMixin, APIView):
    @extend_schema(
        operation_id="search_suggestions",
        summary="Search suggestions",
        description="Completions, categories and products for what was typed so far (as the header box).",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=False, description="What was typed.")],
        responses={200: s.SuggestionsSerializer, **THROTTLED},
        tags=["catalog"],
    )
    def get(self, request):
        return Response(search_suggest(text=request.query_params.get("q", "")[:200]))
