"""The audit log in the admin: read-only, for everyone (docs/audit.md)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from marketplace.core.audit import ACTIONS
from marketplace.core.models import AuditEntry


class ActionFilter(admin.SimpleListFilter):
    """The actions the code records (a fixed list: no DISTINCT over a table that only grows)."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(action, action) for action in sorted(ACTIONS)]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


def audit_log_link(*, target=None, seller_id: int | None = None, label: str = "Audit log") -> str:
    """An admin link to the audit entries of ``target`` (a row) or of a seller."""
    query = {}
    if target is not None:
        query = {"target_type": target._meta.label_lower, "target_id": target.pk}
    elif seller_id is not None:
        query = {"seller_id": seller_id}
    url = reverse("admin:core_auditentry_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(query), label)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor", "actor_kind", "seller_id", "target", "ip", "request_id")
    list_filter = (ActionFilter, "actor_kind", "created_at")
    search_fields = ("actor__email", "=target_id", "=request_id", "=seller_id")
    list_select_related = ("actor",)
    show_full_result_count = False
    fields = (
        "created_at",
        "action",
        "actor",
        "actor_kind",
        "seller_id",
        "target_type",
        "target_id",
        "before",
        "after",
        "reason",
        "ip",
        "user_agent",
        "request_id",
    )
    readonly_fields = fields

    @admin.display(description="target")
    def target(self, entry: AuditEntry) -> str:
        return f"{entry.target_type}#{entry.target_id}"

    def lookup_allowed(self, lookup, value, request=None):
        # Links from other admin pages filter by seller, target type and id.
        if lookup in {"seller_id", "target_type", "target_id"}:
            return True
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
