"""Order e-mails, sent through the outbox after the change commits.

The handlers are registered with ``events.subscribe_async`` in
``OrdersConfig.ready``: ``order.paid`` sends the confirmation,
``order.cancelled`` the cancellation. Each renders the e-mail and stores it
with ``email_enqueue`` in the outbox dispatch's transaction, so the e-mail row
and the handler's "done" mark commit together and the e-mail goes out once
per event (ADR 0060).
"""

from django.conf import settings
from django.contrib.sites.models import Site
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse

from marketplace.accounts.services import email_enqueue
from marketplace.core import events
from orders.models import Order, OrderLine, SellerOrder
from orders.seller_central.selectors import buyer_short_name
from sellers.access import Section, role_allows
from sellers.models import SellerMember


def register() -> None:
    events.subscribe_async("order.paid", "orders.notifications.order_paid_email_send")
    events.subscribe_async("order.cancelled", "orders.notifications.order_cancelled_email_send")
    events.subscribe_async(
        "seller_order.seller_cancelled", "orders.notifications.seller_order_cancelled_email_send"
    )


def _order_for_email(order_id: int) -> Order:
    return (
        Order.objects.select_related("user")
        .prefetch_related(
            Prefetch(
                "seller_orders",
                queryset=SellerOrder.objects.select_related("seller").prefetch_related(
                    Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
                ),
            )
        )
        .get(pk=order_id)
    )


def order_url(order: Order) -> str:
    """The order page as an absolute URL for e-mails."""
    protocol = getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
    return f"{protocol}://{Site.objects.get_current().domain}{order.get_absolute_url()}"


def order_email_send(*, order: Order, template: str, extra: dict | None = None) -> None:
    """Render ``orders/email/<template>_{subject.txt,message.txt,message.html}``; store it to send."""
    context = {
        "order": order,
        "seller_orders": list(order.seller_orders.all()),
        "order_url": order_url(order),
        "marketplace_name": settings.MARKETPLACE_NAME,
        "user": order.user,
        **(extra or {}),
    }
    subject = " ".join(render_to_string(f"orders/email/{template}_subject.txt", context).split())
    payload = {
        "subject": subject,
        "body": render_to_string(f"orders/email/{template}_message.txt", context),
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "to": [order.user.email],
        "alternatives": [[render_to_string(f"orders/email/{template}_message.html", context), "text/html"]],
    }
    email_enqueue(payload)


def order_paid_email_send(*, order_id: int, **payload) -> None:
    """On ``order.paid``: send the order confirmation."""
    order_email_send(order=_order_for_email(order_id), template="order_confirmation")


def order_cancelled_email_send(*, order_id: int, was_paid: bool = False, reason: str = "", **payload) -> None:
    """On ``order.cancelled``: tell the shopper, and whether a refund follows."""
    order_email_send(
        order=_order_for_email(order_id),
        template="order_cancelled",
        extra={"was_paid": was_paid, "reason": reason},
    )


def seller_order_cancelled_email_send(
    *, order_id: int, seller_order_id: int, reason: str = "", order_cancelled: bool = False, **payload
) -> None:
    """On ``seller_order.seller_cancelled``: tell the shopper one seller cancelled its part.

    When that cancelled the whole order, the order's own cancellation e-mail
    (``order.cancelled``) says it all and this one is not sent.
    """
    if order_cancelled:
        return
    order = _order_for_email(order_id)
    part = next(
        seller_order for seller_order in order.seller_orders.all() if seller_order.pk == seller_order_id
    )
    order_email_send(order=order, template="seller_order_cancelled", extra={"part": part, "reason": reason})


# Buyer-seller messages (orders.messages.services): stored in the message's own transaction.


def _absolute(path: str) -> str:
    protocol = getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
    return f"{protocol}://{Site.objects.get_current().domain}{path}"


def _message_email_send(*, to: list[str], template: str, context: dict) -> None:
    """Render ``orders/email/<template>_*`` and store it, from (and replied to) the marketplace."""
    context = {"marketplace_name": settings.MARKETPLACE_NAME, **context}
    subject = " ".join(render_to_string(f"orders/email/{template}_subject.txt", context).split())
    email_enqueue(
        {
            "subject": subject,
            "body": render_to_string(f"orders/email/{template}_message.txt", context),
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "to": to,
            "headers": {"Reply-To": settings.DEFAULT_FROM_EMAIL},
            "alternatives": [
                [render_to_string(f"orders/email/{template}_message.html", context), "text/html"]
            ],
        }
    )


def message_seller_recipients(*, seller) -> list[str]:
    """The addresses of the seller's members who work on orders (owners, managers, shipping)."""
    members = SellerMember.objects.filter(seller=seller).order_by("pk").values_list("role", "user__email")
    return list(
        dict.fromkeys(email for role, email in members if email and role_allows(role, Section.ORDERS))
    )


def message_email_to_seller_send(*, seller_order: SellerOrder, message) -> None:
    """Tell the seller's team that the buyer wrote, with a link to the Seller Central conversation."""
    to = message_seller_recipients(seller=seller_order.seller)
    if not to:
        return
    _message_email_send(
        to=to,
        template="message_to_seller",
        context={
            "seller_order": seller_order,
            "seller": seller_order.seller,
            "message": message,
            "buyer_name": buyer_short_name(seller_order.order.ship_full_name),
            "conversation_url": _absolute(
                reverse("seller:message-detail", kwargs={"number": seller_order.number})
            ),
        },
    )


def message_email_to_buyer_send(*, seller_order: SellerOrder, message) -> None:
    """Tell the buyer that the seller answered, with a link to the conversation on the order."""
    order = seller_order.order
    _message_email_send(
        to=[order.user.email],
        template="message_to_buyer",
        context={
            "seller_order": seller_order,
            "seller": seller_order.seller,
            "order": order,
            "message": message,
            "user": order.user,
            "conversation_url": _absolute(
                reverse("orders:order-messages", kwargs={"number": order.number, "part": seller_order.number})
            ),
        },
    )
