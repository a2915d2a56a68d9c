"""``/api/v1/seller/listings/``: a seller's listings (offers), read and written through the catalog's
services as Seller Central's listing pages are."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from catalog.models import Product
from catalog.offer_details import offer_update_details
from catalog.seller_central.selectors import (
    ListingFilters,
    offer_get_for_seller,
    offer_list_for_seller_central,
)
from catalog.services import DuplicateSku, offer_create, offer_pause, offer_resume, offer_update_price
from marketplace.api.fields import JSONIntegerField, JSONStringField
from marketplace.api.pagination import CursorPagination
from marketplace.api.requests import validated_body
from marketplace.api.schema import problem
from orders.api.idempotency import idempotent
from orders.api.schema import IDEMPOTENCY_ERRORS, IDEMPOTENCY_KEY, INVALID_BODY
from sellers.api.auth import SellerApiView, scoped
from sellers.api.common import (
    SELLER_AUTH_ERRORS,
    Conflict,
    JSONBooleanField,
    JSONDecimalField,
    path_id,
    query_flag,
)
from sellers.api_keys import Scope

NO_SUCH_LISTING = problem(404, "No such listing of this seller.")
DUPLICATE_SKU = problem(409, "The seller already has a listing with this SKU.")


class ListingProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class ListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    product = ListingProductSerializer()
    condition = serializers.CharField()
    condition_note = serializers.CharField()
    price = serializers.DecimalField(source="price_amount", max_digits=12, decimal_places=2)
    shipping = serializers.DecimalField(source="shipping_amount", max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    handling_days = serializers.IntegerField()
    is_active = serializers.BooleanField()
    available = serializers.IntegerField(help_text="Units on hand less those reserved, in every warehouse.")
    created_at = serializers.DateTimeField()


class ListingPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ListingSerializer(many=True)


class ListingCreateSerializer(serializers.Serializer):
    product = JSONStringField(max_length=255, help_text="The product's slug (GET /api/v1/products/).")
    sku = JSONStringField(max_length=64)
    condition = JSONStringField(max_length=16, required=False, default="new")
    condition_note = JSONStringField(max_length=300, required=False, default="", allow_blank=True)
    price = JSONDecimalField()
    shipping = JSONDecimalField(required=False, default="0.00")
    handling_days = JSONIntegerField(min_value=0, max_value=30, required=False, default=2)


class ListingUpdateSerializer(serializers.Serializer):
    price = JSONDecimalField(required=False)
    shipping = JSONDecimalField(required=False)
    sku = JSONStringField(max_length=64, required=False)
    condition_note = JSONStringField(max_length=300, required=False, allow_blank=True)
    handling_days = JSONIntegerField(min_value=0, max_value=30, required=False)
    is_active = JSONBooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send at least one field to change.")
        return attrs


def _listing(seller, pk: int):
    return offer_get_for_seller(seller=seller, pk=pk)


def _duplicate_sku(error: DuplicateSku) -> Conflict:
    return Conflict(error.message)


LIST_PARAMETERS = [
    OpenApiParameter("sku", OpenApiTypes.STR, description="Exactly this SKU."),
    OpenApiParameter("active", OpenApiTypes.BOOL, description="`true`: on sale; `false`: paused."),
    OpenApiParameter("out_of_stock", OpenApiTypes.BOOL, description="`true`: no unit left to sell."),
]


class ListingListApi(SellerApiView):
    scopes = {"GET": Scope.LISTINGS_READ, "POST": Scope.LISTINGS_WRITE}

    @extend_schema(
        operation_id="seller_listings_list",
        tags=["seller"],
        description=scoped(Scope.LISTINGS_READ, "The seller's listings, newest first, in cursor pages."),
        parameters=LIST_PARAMETERS,
        responses={
            200: ListingSerializer(many=True),
            **problem(400, "A filter is not valid."),
            **SELLER_AUTH_ERRORS,
        },
    )
    def get(self, request):
        active = query_flag(request, "active")
        out_of_stock = query_flag(request, "out_of_stock")
        sku = request.query_params.get("sku")
        if sku is not None and (len(sku) > 64 or "\x00" in sku):
            raise exceptions.ValidationError({"sku": ["A SKU is at most 64 characters."]})
        filters = ListingFilters(
            status={True: "active", False: "paused"}.get(active, ""), out_of_stock=bool(out_of_stock)
        )
        queryset = offer_list_for_seller_central(seller=self.caller.seller, filters=filters)
        if sku:
            queryset = queryset.filter(sku=sku)
        paginator = CursorPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(ListingSerializer(page, many=True).data)

    @extend_schema(
        operation_id="seller_listings_create",
        tags=["seller"],
        description=scoped(
            Scope.LISTINGS_WRITE,
            "Offer an existing product (catalog.services.offer_create). The new listing has no stock: "
            "set it with PUT .../stock/. `Idempotency-Key` required.",
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=ListingCreateSerializer,
        responses={
            201: ListingSerializer,
            **INVALID_BODY,
            **DUPLICATE_SKU,
            **IDEMPOTENCY_ERRORS,
            **SELLER_AUTH_ERRORS,
        },
    )
    def post(self, request):
        seller = self.caller.seller

        def perform() -> Response:
            body = validated_body(ListingCreateSerializer, request)
            product = Product.objects.filter(slug=body["product"]).first()
            if product is None:
                raise exceptions.ValidationError({"product": ["No such product."]})
            try:
                offer = offer_create(
                    seller=seller,
                    product=product,
                    sku=body["sku"],
                    condition=body["condition"],
                    condition_note=body["condition_note"],
                    price=body["price"],
                    shipping=body["shipping"],
                    handling_days=body["handling_days"],
                )
            except DuplicateSku as error:
                raise _duplicate_sku(error) from None
            return Response(ListingSerializer(_listing(seller, offer.pk)).data, status=201)

        return idempotent(request, scope=f"seller-{seller.pk}:listing-create", perform=perform)


class ListingDetailApi(SellerApiView):
    scopes = {"GET": Scope.LISTINGS_READ, "PATCH": Scope.LISTINGS_WRITE}

    @extend_schema(
        operation_id="seller_listings_retrieve",
        tags=["seller"],
        description=scoped(Scope.LISTINGS_READ, "One listing of the seller (another seller's is a 404)."),
        responses={200: ListingSerializer, **NO_SUCH_LISTING, **SELLER_AUTH_ERRORS},
    )
    def get(self, request, pk: str):
        offer = _listing(self.caller.seller, path_id(pk, what="listing"))
        return Response(ListingSerializer(offer).data)

    @extend_schema(
        operation_id="seller_listings_partial_update",
        tags=["seller"],
        description=scoped(
            Scope.LISTINGS_WRITE,
            "Change the price and shipping, the details (SKU, condition note, handling days) or "
            "`is_active` (pause or resume); the fields sent only, all or nothing, each audited.",
        ),
        request=ListingUpdateSerializer,
        responses={
            200: ListingSerializer,
            **INVALID_BODY,
            **NO_SUCH_LISTING,
            **DUPLICATE_SKU,
            **SELLER_AUTH_ERRORS,
        },
    )
    def patch(self, request, pk: str):
        seller, actor = self.caller.seller, request.user
        offer = _listing(seller, path_id(pk, what="listing"))
        body = validated_body(ListingUpdateSerializer, request)
        with transaction.atomic():
            if "price" in body or "shipping" in body:
                offer = offer_update_price(
                    offer=offer,
                    seller=seller,
                    price=body.get("price", offer.price_amount),
                    shipping=body.get("shipping", offer.shipping_amount),
                    actor=actor,
                )
            if {"sku", "condition_note", "handling_days"} & body.keys():
                try:
                    offer = offer_update_details(
                        offer=offer,
                        seller=seller,
                        sku=body.get("sku", offer.sku),
                        condition_note=body.get("condition_note", offer.condition_note),
                        handling_days=body.get("handling_days", offer.handling_days),
                        actor=actor,
                    )
                except DuplicateSku as error:
                    raise _duplicate_sku(error) from None
            if "is_active" in body:
                change = offer_resume if body["is_active"] else offer_pause
                offer = change(offer=offer, seller=seller, actor=actor)
        return Response(ListingSerializer(_listing(seller, offer.pk)).data)
