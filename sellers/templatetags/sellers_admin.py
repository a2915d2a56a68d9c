"""The admin index's "needs your action" counts (sellers.admin.admin_attention_register)."""

from django import template

from sellers.admin import admin_attention

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_attention_items(context) -> list[dict]:
    request = context.get("request")
    if request is None or not getattr(request.user, "is_staff", False):
        return []
    return admin_attention(user=request.user)
