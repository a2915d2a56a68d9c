import logging
import traceback
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import Address, OutboundEmail, User
from marketplace.core import events

logger = logging.getLogger(__name__)

ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "region", "postal_code", "country", "phone")


def email_send(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    alternatives: list | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Send a rendered e-mail with optional HTML (or other) alternatives."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers or None
    )
    for content, mimetype in alternatives or []:
        message.attach_alternative(content, mimetype)
    message.send()


# email_send's keyword arguments; a payload with any other key is refused when it is enqueued.
EMAIL_PAYLOAD_KEYS = {"subject", "body", "from_email", "to", "alternatives", "headers"}
EMAIL_PAYLOAD_REQUIRED = {"subject", "body", "from_email", "to"}
# Sending attempts of one e-mail before it is left for a person (the admin shows last_error).
OUTBOUND_EMAIL_MAX_ATTEMPTS = 10
# The sweep leaves a new row this long to its on-commit kick before sending it itself.
OUTBOUND_EMAIL_SWEEP_AFTER = timedelta(minutes=1)


def email_enqueue(payload: dict) -> OutboundEmail:
    """Store a rendered e-mail in the current transaction; send it once that commits.

    ``payload`` holds ``email_send``'s arguments. The row is the durable
    record: it commits or rolls back with the caller's change (an outbox
    handler's row commits with its "done" mark), an on-commit kick sends it
    at once, and ``outbound_email_sweep_task`` sends whatever a dead process
    never kicked. Each row is sent under its row lock and marked sent in the
    same transaction, so it is sent once.
    """
    unknown = set(payload) - EMAIL_PAYLOAD_KEYS
    missing = EMAIL_PAYLOAD_REQUIRED - set(payload)
    if unknown or missing:
        raise TypeError(f"email_enqueue(): unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    from marketplace.accounts.tasks import outbound_email_send_task

    email = OutboundEmail.objects.create(payload=payload, message_id=make_msgid(domain=DNS_NAME))
    outbound_email_send_task.delay_on_commit(email.pk)
    return email


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** (attempts - 1), 3600))


def _email_send_locked(*, email: OutboundEmail, now: datetime) -> bool:
    """Send a locked, unsent row and record the outcome on it (the caller's transaction commits both)."""
    payload = dict(email.payload)
    payload["headers"] = {"Message-ID": email.message_id, **(payload.get("headers") or {})}
    email.attempts += 1
    try:
        with transaction.atomic():  # what a failing backend wrote to the database is undone
            email_send(**payload)
    except Exception as error:  # noqa: BLE001 - any sending failure is recorded and retried
        logger.warning("Outbound e-mail %s: attempt %s failed", email.pk, email.attempts, exc_info=True)
        email.last_error = f"{error!r}\n{traceback.format_exc(limit=5)}"
        email.next_attempt_at = now + _retry_delay(email.attempts)
        email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        return False
    email.sent_at = now
    email.last_error = ""
    email.save(update_fields=["attempts", "last_error", "sent_at"])
    events.emit("email.sent", email_id=email.pk)
    return True


def outbound_email_send(*, email_id: int, now: datetime | None = None) -> bool:
    """Send one stored e-mail unless it was sent or another process holds it; True if sent now.

    The row stays locked (``FOR UPDATE SKIP LOCKED``) from the send until
    ``sent_at`` commits: a concurrent kick or sweep skips it, and a process
    killed in between leaves it unsent, for the next attempt.
    """
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return False
        return _email_send_locked(email=email, now=now or timezone.now())


def outbound_email_send_pending(
    *, now: datetime, older_than: timedelta = OUTBOUND_EMAIL_SWEEP_AFTER, limit: int = 200
) -> int:
    """Send unsent e-mails due for an attempt and older than ``older_than``, one transaction each.

    Return how many were sent. Rows locked by another process are skipped,
    so sweeps on several workers share the work instead of repeating it.
    """
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            email = (
                OutboundEmail.objects.select_for_update(skip_locked=True)
                .filter(
                    sent_at__isnull=True,
                    next_attempt_at__lte=now,
                    created_at__lt=now - older_than,
                    attempts__lt=OUTBOUND_EMAIL_MAX_ATTEMPTS,
                )
                .order_by("next_attempt_at", "id")
                .first()
            )
            if email is None:
                break
            # A failed row gets a later next_attempt_at, so the next round picks another one.
            sent += _email_send_locked(email=email, now=now)
    return sent


def outbound_email_prune(*, now: datetime) -> int:
    """Delete e-mails sent more than ``OUTBOUND_EMAIL_KEEP_DAYS`` ago; return how many."""
    cutoff = now - timedelta(days=settings.OUTBOUND_EMAIL_KEEP_DAYS)
    deleted, _ = OutboundEmail.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


def _user_lock(*, user: User) -> None:
    """Serialise address-book writes of one user (the default flag is switched in two steps)."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()


def _address_unset_default(*, user: User, keep_id: int | None = None) -> None:
    Address.objects.filter(user=user, is_default=True).exclude(pk=keep_id).update(is_default=False)


@transaction.atomic
def address_create(
    *,
    user: User,
    full_name: str,
    line1: str,
    city: str,
    postal_code: str,
    country: str,
    line2: str = "",
    region: str = "",
    phone: str = "",
    is_default: bool = False,
) -> Address:
    """Add an address to the user's book; the first address, or one marked default, becomes the default."""
    _user_lock(user=user)
    if not Address.objects.filter(user=user).exists():
        is_default = True
    if is_default:
        _address_unset_default(user=user)
    return Address.objects.create(
        user=user,
        full_name=full_name,
        line1=line1,
        line2=line2,
        city=city,
        region=region,
        postal_code=postal_code,
        country=country,
        phone=phone,
        is_default=is_default,
    )


@transaction.atomic
def address_update(*, address: Address, is_default: bool | None = None, **fields) -> Address:
    """Change an address; making it the default unsets the user's previous default.

    An address stays the default until another one takes over: un-ticking it alone changes nothing.
    """
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise TypeError(f"address_update() got unexpected fields: {', '.join(sorted(unknown))}")
    _user_lock(user=address.user)
    for name, value in fields.items():
        setattr(address, name, value)
    update_fields = list(fields)
    if is_default and not address.is_default:
        _address_unset_default(user=address.user, keep_id=address.pk)
        address.is_default = True
        update_fields.append("is_default")
    if update_fields:
        address.save(update_fields=update_fields)
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete an address; if it was the default, the most recently added remaining one takes over."""
    user = address.user
    _user_lock(user=user)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(user=user).order_by("-created_at", "-pk").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])
