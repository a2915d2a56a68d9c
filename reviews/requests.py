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
from django.db.models import Q
from django.db.models.functions import Coalesce
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


def _skip_reasons(due: list[ReviewRequest]) -> dict[int, str]:
    """Why each request of the batch is not sent (by request pk; absent: send it), in two queries."""
    pairs = {
        request.pk: (request.order_line.seller_order.order.user_id, family_of(request.order_line.product).pk)
        for request in due
        if request.order_line.product is not None
    }
    user_ids = {user_id for user_id, _family in pairs.values()}
    family_ids = {family_id for _user, family_id in pairs.values()}
    reviewed = set(
        Review.objects.filter(author_id__in=user_ids, product_id__in=family_ids)
        .order_by()
        .values_list("author_id", "product_id")
    )
    asked_before = set(
        ReviewRequest.objects.filter(
            Q(order_line__product_id__in=family_ids) | Q(order_line__product__parent_id__in=family_ids),
            order_line__seller_order__order__user_id__in=user_ids,
            sent_at__isnull=False,
        )
        .annotate(family_id=Coalesce("order_line__product__parent_id", "order_line__product_id"))
        .order_by()
        .values_list("order_line__seller_order__order__user_id", "family_id")
    )
    reasons: dict[int, str] = {}
    asking: set[tuple[int, int]] = set()
    for request in due:
        pair = pairs.get(request.pk)
        if pair is None:
            reasons[request.pk] = "The product no longer exists."
        elif pair in asking:
            reasons[request.pk] = "Another line of the same product asks already."
        elif pair in reviewed:
            reasons[request.pk] = "The buyer has reviewed this product already."
        elif pair in asked_before:
            reasons[request.pk] = "The buyer was asked about this product already."
        else:
            asking.add(pair)
    return reasons


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
        reasons = _skip_reasons(due)
        for request in due:
            request.skipped_reason = reasons.get(request.pk, "")
            if not request.skipped_reason:
                _send(request)
                request.sent_at = now
                sent += 1
        ReviewRequest.objects.bulk_update(due, ["skipped_reason", "sent_at"])
    return sent
