"""Sign-in: remember in the session whether the user works for a seller, so the
header can link to Seller Central without a query on every page."""

from __future__ import annotations

from sellers.access import SESSION_KEY, SESSION_MEMBER_FLAG, membership_list


def member_flag_set(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(SESSION_KEY, None)
    request.session[SESSION_MEMBER_FLAG] = bool(membership_list(user=user))
