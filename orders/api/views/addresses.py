"""``/api/v1/addresses/``: the signed-in shopper's address book (anybody else's is a 404).

Writes go through ``marketplace.accounts.services`` (the one-default rule, the
lock on the user), validated by the storefront's ``AddressForm``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.accounts import services
from marketplace.accounts.forms import AddressForm
from marketplace.accounts.selectors import address_get_for_user, address_list
from marketplace.api.mixins import reject_unknown_fields
from marketplace.api.schema import READ_ERRORS, problem
from marketplace.core import inputs
from marketplace.core.errors import ApplicationError
from orders.api.schema import INVALID_BODY, NOT_SIGNED_IN, THROTTLED
from orders.api.serializers.addresses import AddressPageSerializer, AddressSerializer

FORM_FIELDS = AddressForm._meta.fields
NO_SUCH_ADDRESS = problem(404, "No such address in your address book.")
ADDRESS_EXAMPLE = OpenApiExample(
    "An address in California",
    value={
        "full_name": "Ada Buyer",
        "line1": "1 Market St",
        "line2": "",
        "city": "San Francisco",
        "region": "CA",
        "postal_code": "94103",
        "country": "US",
        "phone": "",
        "is_default": True,
    },
    request_only=True,
)


def _address_or_404(request, pk):
    try:
        pk = inputs.parse_id(pk, message="No such address.")
    except ApplicationError:
        raise exceptions.NotFound("No such address.") from None
    return address_get_for_user(user=request.user, pk=pk)


def _form_checked(values: dict) -> dict:
    """The storefront form's cleaned data for ``values``, or a 400 naming each field."""
    form = AddressForm(data={name: value for name, value in values.items() if value is not None})
    if not form.is_valid():
        raise exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


def _body(request, *, partial: bool) -> dict:
    serializer = AddressSerializer(data=request.data, partial=partial)
    reject_unknown_fields(serializer, request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AddressListApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = AddressSerializer

    def get_queryset(self):
        return address_list(user=self.request.user)

    @extend_schema(
        operation_id="addresses_list",
        summary="Your addresses",
        description="The address book, newest first (`is_default` marks the default); cursor pages.",
        responses={200: AddressPageSerializer, **NOT_SIGNED_IN, **READ_ERRORS},
        tags=["addresses"],
    )
    def get(self, request):
        self.paginator.ordering = ("-created_at", "-id")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AddressSerializer(page, many=True).data)

    @extend_schema(
        operation_id="addresses_create",
        summary="Add an address",
        description=(
            "Add an address, checked as the address book page checks it. The first address, or one "
            "sent with `is_default: true`, becomes the default."
        ),
        request=AddressSerializer,
        responses={201: AddressSerializer, **INVALID_BODY, **NOT_SIGNED_IN, **THROTTLED},
        examples=[ADDRESS_EXAMPLE],
        tags=["addresses"],
    )
    def post(self, request):
        cleaned = _form_checked(_body(request, partial=False))
        address = services.address_create(user=request.user, **cleaned)
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)


class AddressDetailApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = AddressSerializer

    @extend_schema(
        operation_id="addresses_retrieve",
        summary="An address",
        responses={200: AddressSerializer, **NOT_SIGNED_IN, **NO_SUCH_ADDRESS, **THROTTLED},
        tags=["addresses"],
    )
    def get(self, request, pk):
        return Response(AddressSerializer(_address_or_404(request, pk)).data)

    @extend_schema(
        operation_id="addresses_partial_update",
        summary="Change an address",
        description=(
            "Change the fields sent; the result is checked whole, as the address book page checks it. "
            "`is_default: true` makes it the default; `false` changes nothing (another address must "
            "take over)."
        ),
        request=AddressSerializer,
        responses={200: AddressSerializer, **INVALID_BODY, **NOT_SIGNED_IN, **NO_SUCH_ADDRESS, **THROTTLED},
        examples=[
            OpenApiExample("A new phone number", value={"phone": "+1 415 555 0100"}, request_only=True)
        ],
        tags=["addresses"],
    )
    def patch(self, request, pk):
        address = _address_or_404(request, pk)
        body = _body(request, partial=True)
        current = {name: getattr(address, name) for name in FORM_FIELDS}
        cleaned = _form_checked(current | dict(body))
        changed = {name: value for name, value in cleaned.items() if name in body}
        address = services.address_update(address=address, **changed)
        return Response(AddressSerializer(address).data)

    @extend_schema(
        operation_id="addresses_destroy",
        summary="Delete an address",
        description="Delete it; if it was the default, the most recently added remaining one takes over.",
        responses={204: None, **NOT_SIGNED_IN, **NO_SUCH_ADDRESS, **THROTTLED},
        tags=["addresses"],
    )
    def delete(self, request, pk):
        services.address_delete(address=_address_or_404(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressDefaultApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = AddressSerializer

    @extend_schema(
        operation_id="addresses_set_default",
        summary="Make an address the default",
        request=None,
        responses={200: AddressSerializer, **NOT_SIGNED_IN, **NO_SUCH_ADDRESS, **THROTTLED},
        tags=["addresses"],
    )
    def post(self, request, pk):
        address = services.address_update(address=_address_or_404(request, pk), is_default=True)
        return Response(AddressSerializer(address).data)
