"""Default throttles of the API: one budget per signed-in user, one per client IP.

The rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on each request (DRF reads
them once at import), so settings overrides apply. A throttled request gets 429 with
``Retry-After`` (marketplace.api.errors).
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _LiveRateThrottle(SimpleRateThrottle):
    def __init__(self):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(_LiveRateThrottle):
    """Requests of one signed-in user (anonymous requests are left to ``IPThrottle``)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class IPThrottle(_LiveRateThrottle):
    """Every request from one client address (``REMOTE_ADDR``, or ``X-Forwarded-For`` per
    DRF's ``NUM_PROXIES``, which the settings set to ``ALLAUTH_TRUSTED_PROXY_COUNT``), signed in or not."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
