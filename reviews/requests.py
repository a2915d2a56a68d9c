"""Review requests: an e-mail a few days after delivery asking the buyer to rate what arrived.

When a seller order is delivered (``seller_order.delivered``, in its
transaction) each of its lines gets one ``ReviewRequest`` row, due
``REVIEW_REQUEST_DELAY_DAYS`` after the delivery. The hourly beat task sends
the due ones: each row is locked (SKIP LOCKED, so two workers never share one),
its e-mail queued with ``email_enqueue`` and the row marked sent in the same
transaction, so a line is asked about once whatever dies when. A line is
skipped, with the reason, when its buyer already reviewed the family, another
line of the same family in the batch already asks, or the product is gone.

The e-mail carries five links, one per star count, to the review form with
those stars chosen (``?rating=N``): one click from the inbox to a pre-filled form.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from orders.models import OrderLine
from reviews.eligibility import family_of, variation_label
from reviews.models import Review, ReviewRequest
from reviews.notifications import reviews_email_send
from sellers.notifications import absolute_url

BATCH = 200


def review_request_delay() -> timedelta:
    return timedelta(days=getattr(settings, "REVIEW_REQUEST_DELAY_DAYS", 5))


def review_requests_plan(*, seller_order_id: int, **_payload) -> int:
    """On ``seller_order.delivered``: one request per line of the seller order (again: nothing new)."""
    line_ids = set(
        OrderLine.objects.filter(seller_order_id=seller_order_id, product__isnull=False).values_list(
            "pk", flat=True
        )
    )
    line_ids -= set(
        ReviewRequest.objects.filter(order_line_id__in=line_ids).values_list("order_line_id", flat=True)
    )
    due_at = timezone.now() + review_request_delay()
    ReviewRequest.objects.bulk_create(
        [ReviewRequest(order_line_id=pk, due_at=due_at) for pk in sorted(line_ids)], ignore_conflicts=True
    )
    return len(line_ids)


def _skip_reason(request: ReviewRequest, asked: set[tuple[int, int]]) -> str:
    line = request.order_line
    if line.product is None:
        return "The product no longer exists."
    family = family_of(line.product)
    user_id = line.seller_order.order.user_id
    if (user_id, family.pk) in asked:
        return "Another line of the same product asks already."
    if Review.objects.filter(author_id=user_id, product=family).exists():
        return "The buyer has reviewed this product already."
    if ReviewRequest.objects.filter(
        order_line__seller_order__order__user_id=user_id,
        order_line__product__in=[family.pk, *family.variants.values_list("pk", flat=True)],
        sent_at__isnull=False,
    ).exists():
        return "The buyer was asked about this product already."
    return ""


def _send(request: ReviewRequest) -> None:
    line = request.order_line
    product = line.product
    family = family_of(product)
    write = reverse("reviews:write", kwargs={"slug": product.slug})
    reviews_email_send(
        to=[line.seller_order.order.user.email],
        template="review_request",
        context={
            "line": line,
            "product": family,
            "variation": variation_label(product),
            "star_links": [(stars, absolute_url(f"{write}?rating={stars}")) for stars in range(5, 0, -1)],
            "write_url": absolute_url(write),
            "seller_name": line.seller_order.seller.name,
        },
    )


def review_requests_send(*, now=None, limit: int = BATCH) -> int:
    """Send the due review requests (at most ``limit``); return how many e-mails were queued."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(
            ReviewRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(sent_at__isnull=True, skipped_reason="", due_at__lte=now)
            .select_related(
                "order_line__product__parent",
                "order_line__seller_order__order__user",
                "order_line__seller_order__seller",
            )
            .order_by("due_at", "pk")[:limit]
        )
        asked: set[tuple[int, int]] = set()
        for request in due:
            reason = _skip_reason(request, asked)
            if reason:
                request.skipped_reason = reason
                request.save(update_fields=["skipped_reason"])
                continue
            _send(request)
            request.sent_at = now
            request.save(update_fields=["sent_at"])
            line = request.order_line
            asked.add((line.seller_order.order.user_id, family_of(line.product).pk))
            sent += 1
    return sent
