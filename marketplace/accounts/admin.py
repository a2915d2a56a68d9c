from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from marketplace.accounts.forms import UserAdminChangeForm, UserAdminCreationForm
from marketplace.accounts.models import Address, OutboundEmail, User


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
