"""Writes of buyer-seller messages: each locks its conversation, appends, counts and e-mails.

The e-mail to the other party is stored with ``email_enqueue`` in the same
transaction, so a message and its e-mail commit (or roll back) together.
Neither side ever learns the other's e-mail address: the e-mail comes from
the marketplace and links to the conversation.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_text
from orders.models import Conversation, Message, SellerOrder
from orders.notifications import message_email_to_buyer_send, message_email_to_seller_send
from sellers.access import Section, role_allows
from sellers.models import SellerMember

BODY_LIMIT = 2000


def message_body_parse(raw) -> str:
    """The text of a message as typed (1 to 2,000 characters, line breaks allowed), or refuse it."""
    return parse_text(raw, name="message", limit=BODY_LIMIT, missing="Write a message first.")


def _conversation_lock(*, seller_order: SellerOrder, now) -> Conversation:
    """The seller order's conversation, created if it has none, locked for this transaction."""
    Conversation.objects.get_or_create(
        seller_order=seller_order,
        defaults={"seller_id": seller_order.seller_id, "created_at": now, "last_message_at": now},
    )
    return Conversation.objects.select_for_update().get(seller_order=seller_order)


def _refuse_unless_open(seller_order: SellerOrder) -> None:
    if seller_order.order.paid_at is None:
        raise ApplicationError("Messages open once the order is paid.")


@transaction.atomic
def message_post_by_buyer(*, seller_order: SellerOrder, user, body: str) -> Message:
    """Add the buyer's message to the seller order's conversation and e-mail the seller's team.

    A message written while the seller owes no answer starts a wait, which the
    seller's next message ends (its response time). Raise ``ApplicationError``
    for an empty, too long or unprintable body, somebody who is not the buyer,
    or an order not paid yet.
    """
    text = message_body_parse(body)
    if seller_order.order.user_id != getattr(user, "pk", None):
        raise ApplicationError("Only the buyer of this order can write here.")
    _refuse_unless_open(seller_order)
    now = timezone.now()
    conversation = _conversation_lock(seller_order=seller_order, now=now)
    starts_wait = conversation.waiting_since is None
    message = Message.objects.create(
        conversation=conversation,
        author_kind=Message.Author.BUYER,
        author=user,
        body=text,
        created_at=now,
        starts_wait=starts_wait,
    )
    if starts_wait:
        conversation.waiting_since = now
    conversation.last_message_at = now
    conversation.message_count = F("message_count") + 1
    conversation.seller_unread = F("seller_unread") + 1
    conversation.save(update_fields=["waiting_since", "last_message_at", "message_count", "seller_unread"])
    message_email_to_seller_send(seller_order=seller_order, message=message)
    return message


@transaction.atomic
def message_post_by_seller(*, seller_order: SellerOrder, member: SellerMember, body: str) -> Message:
    """Add a seller member's message to the conversation, answer what waits, e-mail the buyer.

    Raise ``ApplicationError`` for a bad body, a member of another seller or
    without the orders section, or an order not paid yet.
    """
    text = message_body_parse(body)
    if member.seller_id != seller_order.seller_id or not role_allows(member.role, Section.ORDERS):
        raise ApplicationError("You cannot write about this order.")
    _refuse_unless_open(seller_order)
    now = timezone.now()
    conversation = _conversation_lock(seller_order=seller_order, now=now)
    if conversation.waiting_since is not None:
        Message.objects.filter(conversation=conversation, starts_wait=True, answered_at__isnull=True).update(
            answered_at=now
        )
    message = Message.objects.create(
        conversation=conversation,
        author_kind=Message.Author.SELLER,
        author_id=member.user_id,
        body=text,
        created_at=now,
    )
    conversation.waiting_since = None
    conversation.last_message_at = now
    conversation.message_count = F("message_count") + 1
    conversation.buyer_unread = F("buyer_unread") + 1
    conversation.save(update_fields=["waiting_since", "last_message_at", "message_count", "buyer_unread"])
    message_email_to_buyer_send(seller_order=seller_order, message=message)
    return message


def conversation_mark_read(*, conversation: Conversation, reader: str) -> bool:
    """Reset the unread count of ``reader`` ("buyer" or "seller"); return whether it changed.

    One conditional UPDATE on what the page showed: a message that arrived
    after ``conversation`` was read moved ``last_message_at`` and stays unread.
    """
    field = {"buyer": "buyer_unread", "seller": "seller_unread"}[reader]
    return bool(
        Conversation.objects.filter(
            pk=conversation.pk, last_message_at=conversation.last_message_at, **{f"{field}__gt": 0}
        ).update(**{field: 0})
    )
