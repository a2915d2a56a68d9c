"""Sellers in the staff admin: applications, approval, suspension, members, staff view-as.

Apps above ``sellers`` add columns, filters and a queryset step to the Seller
changelist (``seller_admin_extend``: the scorecard adds the sellers' health),
and counts of what needs staff's attention to the admin index
(``admin_attention_register``), without ``sellers`` importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from marketplace.core.admin import audit_log_link
from marketplace.core.admin_actions import action_confirmation, decide_each
from marketplace.core.errors import ApplicationError
from sellers.access import OUTSIDE_CENTRAL, staff_may_view_as
from sellers.models import (
    Seller,
    SellerAddress,
    SellerApplication,
    SellerCentralAccess,
    SellerCentralAccessView,
    SellerInvitation,
    SellerMember,
)
from sellers.services import (
    seller_application_approve,
    seller_application_reject,
    seller_approve,
    seller_reinstate,
    seller_suspend,
)


@dataclass(frozen=True, slots=True)
class SellerAdminExtension:
    """What an app above ``sellers`` adds to the Seller changelist.

    ``columns`` are ``list_display`` callables of a seller (decorate them with
    ``admin.display``), ``filters`` list filters, and ``queryset`` a step applied
    to the changelist's queryset (annotate, select_related) so the columns cost
    no query per row.
    """

    key: str
    columns: tuple = ()
    filters: tuple = ()
    queryset: Callable | None = None


_EXTENSIONS: dict[str, SellerAdminExtension] = {}


def seller_admin_extend(extension: SellerAdminExtension) -> None:
    """Add (or replace, by key) columns, filters and a queryset step of the Seller changelist."""
    _EXTENSIONS[extension.key] = extension


@dataclass(frozen=True, slots=True)
class AdminAttention:
    """A count on the admin index of what needs staff's action, linking to where to act.

    ``count()`` is one query; ``permission`` is what the user needs to see it.
    """

    key: str
    label: str
    url: Callable[[], str]
    count: Callable[[], int]
    permission: str
    order: int = 100


_ATTENTION: dict[str, AdminAttention] = {}


def admin_attention_register(item: AdminAttention) -> None:
    _ATTENTION[item.key] = item


def admin_attention(*, user) -> list[dict]:
    """The registered counts this user may see, in order: label, count, url."""
    items = sorted(_ATTENTION.values(), key=lambda item: (item.order, item.key))
    return [
        {"key": item.key, "label": item.label, "count": item.count(), "url": item.url()}
        for item in items
        if user.has_perm(item.permission)
    ]


admin_attention_register(
    AdminAttention(
        key="applications",
        label="Applications waiting for a decision",
        url=lambda: (
            reverse("admin:sellers_sellerapplication_changelist")
            + "?"
            + urlencode({"status": Seller.Status.APPLIED})
        ),
        count=lambda: SellerApplication.objects.filter(seller__status=Seller.Status.APPLIED).count(),
        permission="sellers.view_sellerapplication",
        order=10,
    )
)


def _count(relation: str):
    """Count ``relation`` per seller with a correlated subquery (no GROUP BY
    over the whole table, one SQL statement for the page)."""
    counted = Seller.objects.filter(pk=OuterRef("pk")).annotate(n=Count(relation)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _approve(*, seller: Seller, actor) -> Seller:
    """An application is approved as one (its applicant is e-mailed); any other seller as before."""
    if seller.status == Seller.Status.APPLIED and SellerApplication.objects.filter(seller=seller).exists():
        return seller_application_approve(seller=seller, actor=actor)
    return seller_approve(seller=seller, actor=actor)


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
    readonly_fields = ["status", "approved_at", "rating_average", "rating_count", "created_at", "audit_log"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "legal_name", "description", "country", "support_email"]}),
        ("Contact", {"fields": ["contact_name", "contact_phone"]}),
        (
            "Standing",
            {
                "fields": [
                    "status",
                    "approved_at",
                    "rating_average",
                    "rating_count",
                    "created_at",
                    "audit_log",
                ]
            },
        ),
    ]
    inlines = [SellerMemberInline]
    actions = ["approve", "suspend", "reinstate"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(offer_total=_count("offers"), member_total=_count("members"))
        )
        for extension in _EXTENSIONS.values():
            if extension.queryset is not None:
                queryset = extension.queryset(queryset)
        return queryset

    def get_list_display(self, request):
        extra = [column for extension in _EXTENSIONS.values() for column in extension.columns]
        return [*super().get_list_display(request), *extra]

    def get_list_filter(self, request):
        extra = [item for extension in _EXTENSIONS.values() for item in extension.filters]
        return [*super().get_list_filter(request), *extra]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The change page links to viewing Seller Central as this seller (ADR 0079) for staff who may."""
        if obj is not None and obj.status not in OUTSIDE_CENTRAL and staff_may_view_as(request.user):
            context["view_as_url"] = reverse("seller:view-as", kwargs={"pk": obj.pk})
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="offers", ordering="offer_total")
    def offers(self, obj):
        url = reverse("admin:catalog_offer_changelist")
        return format_html(
            '<a href="{}?{}">{}</a>', url, urlencode({"seller__id__exact": obj.pk}), obj.offer_total
        )

    @admin.display(description="members", ordering="member_total")
    def members(self, obj):
        return obj.member_total

    @admin.display(description="audit log")
    def audit_log(self, obj):
        return audit_log_link(seller_id=obj.pk, label="Staff and seller actions for this seller")

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
        self._apply(request, queryset, "approved", _approve)

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


class ApplicationStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (Seller.Status.APPLIED, "Waiting for a decision"),
            (Seller.Status.APPROVED, "Approved"),
            (Seller.Status.REJECTED, "Rejected"),
            (Seller.Status.SUSPENDED, "Approved, since suspended"),
        ]

    def queryset(self, request, queryset):
        if self.value() in Seller.Status.values:
            return queryset.filter(seller__status=self.value())
        return queryset


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=1000,
        help_text="E-mailed to the applicant and shown on their apply page: say what to correct.",
    )


def _address_html(address: SellerAddress | None) -> str:
    if address is None:
        return "—"
    lines = [address.line1, address.line2, f"{address.postal_code} {address.city}", address.region]
    return format_html_join(
        "", "{}<br>", ((line,) for line in [*lines, address.country] if line and line.strip())
    )


@admin.register(SellerApplication)
class SellerApplicationAdmin(admin.ModelAdmin):
    """Applications to sell: read them, then approve or reject (with a reason) in bulk."""

    list_display = [
        "business",
        "status",
        "applicant",
        "country",
        "submitted_at",
        "submission_count",
        "decided_at",
    ]
    list_filter = [ApplicationStatusFilter]
    list_select_related = ["seller", "applicant"]
    list_per_page = 100
    search_fields = ["seller__name", "seller__legal_name", "applicant__email", "what_they_sell"]
    ordering = ["-submitted_at"]
    actions = ["approve", "reject"]
    fields = [
        "business",
        "status",
        "legal_name",
        "applicant",
        "contact",
        "support_email",
        "what_they_sell",
        "categories",
        "business_address",
        "return_address",
        "submitted_at",
        "submission_count",
        "decided_at",
        "decided_by",
        "rejection_reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="business", ordering="seller__name")
    def business(self, obj):
        url = reverse("admin:sellers_seller_change", args=[obj.seller_id])
        return format_html('<a href="{}">{}</a>', url, obj.seller.name)

    @admin.display(description="status", ordering="seller__status")
    def status(self, obj):
        return obj.seller.get_status_display()

    @admin.display(description="country", ordering="seller__country")
    def country(self, obj):
        return obj.seller.country

    @admin.display(description="legal name")
    def legal_name(self, obj):
        return obj.seller.legal_name

    @admin.display(description="contact")
    def contact(self, obj):
        return f"{obj.seller.contact_name}, {obj.seller.contact_phone}"

    @admin.display(description="support e-mail")
    def support_email(self, obj):
        return obj.seller.support_email

    def _addresses(self, obj) -> dict:
        if not hasattr(obj, "_address_map"):
            obj._address_map = {a.kind: a for a in SellerAddress.objects.filter(seller_id=obj.seller_id)}
        return obj._address_map

    @admin.display(description="business address")
    def business_address(self, obj):
        return _address_html(self._addresses(obj).get(SellerAddress.Kind.BUSINESS))

    @admin.display(description="return address")
    def return_address(self, obj):
        address = self._addresses(obj).get(SellerAddress.Kind.RETURN)
        return _address_html(address) if address else "Same as the business address"

    def _decide(self, request, queryset, verb: str, change, **kwargs) -> None:
        decide_each(
            self,
            request,
            queryset.select_related("seller").order_by("pk"),
            change=change,
            keyword="seller",
            subject_of=lambda application: application.seller,
            name_of=lambda application: application.seller.name,
            log_label="Application",
            verb=verb,
            **kwargs,
        )

    @admin.action(description="Approve selected applications", permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, "approved", seller_application_approve)

    @admin.action(description="Reject selected applications with a reason…", permissions=["change"])
    def reject(self, request, queryset):
        """Ask for the reason on an intermediate page, then reject."""
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide(
                request, queryset, "rejected", seller_application_reject, reason=form.cleaned_data["reason"]
            )
            return None
        return action_confirmation(
            self,
            request,
            template="admin/sellers/sellerapplication/reject_selected.html",
            title="Reject applications",
            action="reject",
            objects=queryset.select_related("seller").order_by("seller__name"),
            form=form,
            submit_label="Reject",
        )


@admin.register(SellerInvitation)
class SellerInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "seller", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    list_select_related = ["seller"]
    list_per_page = 100
    search_fields = ["email", "seller__name"]
    fields = [
        "seller",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


class SellerCentralAccessViewInline(admin.TabularInline):
    model = SellerCentralAccessView
    fields = ["at", "method", "path"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SellerCentralAccess)
class SellerCentralAccessAdmin(admin.ModelAdmin):
    """The audit of staff viewing Seller Central as a seller (ADR 0079): read-only."""

    list_display = ["staff", "seller", "reason", "started_at", "ended_at", "remote_ip", "pages"]
    list_select_related = ["staff", "seller"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter)]
    list_per_page = 100
    search_fields = ["staff__email", "seller__name", "reason"]
    date_hierarchy = "started_at"
    fields = ["staff", "seller", "reason", "started_at", "ended_at", "remote_ip"]
    readonly_fields = fields
    inlines = [SellerCentralAccessViewInline]

    def get_queryset(self, request):
        counted = SellerCentralAccess.objects.filter(pk=OuterRef("pk")).annotate(n=Count("views")).values("n")
        return (
            super()
            .get_queryset(request)
            .annotate(page_total=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
        )

    @admin.display(description="pages", ordering="page_total")
    def pages(self, obj):
        return obj.page_total

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
