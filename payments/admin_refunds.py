"""Staff refunds in the admin: the "Refund…" action on payments and its form.

The action takes one payment to a page that shows what was captured, what
was refunded and what is left, line by line, and asks for an amount or
quantities per line and a reason. The form carries an idempotency key made
when the page was shown, so a double submit refunds once. Every refusal of
``refund_create`` comes back as a form error; nothing here writes directly.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from marketplace.core.errors import ApplicationError
from marketplace.core.money import format_money
from payments.models import Payment
from payments.refunds import RefundPosition, refund_create, refund_position

LINE_PREFIX = "line_"


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text="Leave empty to refund the units below instead.",
    )
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded with the refund and shown on the order's history.",
    )
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, position: RefundPosition, **kwargs):
        super().__init__(*args, **kwargs)
        self.position = position
        for row in position.lines:
            self.fields[f"{LINE_PREFIX}{row.line.pk}"] = forms.IntegerField(
                required=False,
                label=row.line.title,
                widget=forms.NumberInput(attrs={"min": 0, "max": row.refundable_quantity, "size": 4}),
            )

    def line_rows(self):
        """Each refundable line with its quantity field, for the template."""
        return [(row, self[f"{LINE_PREFIX}{row.line.pk}"]) for row in self.position.lines]

    def clean(self):
        cleaned = super().clean()
        lines = {
            int(name.removeprefix(LINE_PREFIX)): value
            for name, value in cleaned.items()
            if name.startswith(LINE_PREFIX) and value
        }
        cleaned["lines"] = lines
        amount = cleaned.get("amount")
        if amount is not None and lines:
            raise forms.ValidationError("Give either an amount or quantities per line, not both.")
        if amount is None and not lines and not self.has_error("amount"):
            raise forms.ValidationError("Give an amount or a quantity for at least one line.")
        return cleaned


class PaymentRefundAdminMixin:
    """Add the "Refund…" action and its form page to the payment admin."""

    actions = ["refund"]

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("payments.add_refund")

    @admin.action(description="Refund…", permissions=["refund"])
    def refund(self, request, queryset):
        payments = list(queryset.order_by("pk")[:2])
        if len(payments) != 1:
            self.message_user(request, "Choose one payment to refund.", messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:payments_payment_refund", args=[payments[0].pk]))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="payments_payment_refund",
            ),
            *super().get_urls(),
        ]

    def refund_view(self, request, object_id):
        if not self.has_refund_permission(request):
            raise PermissionDenied
        payment = get_object_or_404(Payment.objects.select_related("order"), pk=object_id)
        position = refund_position(payment=payment)
        if request.method == "POST":
            form = RefundForm(request.POST, position=position)
            if form.is_valid():
                refunded = self._refund(request, form, payment)
                if refunded:
                    return HttpResponseRedirect(reverse("admin:payments_payment_change", args=[payment.pk]))
        else:
            form = RefundForm(position=position, initial={"idempotency_key": uuid.uuid4().hex})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refund payment {payment.provider_payment_id}",
            "opts": self.model._meta,
            "payment": payment,
            "position": position,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/payments/refund_form.html", context)

    def _refund(self, request, form: RefundForm, payment: Payment) -> bool:
        data = form.cleaned_data
        try:
            refund = refund_create(
                payment=payment,
                amount=data["amount"] if data["amount"] is not None else None,
                lines=data["lines"] or None,
                reason=data["reason"],
                actor=request.user,
                idempotency_key=data["idempotency_key"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return False
        amount = format_money(Decimal(refund.amount), payment.currency)
        self.log_change(request, payment, f"Refunded {amount}: {refund.reason}")
        self.message_user(
            request,
            f"Refunded {amount} of order {payment.order.number} ({refund.provider_refund_id}).",
            messages.SUCCESS,
        )
        return True
