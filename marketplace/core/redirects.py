"""Where to send a person after a POST or a sign-in step: a ``next`` URL, only if it is ours.

One check for every ``next`` / ``Referer`` target on the site: a path on this host (and, on a
secure request, https only), not longer than ``MAX_NEXT_LENGTH``, with no control characters
(a NUL or a newline in a redirect is never something a page of ours produced), optionally under
``prefix`` (Seller Central returns only to ``/seller/`` pages). Anything else gives None, and
the caller falls back to a page of its own choosing.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from marketplace.core.inputs import has_control_characters

MAX_NEXT_LENGTH = 2000


def safe_next_url(request: HttpRequest, target: str | None, *, prefix: str = "") -> str | None:
    """``target`` if it is a URL on this site (under ``prefix``), else None."""
    if not target or len(target) > MAX_NEXT_LENGTH or has_control_characters(target):
        return None
    if prefix and not target.startswith(prefix):
        return None
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
