"""Sign-in: remember in the session whether the user works for a seller, so the
header can link to Seller Central without a query on every page. Sign-out: end
a staff member's view-as (ADR 0079)."""

from __future__ import annotations

from sellers.access import SESSION_KEY, SESSION_MEMBER_FLAG, VIEW_AS_SESSION_KEY, membership_list
from sellers.services import seller_central_access_stop


def member_flag_set(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(SESSION_KEY, None)
    request.session[SESSION_MEMBER_FLAG] = bool(membership_list(user=user))


def view_as_end(sender, request, user, **kwargs):
    """Sign-out ends a staff member's view-as (the session, and with it the key, is flushed next)."""
    if request is None or not hasattr(request, "session") or user is None:
        return
    access_id = request.session.pop(VIEW_AS_SESSION_KEY, None)
    if isinstance(access_id, int):
        seller_central_access_stop(access_id=access_id, staff=user)
