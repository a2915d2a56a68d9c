"""``/api/v1/orders/<number>/payments/``: pay an order, see its payments and refunds.

The sandbox takes a test card and confirms at once (``payment_start`` then
``payment_confirm``, as the sandbox pay page does); with Stripe configured the
answer is the order's open PaymentIntent's client secret
(``payment_element_start``, as the Payment Element page does), which the app
confirms with Stripe's SDK. After 3-D Secure the app asks for a sync
(``payment_sync``, as the return page does).
"""

from __future__ import annotations

import uuid

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.api.requests import validated_body
from marketplace.api.schema import READ_ERRORS, problem
from orders.api.idempotency import idempotent
from orders.api.schema import IDEMPOTENCY_ERRORS, IDEMPOTENCY_KEY, INVALID_BODY, NOT_SIGNED_IN, THROTTLED
from orders.models import Order
from orders.numbers import ORDER_NUMBER_RE
from payments.api.serializers import (
    PaymentPageSerializer,
    PaymentResultSerializer,
    PaymentSerializer,
    PaymentStartSerializer,
)
from payments.forms import CardForm
from payments.fraud import payment_attempt_record
from payments.models import Payment, Refund
from payments.providers import configured_provider_name
from payments.selectors import order_get_for_payment, payment_get_for_user
from payments.services import payment_confirm, payment_start, payment_sync
from payments.stripe_checkout import payment_element_start

NAMESPACE = uuid.UUID("0b7f4e0c-2f5a-4d59-8d0e-6a3c9e1f7b24")
NO_SUCH_ORDER = problem(404, "No such order of yours.")
CARD_FIELDS = ("name", "number", "expiry", "cvc")


