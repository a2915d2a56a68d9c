"""Stripe's pages: the pay page with the Payment Element, and the webhook intake."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from orders.models import Order
from payments.fraud import payment_attempt_record
from payments.models import Payment
from payments.providers.base import InvalidWebhook, ProviderError
from payments.services import PaymentRefused, order_payable_error
from payments.stripe_checkout import payment_element_start
from payments.stripe_webhooks import stripe_webhook_receive

TEMPLATE = "payments/pay_stripe.html"


def stripe_pay_page(request, order: Order):
    """Render the pay page of ``order`` with the Payment Element (``PaymentPayView`` on Stripe)."""
    context = {
        "order": order,
        "refusal": order_payable_error(order=order),
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
    }
    if not context["refusal"]:
        try:
            start = payment_element_start(order=order)
        except PaymentRefused as error:
            context["refusal"] = error.message
        except ProviderError as error:
            context["provider_error"] = error.message
        else:
            if start.result is not None:
                from payments.views import _finish

                return _finish(request, start.result, order)
            payment = start.payment
            if start.created:
                # The browser confirms at Stripe; the IP that opened the page stands for it (fraud rules).
                payment_attempt_record(payment=payment, ip_address=request.META.get("REMOTE_ADDR") or None)
            context.update(
                payment=payment,
                client_secret=start.client_secret,
                requires_action=start.requires_action,
                failure_message=payment.failure_message if payment.status == Payment.Status.FAILED else "",
                return_url=request.build_absolute_uri(
                    reverse("payments:pay-return", kwargs={"number": order.number})
                ),
            )
    return render(request, TEMPLATE, context)


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe's webhook intake: the signature is checked on the raw body."""

    http_method_names = ["post"]

    def post(self, request):
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise Http404("Stripe webhooks are not configured.")
        try:
            event = stripe_webhook_receive(payload=request.body, headers=request.headers)
        except InvalidWebhook as error:
            return JsonResponse({"error": error.message}, status=400)
        return JsonResponse({"received": event.event_id})
