"""Security headers Django and django-csp do not set: Permissions-Policy.

``PERMISSIONS_POLICY`` maps a feature to its allow list in the header's
structured-field syntax (``self``, quoted origins); an empty list turns the
feature off everywhere. The header is built once, when the middleware loads.
"""

from __future__ import annotations

from django.conf import settings


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
