"""The seller ledger and payouts in the admin.

Ledger entries are read-only (postings are made by ``payments.ledger`` and
``payments.payouts`` only); a statement page shows one seller's entries
between two dates with the opening and closing balances. Payouts can be
retried or, once failed, cancelled (the amount goes back to the balance).
Payout accounts are edited here until Seller Central onboards sellers.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from catalog.admin import AutocompleteListFilter
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from payments.ledger import ledger_available, ledger_balance, ledger_statement
from payments.models import LedgerEntry, Payout, SellerPayoutAccount
from payments.payouts import payout_attempt, payout_cancel
from sellers.models import Seller


class _ReadOnly(admin.ModelAdmin):
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatementForm(forms.Form):
    seller = forms.ModelChoiceField(queryset=Seller.objects.all(), widget=forms.NumberInput)
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The statement must start on or before its end.")
        if start and end and (end - start).days > 366:
            raise forms.ValidationError("A statement covers at most a year.")
        return cleaned


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_ReadOnly):
    list_display = ["created_at", "seller", "kind", "amount", "currency", "seller_order", "description"]
    list_filter = [("seller", AutocompleteListFilter), "kind", "created_at"]
    list_select_related = ["seller", "seller_order"]
    search_fields = ["key", "description", "seller_order__number"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["seller"]
    ordering = ["-created_at", "-id"]

    @property
    def media(self):
        return super().media + AutocompleteListFilter.media_for(LedgerEntry, "seller", self.admin_site)

    def get_urls(self):
        return [
            path(
                "statement/",
                self.admin_site.admin_view(self.statement_view),
                name="payments_ledgerentry_statement",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        seller_id = request.GET.get("seller__id__exact")
        extra_context = extra_context or {}
        if seller_id and seller_id.isdigit():
            extra_context["statement_url"] = (
                f"{reverse('admin:payments_ledgerentry_statement')}?seller={seller_id}"
            )
        return super().changelist_view(request, extra_context=extra_context)

    def statement_view(self, request):
        """One seller's statement: opening balance, the period's entries, closing balance."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.now().astimezone(UTC).date()
        data = request.GET.copy()
        data.setdefault("start", today.replace(day=1).isoformat())
        data.setdefault("end", today.isoformat())
        form = StatementForm(data if "seller" in data else None, initial=data)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Seller statement",
            "form": form,
        }
        if form.is_valid():
            seller = form.cleaned_data["seller"]
            now = timezone.now()
            context.update(
                seller=seller,
                statement=ledger_statement(
                    seller=seller, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
                ),
                balance=ledger_balance(seller=seller),
                available=ledger_available(seller=seller, now=now),
                title=f"Statement of {seller}",
            )
        return TemplateResponse(request, "admin/payments/ledger_statement.html", context)


@admin.register(Payout)
class PayoutAdmin(_ReadOnly):
    list_display = [
        "id",
        "seller",
        "period_end",
        "amount",
        "currency",
        "status",
        "attempts",
        "provider_transfer_id",
        "paid_at",
        "statement",
    ]
    list_filter = [("seller", AutocompleteListFilter), "status", "period_end"]
    list_select_related = ["seller"]
    search_fields = ["idempotency_key", "provider_transfer_id"]
    autocomplete_fields = ["seller"]
    actions = ["retry_now", "cancel_failed"]
    readonly_fields = [
        "seller",
        "period_end",
        "amount",
        "currency",
        "status",
        "provider",
        "account_id",
        "provider_transfer_id",
        "idempotency_key",
        "attempts",
        "last_error",
        "created_at",
        "paid_at",
    ]

    @property
    def media(self):
        return super().media + AutocompleteListFilter.media_for(Payout, "seller", self.admin_site)

    @admin.display(description="Statement")
    def statement(self, obj):
        start = obj.period_end - timedelta(days=6)
        url = reverse("admin:payments_ledgerentry_statement")
        return format_html(
            '<a href="{}?seller={}&start={}&end={}">Week</a>', url, obj.seller_id, start, obj.period_end
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("payments.change_payout"):
            actions.pop("retry_now", None)
            actions.pop("cancel_failed", None)
        return actions

    @admin.action(description="Retry the transfer of the selected failed or pending payouts")
    def retry_now(self, request, queryset):
        now = timezone.now()
        done = [payout_attempt(payout=payout, now=now) for payout in queryset.order_by("pk")]
        paid = sum(1 for payout in done if payout.status == Payout.Status.PAID)
        self.message_user(request, f"{paid} of {len(done)} payouts are paid.", messages.INFO)

    @admin.action(description="Cancel the selected failed payouts (the amount goes back to the balance)")
    def cancel_failed(self, request, queryset):
        for payout in queryset.order_by("pk"):
            try:
                payout_cancel(payout=payout, actor=request.user, reason="Cancelled by staff.")
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, f"Payout {payout.pk} cancelled.", messages.SUCCESS)


@admin.register(SellerPayoutAccount)
class SellerPayoutAccountAdmin(admin.ModelAdmin):
    list_display = ["seller", "provider", "account_id", "payouts_enabled", "created_at"]
    list_filter = ["provider", "payouts_enabled"]
    list_select_related = ["seller"]
    search_fields = ["account_id", "seller__name"]
    autocomplete_fields = ["seller"]
    show_facets = admin.ShowFacets.NEVER

    def save_model(self, request, obj, form, change):
        fields = [obj._meta.get_field(name) for name in form.changed_data]
        before = {f.attname: form.initial.get(f.name) for f in fields} if change else {}
        super().save_model(request, obj, form, change)
        if fields:  # a save that changed nothing is not a change of the account
            after = {f.attname: getattr(obj, f.attname) for f in fields}
            audit_record(action="payout.account_changed", target=obj, before=before, after=after)

    def delete_model(self, request, obj):
        audit_record(
            action="payout.account_removed",
            target=obj,
            before={"provider": obj.provider, "account_id": obj.account_id},
            after={},
        )
        super().delete_model(request, obj)
