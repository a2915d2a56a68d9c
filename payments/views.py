import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from marketplace.core.money import format_money
from orders.models import Order
from payments.forms import CardForm
from payments.models import Payment
from payments.providers import configured_provider_name, get_provider
from payments.providers.base import InvalidWebhook
from payments.providers.sandbox import SandboxProvider
from payments.selectors import order_get_for_payment, payment_get_for_user
from payments.services import (
    PaymentRefused,
    order_payable_error,
    payment_confirm,
    payment_start,
    payment_sync,
    webhook_receive,
)
from payments.stripe_views import stripe_pay_page

PAID = (Order.Status.PAID, Order.Status.COMPLETED, Order.Status.ON_HOLD)


def _own_order(request, number: str) -> Order:
    try:
        return order_get_for_payment(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order.") from None


def _finish(request, result, order: Order):
    """Redirect after a payment that succeeded, or was refunded because the order could not take it."""
    amount = format_money(result.payment.amount, result.payment.currency)
    order.refresh_from_db(fields=["status"])
    if result.refunded_because:
        messages.error(
            request,
            f"{result.refunded_because} We refunded the {amount} we charged to your card straight away.",
        )
    elif order.status == Order.Status.ON_HOLD:
        messages.info(
            request,
            f"Payment received: {amount}. Order {order.number} is on hold while we review it; "
            "we will e-mail you as soon as it is confirmed.",
        )
    else:
        messages.success(request, f"Payment received: {amount}. Thank you, order {order.number} is paid.")
    return redirect(order.get_absolute_url())


class PaymentPayView(LoginRequiredMixin, View):
    """The pay page of an order: its total and a card form."""

    template_name = "payments/pay.html"

    def get(self, request, number):
        order = _own_order(request, number)
        if order.status in PAID:
            messages.info(request, f"Order {order.number} is already paid.")
            return redirect(order.get_absolute_url())
        if configured_provider_name() == "stripe":
            return stripe_pay_page(request, order)
        return self.render(order, CardForm(initial={"attempt": uuid.uuid4()}))

    def post(self, request, number):
        order = _own_order(request, number)
        if order.status in PAID:
            messages.info(request, f"Order {order.number} is already paid.")
            return redirect(order.get_absolute_url())
        if configured_provider_name() == "stripe":
            # The Payment Element confirms in the browser; card details never come here.
            return redirect("payments:pay", number=order.number)
        form = CardForm(request.POST)
        if order_payable_error(order=order) or not form.is_valid():
            return self.render(order, form)
        try:
            payment = payment_start(
                order=order, idempotency_key=f"pay-{order.number}-{form.cleaned_data['attempt']}"
            )
            result = payment_confirm(
                payment=payment,
                payment_method=form.payment_method(),
                return_url=reverse("payments:pay-return", kwargs={"number": order.number}),
                ip_address=request.META.get("REMOTE_ADDR") or None,
                billing_country=form.cleaned_data.get("billing_country", ""),
            )
        except PaymentRefused as error:
            form.add_error(None, error.message)
            return self.render(order, form)
        payment = result.payment
        if payment.status == Payment.Status.REQUIRES_ACTION:
            return HttpResponseRedirect(payment.next_action_url)
        if payment.status == Payment.Status.FAILED:
            form.add_provider_error(payment.failure_code, payment.failure_message)
            return self.render(order, form)
        return _finish(request, result, order)

    def render(self, order, form):
        if form.is_bound:
            # A new attempt key: a failed attempt is over, the next submit is a new payment.
            data = form.data.copy()
            data["attempt"] = str(uuid.uuid4())
            data["cvc"] = ""
            form.data = data
        provider = get_provider()
        context = {
            "order": order,
            "form": form,
            "refusal": order_payable_error(order=order),
            "is_sandbox": provider.name == "sandbox",
            "test_cards": getattr(provider, "test_cards", ()),
        }
        return render(self.request, self.template_name, context)


class PaymentReturnView(LoginRequiredMixin, View):
    """Where the shopper lands after the provider's extra step (3-D Secure)."""

    def get(self, request, number):
        order = _own_order(request, number)
        try:
            payment = payment_get_for_user(
                user=request.user, provider_payment_id=request.GET.get("payment_intent", ""), number=number
            )
        except Payment.DoesNotExist:
            raise Http404("No such payment.") from None
        result = payment_sync(payment=payment)
        payment = result.payment
        if payment.status == Payment.Status.REQUIRES_ACTION:
            return HttpResponseRedirect(payment.next_action_url)
        if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED) or result.refunded_because:
            return _finish(request, result, order)
        messages.error(
            request, payment.failure_message or "The payment did not go through. Please try again."
        )
        return redirect("payments:pay", number=order.number)


class SandboxAuthenticateView(LoginRequiredMixin, View):
    """The sandbox bank's 3-D Secure page: the shopper completes or fails it."""

    template_name = "payments/sandbox_authenticate.html"

    def dispatch(self, request, *args, **kwargs):
        if configured_provider_name() != "sandbox":
            raise Http404("The sandbox is off.")
        return super().dispatch(request, *args, **kwargs)

    def _payment(self, request, payment_id):
        try:
            return payment_get_for_user(user=request.user, provider_payment_id=payment_id)
        except Payment.DoesNotExist:
            raise Http404("No such payment.") from None

    def get(self, request, payment_id):
        payment = self._payment(request, payment_id)
        sandbox_payment = SandboxProvider().get_payment_for_authentication(payment_id=payment_id)
        return render(request, self.template_name, {"payment": payment, "sandbox_payment": sandbox_payment})

    def post(self, request, payment_id):
        payment = self._payment(request, payment_id)
        provider = SandboxProvider()
        provider.authenticate(payment_id=payment_id, succeed=request.POST.get("outcome") == "complete")
        return_url = provider.return_url(payment_id=payment_id) or reverse(
            "payments:pay-return", kwargs={"number": payment.order.number}
        )
        return HttpResponseRedirect(f"{return_url}?payment_intent={payment_id}")


@method_decorator(csrf_exempt, name="dispatch")
class SandboxWebhookView(View):
    """The sandbox provider's webhook intake (signed like Stripe's)."""

    http_method_names = ["post"]

    def post(self, request):
        if configured_provider_name() != "sandbox":
            raise Http404("The sandbox is off.")
        try:
            event = webhook_receive(provider_name="sandbox", payload=request.body, headers=request.headers)
        except InvalidWebhook as error:
            return JsonResponse({"error": error.message}, status=400)
        return JsonResponse({"received": event.event_id})
