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

from marketplace.accounts.services import email_enqueue
from marketplace.core import events
from orders.models import Order, OrderLine, SellerOrder


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
