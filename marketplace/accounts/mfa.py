"""Two-factor authentication required for the accounts that reach other people's money.

Staff need an authenticator (an authenticator app, a security key or a
passkey) before any admin page (``middleware.StaffMFARequiredMiddleware``),
and seller owners and finance members before Seller Central
(``sellers.central.SellerCentralMixin``). Without one, the request is sent to
``/account/two-factor/required/``, which says why and keeps the page asked for
as ``next``; once an authenticator is added, "Continue" goes back there.
allauth asks for the second factor at every sign-in of an account that has
one, so having it is what is checked. ``settings.MFA_REQUIRED_FOR_PRIVILEGED``
turns the requirement off (the test settings; a system check refuses that in
production unless ``SANDBOX_ALLOWED`` names "mfa").
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from marketplace.core.redirects import safe_next_url

# A recovery code alone is not a second factor anyone set up: it comes with one of these.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
# Where "Continue" goes once an authenticator is added (set by the "required" page).
NEXT_SESSION_KEY = "mfa_setup_next"


def user_has_second_factor(user) -> bool:
    """Whether ``user`` has an authenticator app, a security key or a passkey."""
    return is_mfa_enabled(user, types=list(SECOND_FACTORS))


def mfa_required_response(request: HttpRequest) -> HttpResponseRedirect | None:
    """The redirect to the set-up page if the requirement is on and the user has no second factor.

    The caller decides that the request needs one (a staff page, an owner's or
    finance member's Seller Central page). One query, once per request.
    """
    if not settings.MFA_REQUIRED_FOR_PRIVILEGED:
        return None
    if not hasattr(request, "_has_second_factor"):
        request._has_second_factor = user_has_second_factor(request.user)
    if request._has_second_factor:
        return None
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('accounts:mfa-required')}?{query}")


def safe_next(request: HttpRequest, value: str | None) -> str | None:
    """``value`` if it is a URL on this site, else None."""
    return safe_next_url(request, value)
