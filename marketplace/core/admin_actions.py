"""The intermediate page of an admin action that asks for something (a reason)."""

from django.contrib.admin import helpers
from django.template.response import TemplateResponse


def action_confirmation(
    modeladmin, request, *, template: str, title: str, action: str, objects, form, submit_label: str
) -> TemplateResponse:
    """Render ``template`` (extending admin/action_confirmation.html) for ``objects``."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "objects": objects,
        "form": form,
        "action_name": action,
        "submit_label": submit_label,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
        "media": modeladmin.media,
    }
    return TemplateResponse(request, template, context)
