"""Staff reach the admin only with a second factor (marketplace/accounts/mfa.py)."""

from __future__ import annotations

from django.urls import reverse

from marketplace.accounts.mfa import mfa_required_response


class StaffMFARequiredMiddleware:
    """Send a signed-in staff member without an authenticator from any admin page to the set-up page.

    Signing out of the admin stays open. Everyone else passes untouched, without a query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_prefix = reverse("admin:index")
        if (
            request.path.startswith(admin_prefix)
            and request.path != reverse("admin:logout")
            and request.user.is_authenticated
            and request.user.is_staff
        ):
            response = mfa_required_response(request)
            if response is not None:
                return response
        return self.get_response(request)
