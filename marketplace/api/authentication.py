"""How apps authenticate to the API: allauth's headless session token (``X-Session-Token``).

An app signs in through allauth's headless app API (``/_allauth/app/v1/auth/login``: the same
adapter, rate limits and e-mail verification as the storefront's sign-in) and sends the
``session_token`` it gets back in ``X-Session-Token``. The browser uses its session cookie
(DRF's SessionAuthentication, with CSRF on writes).
"""

from __future__ import annotations

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from rest_framework import exceptions

HEADER = "X-Session-Token"


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's class, made strict: a token that is presented but unknown, expired or signed out
    is a 401 (not silently anonymous), and a missing one on a private endpoint under ``/api/`` is
    a 401 that names the scheme in ``WWW-Authenticate``."""

    def authenticate(self, request):
        token = self.get_session_token(request)
        if not token:
            return None
        result = super().authenticate(request)
        if result is None:
            raise exceptions.AuthenticationFailed("The session token is not valid or has expired.")
        return result

    def authenticate_header(self, request) -> str | None:
        # DRF views outside /api/ (the Seller Central ledger) keep answering anonymous callers 403.
        return HEADER if request.path.startswith("/api/") else None


# Registers the scheme's OpenAPI description (drf-spectacular extensions register on import).
from marketplace.api import schema as _schema  # noqa: E402, F401
