"""The shopper's privacy pages: download your data, delete your account (docs/privacy.md)."""

from http import HTTPStatus

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import FormView, TemplateView

from marketplace.accounts.models import PrivacyRequest
from marketplace.accounts.privacy import erase, export, requests
from marketplace.core.errors import ApplicationError


class AccountDeleteForm(forms.Form):
    email = forms.EmailField(label="Type your e-mail address to confirm")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.strip().lower() != self.user.email.lower():
            raise forms.ValidationError("This is not the e-mail address of your account.")
        return email


class PrivacyOverviewView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exports"] = PrivacyRequest.objects.filter(
            user=self.request.user, kind=PrivacyRequest.Kind.EXPORT
        )[:5]
        return context


class PrivacyExportRequestView(LoginRequiredMixin, View):
    @method_decorator(reauthentication_required)
    def post(self, request, *args, **kwargs):
        try:
            requests.privacy_export_request(user=request.user, requested_by=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "We are preparing your data: you will get an e-mail with a link soon.")
        return redirect("accounts:privacy")


class PrivacyExportDownloadView(LoginRequiredMixin, View):
    def get(self, request, token):
        try:
            privacy_request = export.privacy_export_get_for_download(token=token, user=request.user)
        except PrivacyRequest.DoesNotExist:
            raise Http404("No such export.") from None
        if export.privacy_export_is_expired(request=privacy_request):
            return render(
                request,
                "accounts/privacy_export_expired.html",
                {"privacy_request": privacy_request},
                status=HTTPStatus.GONE,
            )
        return FileResponse(
            default_storage.open(privacy_request.file_name, "rb"),
            as_attachment=True,
            filename=f"your-data-{privacy_request.finished_at:%Y-%m-%d}.zip",
            content_type="application/zip",
        )


class AccountDeleteView(LoginRequiredMixin, FormView):
    template_name = "accounts/privacy_delete.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refusals"] = erase.privacy_erase_refusals(user=self.request.user)
        return context

    @method_decorator(reauthentication_required)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.request.user
        try:
            erase.privacy_erase(user=user, requested_by=user)
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        logout(self.request)
        messages.success(self.request, "Your account has been deleted. Thank you for shopping with us.")
        return redirect("/")
