"""Admin actions: the intermediate page that asks for something (a reason), and deciding each item."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from marketplace.core.errors import ApplicationError


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


def decide_each(
    modeladmin,
    request,
    items,
    *,
    change,
    keyword: str,
    subject_of,
    name_of,
    log_label: str,
    verb: str,
    **kwargs,
) -> list[str]:
    """Apply the service ``change`` to each of ``items`` in turn, as an admin action does.

    The service is called as ``change(<keyword>=subject_of(item), actor=request.user, **kwargs)``.
    A refusal (``ApplicationError``) is shown as an error and the other items still apply; each
    change is written to the admin log ("<log_label> <verb>", with the reason when there is one)
    and the success message lists ``name_of(item)``. Return the names of the items changed.
    """
    done = []
    for item in items:
        subject = subject_of(item)
        try:
            change(**{keyword: subject}, actor=request.user, **kwargs)
        except ApplicationError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
            continue
        reason = kwargs.get("reason")
        modeladmin.log_change(request, subject, f"{log_label} {verb}" + (f": {reason}" if reason else "."))
        done.append(name_of(item))
    if done:
        summary = f"{verb.capitalize()} {len(done)}: {', '.join(done)}."
        modeladmin.message_user(request, summary, messages.SUCCESS)
    return done