def _order_or_404(request, number: str) -> Order:
    if not ORDER_NUMBER_RE.match(number):
        raise Http404("No such order.")
    try:
        return order_get_for_payment(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order.") from None


def _result(order: Order, payment: Payment, *, refunded_because="", client_secret=None, code=200) -> Response:
    order.refresh_from_db(fields=["status"])
    payment = Payment.objects.prefetch_related("refunds").get(pk=payment.pk)
    body = {
        "payment": payment,
        "order_status": order.status,
        "refunded_because": refunded_because,
        "client_secret": client_secret,
    }
    return Response(PaymentResultSerializer(body).data, status=code)


def _card_method(body: dict, attempt: uuid.UUID) -> tuple[CardForm, dict]:
    """The sandbox pay form's checks on the card; its errors as ``card.<field>``."""
    if "card" not in body:
        raise exceptions.ValidationError({"card": ["This field is required (a sandbox test card)."]})
    form = CardForm(
        data={**body["card"], "attempt": str(attempt), "billing_country": body["billing_country"]}
    )
    if not form.is_valid():
        raise exceptions.ValidationError(
            {
                (f"card.{name}" if name in CARD_FIELDS else name): list(errors)
                for name, errors in form.errors.items()
            }
        )
    return form, form.payment_method()


def _pay_in_sandbox(request, order: Order, body: dict) -> Response:
    attempt = uuid.uuid5(NAMESPACE, f"{request.user.pk}:{request.headers['Idempotency-Key']}")
    form, method = _card_method(body, attempt)
    payment = payment_start(order=order, idempotency_key=f"pay-{order.number}-{attempt}")
    result = payment_confirm(
        payment=payment,
        payment_method=method,
        return_url=reverse("payments:pay-return", kwargs={"number": order.number}),
        ip_address=request.META.get("REMOTE_ADDR") or None,
        billing_country=form.cleaned_data.get("billing_country", ""),
    )
    return _result(order, result.payment, refunded_because=result.refunded_because, code=201)


def _pay_with_stripe(request, order: Order, body: dict) -> Response:
    if "card" in body:
        raise exceptions.ValidationError(
            {"card": ["With Stripe, card details are confirmed in the app with the client secret."]}
        )
    start = payment_element_start(order=order)
    if start.result is not None:  # it had already succeeded at Stripe: recorded now
        return _result(order, start.result.payment, refunded_because=start.result.refunded_because, code=201)
    if start.created:
        payment_attempt_record(payment=start.payment, ip_address=request.META.get("REMOTE_ADDR") or None)
    return _result(order, start.payment, client_secret=start.client_secret, code=201)


class PaymentListStartApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PaymentStartSerializer

    @extend_schema(
        operation_id="payments_list",
        summary="An order's payments",
        description="Every attempt at paying the order, newest first, each with its refunds; cursor pages.",
        responses={200: PaymentPageSerializer, **NOT_SIGNED_IN, **NO_SUCH_ORDER, **READ_ERRORS},
        tags=["payments"],
    )
    def get(self, request, number):
        order = _order_or_404(request, number)
        self.paginator.ordering = ("-created_at", "-id")
        payments = Payment.objects.filter(order=order).prefetch_related(
            Prefetch("refunds", queryset=Refund.objects.order_by("-created_at", "-id"))
        )
        page = self.paginate_queryset(payments)
        return self.get_paginated_response(PaymentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="payments_start",
        summary="Pay an order",
        description=(
            "**Sandbox** (no Stripe key configured): send a test `card`; the payment is confirmed at once: "
            "`succeeded` (the order is paid, or `on_hold` for review), `failed` (a decline: "
            "`failure_code`, `failure_message`; pay again with a new key) or `requires_action` (3-D "
            "Secure: the shopper completes `next_action_url`, then POST .../sync/). **Stripe**: send no "
            "card; the answer has the order's open PaymentIntent and its `client_secret` for the Payment "
            "Element or a native SDK (the same intent until it is paid). `Idempotency-Key` is required: "
            "a retry with the same key and body gets the same answer and charges once."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=PaymentStartSerializer,
        responses={
            201: PaymentResultSerializer,
            **INVALID_BODY,
            **NOT_SIGNED_IN,
            **NO_SUCH_ORDER,
            **IDEMPOTENCY_ERRORS,
            **THROTTLED,
        },
        examples=[
            OpenApiExample(
                "The sandbox's card that succeeds",
                value={
                    "card": {
                        "name": "Ada Buyer",
                        "number": "4242 4242 4242 4242",
                        "expiry": "12/34",
                        "cvc": "123",
                    }
                },
                request_only=True,
            ),
            OpenApiExample("Stripe", value={}, request_only=True),
        ],
        tags=["payments"],
    )
    def post(self, request, number):
        body = validated_body(PaymentStartSerializer, request)
        order = _order_or_404(request, number)
        if configured_provider_name() == "stripe":
            return idempotent(
                request,
                scope=f"payment-start:{order.number}",
                perform=lambda: _pay_with_stripe(request, order, body),
                rerun_on_replay=True,
            )
        return idempotent(
            request,
            scope=f"payment-start:{order.number}",
            perform=lambda: _pay_in_sandbox(request, order, body),
        )


class PaymentSyncApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PaymentResultSerializer

    @extend_schema(
        operation_id="payments_sync",
        summary="Refresh a payment from the provider",
        description=(
            "After 3-D Secure (or Stripe's SDK confirming), ask the provider how the payment stands "
            "and record it, as the storefront's return page does; the answer is the payment and the "
            "order's status."
        ),
        request=None,
        responses={
            200: PaymentResultSerializer,
            **NOT_SIGNED_IN,
            **problem(404, "No such payment of yours."),
            **THROTTLED,
        },
        tags=["payments"],
    )
    def post(self, request, number, payment_id):
        order = _order_or_404(request, number)
        try:
            payment = payment_get_for_user(
                user=request.user, provider_payment_id=payment_id, number=order.number
            )
        except Payment.DoesNotExist:
            raise Http404("No such payment.") from None
        result = payment_sync(payment=payment)
        return _result(order, result.payment, refunded_because=result.refunded_because)
