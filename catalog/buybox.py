"""The buy-box rule: which offer a product page sells by default.

The winner is the lowest landed price (price + shipping) among active offers
that have stock available and whose seller is approved. Ties go to the seller
with the higher rating, then to the faster handling time, then to the older
offer, so the result is deterministic.

A seller past a threshold of its scorecard (``Seller.buy_box_eligible`` false,
kept by ``fulfillment.scorecard``; docs/decisions/0052-seller-scorecard.md)
ranks after every eligible offer, whatever its price: it holds the buy box
only when no eligible seller can sell the item. The flag is read, never
recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce

from catalog.models import Offer
from sellers.models import Seller


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the rule needs to know about one offer."""

    offer_id: int
    landed_price: Decimal
    available: int
    seller_approved: bool
    seller_rating: Decimal
    handling_days: int
    is_active: bool = True
    # The seller's scorecard is within its thresholds (a stored flag, see the module docstring).
    buy_box_eligible: bool = True


def is_eligible(candidate: Candidate) -> bool:
    return candidate.is_active and candidate.seller_approved and candidate.available > 0


def rank_key(candidate: Candidate) -> tuple:
    return (
        not candidate.buy_box_eligible,
        candidate.landed_price,
        -candidate.seller_rating,
        candidate.handling_days,
        candidate.offer_id,
    )


def buy_box_winner(candidates: Iterable[Candidate]) -> Candidate | None:
    """Return the winning candidate, or None when no offer can be bought."""
    eligible = [c for c in candidates if is_eligible(c)]
    return min(eligible, key=rank_key) if eligible else None


def offers_with_availability(queryset=None):
    """Annotate offers with ``available`` units (on hand minus reserved)."""
    queryset = Offer.objects.all() if queryset is None else queryset
    return queryset.annotate(
        available=Coalesce(Sum(F("stocks__on_hand") - F("stocks__reserved")), Value(0)),
    )


def candidate_from_offer(offer: Offer) -> Candidate:
    """Build a candidate from an offer annotated by ``offers_with_availability``
    with its seller loaded."""
    return Candidate(
        offer_id=offer.pk,
        landed_price=offer.price_amount + offer.shipping_amount,
        available=offer.available,
        seller_approved=offer.seller.status == Seller.Status.APPROVED,
        seller_rating=offer.seller.rating_average,
        handling_days=offer.handling_days,
        is_active=offer.is_active,
        buy_box_eligible=offer.seller.buy_box_eligible,
    )


def eligible_offer_filter() -> Q:
    return Q(is_active=True, seller__status=Seller.Status.APPROVED)
