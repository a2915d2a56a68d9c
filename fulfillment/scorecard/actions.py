"""Storing the figures and acting on them: buy-box eligibility, the warning, the suspension proposal."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from catalog.models import Offer
from catalog.services import product_refresh_buy_box
from fulfillment.models import (
    SellerScorecard,
    SellerScorecardWindow,
)
from fulfillment.notifications import seller_email_send, seller_url
from fulfillment.scorecard.display import scorecard_get_for_seller, scorecard_rows
from fulfillment.scorecard.figures import (
    WindowFigures,
    scorecard_breaches,
    scorecard_figures,
    scorecard_setting,
    scorecard_thresholds,
)
from marketplace.core import events
from sellers.models import Seller


def _eligibility_set(*, seller_id: int, eligible: bool) -> bool:
    """Flip ``Seller.buy_box_eligible``; refresh the seller's buy boxes if it changed."""
    changed = Seller.objects.filter(pk=seller_id, buy_box_eligible=not eligible).update(
        buy_box_eligible=eligible
    )
    if changed:
        product_ids = set(Offer.objects.filter(seller_id=seller_id).values_list("product_id", flat=True))
        if product_ids:
            product_refresh_buy_box(product_ids=product_ids)
    return bool(changed)


@transaction.atomic
def scorecard_store(*, seller: Seller, windows: dict[int, WindowFigures], now: datetime) -> SellerScorecard:
    """Store a seller's figures and act on them: buy-box eligibility, warning, suspension proposal.

    Past any threshold: not eligible for the buy box; the first computation
    of a run of breaches emits ``scorecard.breached`` (one warning e-mail);
    a run older than ``SELLER_SCORECARD_GRACE_DAYS`` proposes an approved
    seller to staff for suspension. Back within every threshold: eligible
    again, and the run, its warning and any proposal are cleared.
    """
    locked = Seller.objects.select_for_update().get(pk=seller.pk)
    card, _created = SellerScorecard.objects.select_for_update().get_or_create(
        seller=locked, defaults={"computed_at": now}
    )
    SellerScorecardWindow.objects.bulk_create(
        [SellerScorecardWindow(scorecard=card, **figures.as_fields()) for figures in windows.values()],
        update_conflicts=True,
        unique_fields=["scorecard", "days"],
        update_fields=[name for name in WindowFigures(days=0).as_fields() if name != "days"],
    )
    breaches = scorecard_breaches(windows=windows, thresholds=scorecard_thresholds())
    _eligibility_set(seller_id=locked.pk, eligible=not breaches)
    if breaches:
        card.breach_since = card.breach_since or now
        if card.warned_at is None:
            card.warned_at = now
            events.emit("scorecard.breached", seller_id=locked.pk, breaches=breaches)
        grace = timedelta(days=scorecard_setting("SELLER_SCORECARD_GRACE_DAYS", 14))
        if (
            card.suspension_proposed_at is None
            and locked.status == Seller.Status.APPROVED
            and now - card.breach_since >= grace
        ):
            card.suspension_proposed_at = now
    else:
        card.breach_since = card.warned_at = card.suspension_proposed_at = None
    card.breaches, card.computed_at = breaches, now
    card.save(
        update_fields=["breaches", "computed_at", "breach_since", "warned_at", "suspension_proposed_at"]
    )
    seller.buy_box_eligible = not breaches
    return card


def scorecards_recompute(*, now: datetime | None = None, seller_ids=None) -> int:
    """Recompute the scorecard of every approved or suspended seller (or of ``seller_ids``).

    Return how many were stored. Each seller is stored in its own
    transaction, so one seller's failure does not hold back the others'.
    """
    now = now or timezone.now()
    sellers = Seller.objects.exclude(status=Seller.Status.APPLIED).order_by("pk")
    if seller_ids is not None:
        sellers = sellers.filter(pk__in=list(seller_ids))
    sellers = list(sellers)
    figures = scorecard_figures(seller_ids=[s.pk for s in sellers], now=now)
    for seller in sellers:
        scorecard_store(seller=seller, windows=figures[seller.pk], now=now)
    return len(sellers)


def scorecard_breached_email_send(*, seller_id: int, breaches: list[str], **payload) -> None:
    """On ``scorecard.breached``: warn the seller's owners (and support address) once."""
    seller = Seller.objects.get(pk=seller_id)
    scorecard = scorecard_get_for_seller(seller=seller)
    if scorecard is None:
        return
    grace = scorecard_setting("SELLER_SCORECARD_GRACE_DAYS", 14)
    seller_email_send(
        seller=seller,
        template="scorecard_warning",
        context={
            "rows": [row for row in scorecard_rows(scorecard=scorecard) if row.name in breaches],
            "grace_days": grace,
            "review_on": (scorecard.breach_since or timezone.now()) + timedelta(days=grace),
            "performance_url": seller_url(reverse("seller:performance")),
        },
    )
