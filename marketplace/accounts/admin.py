from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from marketplace.accounts.forms import UserAdminChangeForm, UserAdminCreationForm
from marketplace.accounts.models import Address, OutboundEmail, PrivacyRequest, User
from marketplace.accounts.privacy import erase, requests
from marketplace.core.admin_actions import action_confirmation
from marketplace.core.errors import ApplicationError


class PrivacyEraseForm(forms.Form):
    reason = forms.CharField(
        max_length=300, help_text="The person's request: where and when they asked (kept in the admin log)."
    )


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    fields = [
        ("full_name", "phone"),
        "line1",
        "line2",
        ("city", "region", "postal_code", "country"),
        "is_default",
    ]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """The stock user admin, keyed on e-mail: there is no username."""

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [AddressInline]
    actions = ["privacy_export", "privacy_erase"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal information", {"fields": ["full_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def get_inlines(self, request, obj):
        # The add form is e-mail and password only; addresses come once the user exists.
        return self.inlines if obj is not None else []

    @admin.action(description="Export data (e-mail the user the link)", permissions=["change"])
    def privacy_export(self, request, queryset):
        for user in queryset:
            try:
                requests.privacy_export_request(user=user, requested_by=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{user}: {error.message}", messages.ERROR)
                continue
            self.log_change(request, user, "Data export asked by staff; the link is e-mailed to the user.")
            self.message_user(request, f"Export of {user}'s data started: the link is e-mailed to them.")

    @admin.action(description="Erase account…", permissions=["change"])
    def privacy_erase(self, request, queryset):
        """Ask for the reason (the person's request) on an intermediate page, then erase each account."""
        form = PrivacyEraseForm(request.POST if "apply" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return action_confirmation(
                self,
                request,
                template="admin/accounts/user/privacy_erase_selected.html",
                title="Erase accounts",
                action="privacy_erase",
                objects=queryset.order_by("email"),
                form=form,
                submit_label="Erase",
            )
        for user in queryset:
            label = str(user)
            try:
                record = erase.privacy_erase(user=user, requested_by=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{label}: {error.message}", messages.ERROR)
                continue
            self.log_change(
                request, record.user, f"Account erased at the person's request: {form.cleaned_data['reason']}"
            )
            self.message_user(request, f"Erased the account of {label} (now user {record.user_id}).")
        return None


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "city", "postal_code", "country", "is_default"]
    list_filter = ["country", "is_default"]
    search_fields = ["full_name", "user__email", "line1", "city", "postal_code"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Read only: the e-mails sent or waiting; one past its attempts shows why in ``last_error``."""

    list_display = ["__str__", "created_at", "sent_at", "attempts", "next_attempt_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "payload",
        "message_id",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    """The record of exports and erasures (read-only: the privacy services write it)."""

    list_display = ["id", "user", "kind", "status", "requested_by_staff", "created_at", "finished_at"]
    list_filter = ["kind", "status", "requested_by_staff"]
    search_fields = ["user__email"]
    fields = list_display[1:] + ["requested_by", "expires_at", "error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
