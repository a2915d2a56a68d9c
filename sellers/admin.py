"""Sellers in the staff admin: approval, suspension and members."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from marketplace.core.admin_actions import action_confirmation
from marketplace.core.errors import ApplicationError
from sellers.models import Seller, SellerMember
from sellers.services import seller_approve, seller_reinstate, seller_suspend


def _count(relation: str):
    """Count ``relation`` per seller with a correlated subquery (no GROUP BY
    over the whole table, one SQL statement for the page)."""
    counted = Seller.objects.filter(pk=OuterRef("pk")).annotate(n=Count(relation)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class SellerMemberInline(admin.TabularInline):
    model = SellerMember
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class SuspendForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=500,
        help_text="Kept in the admin history of each seller.",
    )


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "rating_average", "rating_count", "offers", "members", "created_at"]
    list_filter = ["status", "country"]
    list_per_page = 100
    search_fields = ["name", "slug", "support_email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "approved_at", "rating_average", "rating_count", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "country", "support_email"]}),
        ("Standing", {"fields": ["status", "approved_at", "rating_average", "rating_count", "created_at"]}),
    ]
    inlines = [SellerMemberInline]
    actions = ["approve", "suspend", "reinstate"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(offer_total=_count("offers"), member_total=_count("members"))
        )

    @admin.display(description="offers", ordering="offer_total")
    def offers(self, obj):
        url = reverse("admin:catalog_offer_changelist")
        return format_html(
            '<a href="{}?{}">{}</a>', url, urlencode({"seller__id__exact": obj.pk}), obj.offer_total
        )

    @admin.display(description="members", ordering="member_total")
    def members(self, obj):
        return obj.member_total

    def _apply(self, request, queryset, verb: str, change, **kwargs) -> None:
        """Run ``change`` on each seller; report each refusal as a message."""
        done = []
        for seller in queryset.order_by("pk"):
            try:
                change(seller=seller, actor=request.user, **kwargs)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                continue
            reason = kwargs.get("reason")
            self.log_change(request, seller, f"{verb.capitalize()}" + (f": {reason}" if reason else "."))
            done.append(seller.name)
        if done:
            self.message_user(
                request, f"{verb.capitalize()} {len(done)}: {', '.join(done)}.", messages.SUCCESS
            )

    @admin.action(description="Approve selected sellers", permissions=["change"])
    def approve(self, request, queryset):
        self._apply(request, queryset, "approved", seller_approve)

    @admin.action(description="Reinstate selected suspended sellers", permissions=["change"])
    def reinstate(self, request, queryset):
        self._apply(request, queryset, "reinstated", seller_reinstate)

    @admin.action(description="Suspend selected sellers…", permissions=["change"])
    def suspend(self, request, queryset):
        """Ask for a reason on an intermediate page, then suspend."""
        form = SuspendForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._apply(request, queryset, "suspended", seller_suspend, reason=form.cleaned_data["reason"])
            return None
        return action_confirmation(
            self,
            request,
            template="admin/sellers/seller/suspend_selected.html",
            title="Suspend sellers",
            action="suspend",
            objects=queryset.order_by("name"),
            form=form,
            submit_label="Suspend",
        )


@admin.register(SellerMember)
class SellerMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "seller", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "seller"]
    list_per_page = 100
    search_fields = ["user__email", "user__full_name", "seller__name"]
    autocomplete_fields = ["seller"]
    raw_id_fields = ["user"]
