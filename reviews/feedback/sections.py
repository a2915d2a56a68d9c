"""What reviews adds to lower apps' pages: the seller page's feedback, the order page's links.

Registered from ``ReviewsConfig.ready`` (``register``) through
``marketplace.core.page_sections``, so ``catalog`` and ``orders`` never
import ``reviews``. Each section costs a fixed number of queries.
"""

from __future__ import annotations

from django.utils import timezone

from fulfillment.models import Shipment, ShipmentLine
from marketplace.core.page_sections import PageSection, page_section_register
from orders.models import Order, SellerOrder
from reviews.feedback.selectors import seller_feedback_summary
from reviews.feedback.services import feedback_deadline, feedback_removable_until
from reviews.models import Review, SellerFeedback
from sellers.models import Seller

SS = SellerOrder.Status


def seller_page_context(*, seller: Seller, **_objects) -> dict:
    """The public seller page's feedback: two queries (counts, latest comments)."""
    return {"seller": seller, "summary": seller_feedback_summary(seller=seller)}


def _delivered_line_ids(parts: list[SellerOrder]) -> set[int]:
    """Lines of ``parts`` that a delivered parcel carried: no query when no parcel was delivered."""
    delivered = {line.pk for part in parts if part.status == SS.DELIVERED for line in part.lines.all()}
    partial = [
        part.pk
        for part in parts
        if part.status != SS.DELIVERED
        and any(shipment.status == Shipment.Status.DELIVERED for shipment in part.shipments.all())
    ]
    if partial:
        delivered.update(
            ShipmentLine.objects.filter(
                shipment__seller_order_id__in=partial,
                shipment__direction=Shipment.Direction.OUTBOUND,
                shipment__status=Shipment.Status.DELIVERED,
            ).values_list("line_id", flat=True)
        )
    return delivered


def _family_id(product) -> int:
    return product.parent_id or product.pk


def order_page_context(*, order: Order, **_objects) -> dict | None:
    """Per delivered seller order its feedback (or the link to leave it), per delivered line its review.

    Reads the order's prefetched parts, lines and parcels; then at most three
    queries (lines in delivered parcels of parts not yet delivered, the
    parts' feedback, the buyer's reviews of the lines' families). ``None``
    when nothing was delivered.
    """
    parts = list(order.seller_orders.all())
    line_ids = _delivered_line_ids(parts)
    if not line_ids:
        return None
    now = timezone.now()
    delivered_parts = [part.pk for part in parts if part.status == SS.DELIVERED and part.delivered_at]
    feedback = {}
    if delivered_parts:
        rows_given = SellerFeedback.objects.filter(seller_order_id__in=delivered_parts)
        feedback = {row.seller_order_id: row for row in rows_given}
    delivered_lines = [line for part in parts for line in part.lines.all() if line.pk in line_ids]
    families = {_family_id(line.product) for line in delivered_lines if line.product}
    reviews = {
        review.product_id: review
        for review in Review.objects.filter(author_id=order.user_id, product_id__in=families).only(
            "pk", "product_id", "status", "rating"
        )
    }
    rows = []
    for part in parts:
        lines = [
            {"line": line, "review": reviews.get(_family_id(line.product)) if line.product else None}
            for line in part.lines.all()
            if line.pk in line_ids
        ]
        if not lines:
            continue
        given = feedback.get(part.pk)
        deadline = feedback_deadline(part) if part.pk in delivered_parts else None
        rows.append(
            {
                "seller_order": part,
                "lines": lines,
                "feedback": given,
                "feedback_open": given is None and deadline is not None and now <= deadline,
                "feedback_deadline": deadline,
                "removable": given is not None
                and given.status == SellerFeedback.Status.PUBLISHED
                and now <= feedback_removable_until(given),
            }
        )
    return {"order": order, "parts": rows}


def register() -> None:
    page_section_register(
        PageSection(
            key="seller-feedback",
            page="seller",
            template="reviews/feedback/_seller_section.html",
            context=seller_page_context,
            order=20,
        )
    )
    page_section_register(
        PageSection(
            key="order-feedback",
            page="order",
            template="reviews/feedback/_order_section.html",
            context=order_page_context,
            order=20,
        )
    )
