"""The audit log: who changed money, stock, a status or a permission, and from where.

A service that makes such a change, on behalf of staff or a seller, calls
``audit_record`` once, where it saves the change; the entry is written in the
caller's transaction, so it commits or rolls back with the change. Who and
from where come from the request running now, which ``AuditContextMiddleware``
keeps in a context variable: its user (unless the service names the actor),
its client address (``REMOTE_ADDR``, or the address the trusted proxies put in
``X-Forwarded-For``, as ``ALLAUTH_TRUSTED_PROXY_COUNT`` says), its user agent
and its request id (``marketplace.core.logs``, also set in Celery tasks).
See docs/audit.md.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import models

from marketplace.core import logs
from marketplace.core.models import AuditEntry

USER_AGENT_MAX_LENGTH = AuditEntry._meta.get_field("user_agent").max_length
REASON_MAX_LENGTH = 2000

request_var: ContextVar[Any] = ContextVar("audit_request", default=None)

# Every action recorded, for the admin's filter (docs/audit.md lists where each is written).
ACTIONS = (
    "offer.price_changed",
    "offer.details_changed",
    "offer.paused",
    "offer.resumed",
    "stock.adjusted",
    "stock.adjusted_many",
    "product.approved",
    "product.rejected",
    "product.resubmitted",
    "order.cancelled",
    "order.released",
    "order.rejected",
    "seller_order.cancelled",
    "seller_order.ready_to_ship",
    "seller_order.partially_shipped",
    "seller_order.shipped",
    "seller_order.delivered",
    "refund.created",
    "payout.account_changed",
    "payout.account_removed",
    "payout.cancelled",
    "seller.approved",
    "seller.rejected",
    "seller.suspended",
    "seller.applied",
    "seller.profile_changed",
    "member.invited",
    "member.invitation_revoked",
    "member.joined",
    "member.role_changed",
    "member.removed",
    "api_key.created",
    "api_key.revoked",
    "review.published",
    "review.rejected",
    "review.removed",
    "seller_reply.published",
    "seller_reply.rejected",
    "feedback.removed",
    "account.export_requested",
    "account.erased",
)


class AuditContextMiddleware:
    """Keep the request in a context variable, for ``audit_record`` to read who and where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_var.set(request)
        try:
            return self.get_response(request)
        finally:
            request_var.reset(token)


def client_ip(request) -> str | None:
    """Return the client's address: the one the trusted proxies saw, else ``REMOTE_ADDR``.

    Never raises: a malformed or missing address gives ``None``.
    """
    candidate = None
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("x-forwarded-for", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    for value in (candidate, request.META.get("REMOTE_ADDR")):
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            continue
    return None


def actor_kind_of(actor, *, seller_id: int | None) -> str:
    """Staff, a seller member (acting for ``seller_id``), a shopper, or the system."""
    if actor is None:
        return AuditEntry.ActorKind.SYSTEM
    if actor.is_staff:
        return AuditEntry.ActorKind.STAFF
    if seller_id is not None:
        return AuditEntry.ActorKind.SELLER_MEMBER
    return AuditEntry.ActorKind.SHOPPER


def staff_or_seller(actor) -> str:
    """The kind of a person who may do what only staff and sellers do (a refund, say)."""
    return AuditEntry.ActorKind.STAFF if actor.is_staff else AuditEntry.ActorKind.SELLER_MEMBER


def changed_only(before: dict | None, after: dict | None) -> tuple[dict, dict]:
    """Drop the fields whose value is the same before and after."""
    before, after = dict(before or {}), dict(after or {})
    for name in set(before) & set(after):
        if before[name] == after[name]:
            del before[name], after[name]
    return before, after


def printable(text: str) -> str:
    """Drop control characters (PostgreSQL refuses NUL in text)."""
    return "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")


def audit_record(
    *,
    action: str,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    seller_id: int | None = None,
    actor=None,
    actor_kind: str | None = None,
) -> AuditEntry:
    """Append one audit entry for ``action`` on ``target`` (one INSERT, in the caller's transaction).

    ``before`` and ``after`` hold the changed fields only (unchanged ones are
    dropped). ``seller_id`` defaults to ``target.seller_id`` when the target
    has one. ``actor`` defaults to the signed-in user of the request running
    now; with neither, the entry is the system's.
    """
    request = request_var.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if seller_id is None:
        seller_id = getattr(target, "seller_id", None)
    before, after = changed_only(before, after)
    return AuditEntry.objects.create(
        actor=actor,
        actor_kind=actor_kind or actor_kind_of(actor, seller_id=seller_id),
        seller_id=seller_id,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        before=before,
        after=after,
        reason=printable(reason or "")[:REASON_MAX_LENGTH],
        ip=client_ip(request) if request is not None else None,
        user_agent=printable(request.headers.get("user-agent", ""))[:USER_AGENT_MAX_LENGTH]
        if request
        else "",
        request_id=logs.request_id_get(),
    )
