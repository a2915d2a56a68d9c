"""Parcel e-mails to the shopper, sent through the outbox after the change commits.

``shipment.shipped``, ``shipment.out_for_delivery``, ``shipment.delivered``
and ``shipment.exception`` each send one e-mail (HTML and text) built from
``orders/email/shipment_update_*``. Every state of a return
(``return.requested`` ... ``return.refunded``) sends one built from
``orders/email/return_update_*``. ``inventory.low_stock`` (once per crossing of a listing's
threshold, fulfillment/inventory/alerts.py) tells the seller's owners (``sellers/email/low_stock_*``).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sites.models import Site
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse

from catalog.models import Offer
from fulfillment.models import Claim, ReturnLine, ReturnRequest, Shipment, ShipmentLine, TrackingEvent
from marketplace.accounts.services import email_enqueue
from marketplace.core import events
from marketplace.core.money import format_money
from orders.models import Order
from orders.notifications import order_email_send
from sellers.models import Seller, SellerMember

HEADLINES = {
    "shipped": "has shipped",
    "out_for_delivery": "is out for delivery",
    "delivered": "was delivered",
    "exception": "is delayed",
}


RETURN_HEADLINES = {
    "requested": "sent to the seller",
    "approved": "approved, send it back",
    "rejected": "not accepted by the seller",
    "received": "received by the seller",
    "refunded": "refunded",
}


def register() -> None:
    for status in HEADLINES:
        events.subscribe_async(
            f"shipment.{status}", f"fulfillment.notifications.shipment_{status}_email_send"
        )
    for status in RETURN_HEADLINES:
        events.subscribe_async(f"return.{status}", "fulfillment.notifications.return_email_send")
    for status in CLAIM_HEADLINES:
        events.subscribe_async(f"claim.{status}", "fulfillment.notifications.claim_email_send")
    events.subscribe_async("return.requested", "fulfillment.notifications.return_waiting_seller_email_send")
    events.subscribe_async("claim.opened", "fulfillment.notifications.claim_opened_seller_email_send")


def seller_url(path: str) -> str:
    """An absolute URL of a Seller Central page, for e-mails."""
    protocol = getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
    return f"{protocol}://{Site.objects.get_current().domain}{path}"


def seller_email_send(*, seller: Seller, template: str, context: dict) -> None:
    """Render ``sellers/email/<template>_*`` and send it on commit to the seller's owners and
    support address; nothing when the seller has neither."""
    owners = SellerMember.objects.filter(seller=seller, role=SellerMember.Role.OWNER).order_by("pk")
    addresses = [*owners.values_list("user__email", flat=True), seller.support_email]
    to = [address for address in dict.fromkeys(addresses) if address]
    if not to:
        return
    context = {"seller": seller, "marketplace_name": settings.MARKETPLACE_NAME, **context}
    subject = " ".join(render_to_string(f"sellers/email/{template}_subject.txt", context).split())
    email_enqueue(
        {
            "subject": subject,
            "body": render_to_string(f"sellers/email/{template}_message.txt", context),
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "to": to,
            "alternatives": [
                [render_to_string(f"sellers/email/{template}_message.html", context), "text/html"]
            ],
        }
    )


def return_waiting_seller_email_send(*, return_id: int, **payload) -> None:
    """On ``return.requested`` (a reason the seller decides): ask the seller to decide."""
    rma = (
        ReturnRequest.objects.select_related("seller_order__seller")
        .prefetch_related(
            Prefetch("lines", queryset=ReturnLine.objects.select_related("line").order_by("pk"))
        )
        .get(pk=return_id)
    )
    seller_email_send(
        seller=rma.seller_order.seller,
        template="return_waiting",
        context={
            "return": rma,
            "return_lines": list(rma.lines.all()),
            "return_url": seller_url(reverse("seller:return-detail", kwargs={"number": rma.number})),
        },
    )


def claim_opened_seller_email_send(*, claim_id: int, **payload) -> None:
    """On ``claim.opened``: tell the seller a shopper asked the marketplace to step in."""
    claim = Claim.objects.select_related("seller_order__seller").get(pk=claim_id)
    seller_email_send(
        seller=claim.seller_order.seller,
        template="claim_opened",
        context={"claim": claim, "performance_url": seller_url(reverse("seller:performance"))},
    )


CLAIM_HEADLINES = {
    "opened": "we are looking into it",
    "granted": "decided in your favour",
    "denied": "our decision",
}


def claim_email_send(*, claim_id: int, status: str, **payload) -> None:
    """One e-mail when a claim is opened and one when staff decide it."""
    claim = Claim.objects.select_related("seller_order__seller").get(pk=claim_id)
    order = Order.objects.select_related("user").get(pk=claim.seller_order.order_id)
    order_email_send(
        order=order,
        template="claim_update",
        extra={"claim": claim, "status": status, "headline": CLAIM_HEADLINES[status]},
    )


def return_email_send(*, return_id: int, status: str, **payload) -> None:
    """One e-mail per state of a return (the state of the event, not the one now), saying what comes next."""
    rma = (
        ReturnRequest.objects.select_related("seller_order__seller", "shipment")
        .prefetch_related(
            Prefetch("lines", queryset=ReturnLine.objects.select_related("line").order_by("pk"))
        )
        .get(pk=return_id)
    )
    order = Order.objects.select_related("user").get(pk=rma.seller_order.order_id)
    order_email_send(
        order=order,
        template="return_update",
        extra={
            "return": rma,
            "status": status,
            "headline": RETURN_HEADLINES[status],
            "return_lines": list(rma.lines.all()),
            "refund_amount": format_money(rma.refund_amount, order.currency) if rma.refund_amount else "",
        },
    )


def _send(shipment_id: int, status: str) -> None:
    shipment = (
        Shipment.objects.select_related("seller_order__seller")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("line").order_by("pk")),
            Prefetch("tracking_events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-pk")),
        )
        .get(pk=shipment_id)
    )
    order = Order.objects.select_related("user").get(pk=shipment.seller_order.order_id)
    scans = list(shipment.tracking_events.all())
    order_email_send(
        order=order,
        template="shipment_update",
        extra={
            "shipment": shipment,
            "status": status,
            "headline": HEADLINES[status],
            "latest_scan": scans[0] if scans else None,
            "parcel_lines": list(shipment.lines.all()),
        },
    )


def shipment_shipped_email_send(*, shipment_id: int, **payload) -> None:
    _send(shipment_id, "shipped")


def shipment_out_for_delivery_email_send(*, shipment_id: int, **payload) -> None:
    _send(shipment_id, "out_for_delivery")


def shipment_delivered_email_send(*, shipment_id: int, **payload) -> None:
    _send(shipment_id, "delivered")


def shipment_exception_email_send(*, shipment_id: int, **payload) -> None:
    _send(shipment_id, "exception")


def low_stock_email_send(*, offer_id: int, available: int, threshold: int, **payload) -> None:
    """On ``inventory.low_stock`` (one per crossing of the threshold): tell the seller's owners."""
    offer = Offer.objects.select_related("product", "seller").filter(pk=offer_id).first()
    if offer is None:  # the listing was deleted meanwhile: nothing to say
        return
    query = urlencode({"q": offer.sku})
    seller_email_send(
        seller=offer.seller,
        template="low_stock",
        context={
            "offer": offer,
            "available": available,
            "threshold": threshold,
            "inventory_url": seller_url(f"{reverse('seller:inventory')}?{query}"),
        },
    )
