"""The demo's past: delivered orders of a pool of shoppers, their reviews and their seller feedback.

Every rating figure of the demo comes from here. Each catalog unit (a product
or a variation family) gets a history drawn from its own generator
(``plan.family_history``): delivered orders by distinct shoppers, most of them
reviewed (J-shaped stars, text of its kind of product, some photos, helpful
votes, a few reports, replies of the seller, a few held by moderation), about
half with feedback for the seller. The rows are what checkout, payment,
shipping and reviewing would have written: the drawn ones sent by ``COPY``
(``rows``), the ones that follow from them written by PostgreSQL
(``derived``), a batch of units at a time, each batch in one transaction with
its recount of the families' ratings (``ratings``). Then the sellers' ratings are counted, the
buy boxes their new ratings change are refreshed, and the weekly payouts of
the past are replayed (``payouts``). A unit seeded once (its first order is
there) is skipped: a second run adds nothing, and a top-up seeds only the new
units. See docs/demo.md.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, reset_queries, transaction
from django.utils import timezone

from catalog.buybox import Candidate, buy_box_winner, offers_with_availability
from catalog.models import Category, Offer, Product
from catalog.services import product_refresh_buy_box
from fulfillment.models import Warehouse
from marketplace.demo.generator import SELLER_PROFILES
from marketplace.demo.past_orders import GOOD, STRUGGLING
from marketplace.demo.past_orders.stories import CARD
from marketplace.demo.reviews.copy import copy_all
from marketplace.demo.reviews.derived import derived_rows_write
from marketplace.demo.reviews.families import CatalogWords, family_rows, highest_unit_index, unit_batches
from marketplace.demo.reviews.payouts import payout_accounts_ensure, payouts_replay
from marketplace.demo.reviews.people import ensure_pool, pool_size
from marketplace.demo.reviews.plan import Context, family_history, order_key
from marketplace.demo.reviews.ratings import (
    product_ratings_recount,
    product_ratings_without_reviews_clear,
    seller_ratings_recount,
)
from marketplace.demo.reviews.rows import Batch, Lookups
from orders.models import Order
from orders.tax import tax_rates_for
from payments.commission import category_commission_rates, default_commission_rate
from payments.fraud import card_fingerprint_for_number
from sellers.models import Seller, SellerMember

Report = Callable[[str], None]
# Orders placed in the scorecards' longest window (90 days) count in them; a margin for the days to come.
SCORECARD_WINDOW = timedelta(days=92)
BUY_BOX_BATCH = 500


@dataclass
class Seeded:
    orders: int = 0
    reviews: int = 0
    pending: int = 0
    feedback: int = 0
    units: int = 0


def _lookups(now: datetime, users: dict[int, int]) -> Lookups:
    owners = {}
    for seller_id, user_id in (
        SellerMember.objects.filter(role=SellerMember.Role.OWNER)
        .order_by("pk")
        .values_list("seller_id", "user_id")
    ):
        owners.setdefault(seller_id, user_id)
    default = default_commission_rate()
    rates = category_commission_rates(categories=Category.objects.only("pk", "path"))
    return Lookups(
        users=users,
        owners=owners,
        seller_rates=dict(Seller.objects.values_list("pk", "commission_rate")),
        category_rates={pk: default if rate is None else rate for pk, rate in rates.items()},
        warehouse_places={
            pk: f"{city}, {region}"
            for pk, city, region in Warehouse.objects.values_list("pk", "city", "region")
        },
        card_fingerprint=card_fingerprint_for_number(CARD),
        now=now,
    )


def _restricted() -> frozenset[int]:
    """The sellers whose scorecards the stories write (and suspended ones): no recent past orders."""
    slugs = [SELLER_PROFILES[GOOD].slug, SELLER_PROFILES[STRUGGLING].slug]
    return frozenset(Seller.objects.filter(slug__in=slugs).values_list("pk", flat=True)) | frozenset(
        Seller.objects.exclude(status=Seller.Status.APPROVED).values_list("pk", flat=True)
    )


class _TaxRates:
    """The destination's rate per tax class, asked once per state."""

    def __init__(self):
        self.rates: dict[tuple[str, str], Decimal] = {}

    def __call__(self, region: str, tax_class: str) -> Decimal:
        if (region, tax_class) not in self.rates:
            found = tax_rates_for(country="US", region=region, tax_classes=[tax_class])
            self.rates[region, tax_class] = found.get(tax_class) or Decimal("0")
        return self.rates[region, tax_class]


@dataclass(frozen=True)
class _Run:
    """What every batch of one run shares."""

    seed: int
    now: datetime
    words: CatalogWords
    lookups: Lookups
    tax_rate: _TaxRates
    restricted: frozenset[int]
    seller_names: dict[int, str]

    def context(self, k: int) -> Context:
        return Context(
            seed=self.seed,
            now=self.now,
            pool=pool_size(k),
            restricted=self.restricted,
            window_start=self.now - SCORECARD_WINDOW,
            seller_names=self.seller_names,
        )


@transaction.atomic
def _batch_write(units: list[tuple[int, int]], run: _Run, seeded: Seeded) -> None:
    """Write the history of the units of one batch that have none yet, and recount their ratings."""
    keys = {order_key(run.seed, k, 0): k for k, _ in units}
    done = {
        keys[key]
        for key in Order.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
    }
    todo = [(k, pk) for k, pk in units if k not in done]
    if not todo:
        return
    orders = [
        (rows.family.id, order)
        for rows in family_rows(todo, run.words)
        for order in family_history(rows, run.context(rows.k))
    ]
    batch = Batch(orders, run.lookups, run.tax_rate)
    batch.build()
    copy_all(batch.tables.values())
    derived_rows_write(facts=batch.facts, card_fingerprint=run.lookups.card_fingerprint, now=run.now)
    product_ratings_recount(product_ids=batch.family_ids)
    reviews = [order.review for _, order in orders if order.review]
    seeded.units += len(todo)
    seeded.orders += len(orders)
    seeded.reviews += len(reviews)
    seeded.pending += sum(1 for review in reviews if review.status == "pending")
    seeded.feedback += sum(1 for _, order in orders if order.feedback)


def buy_boxes_refresh(*, seller_ids: list[int]) -> int:
    """Refresh the buy boxes a change of these sellers' ratings turns (a tie on price); return how many.

    The winners are worked out by the buy-box rule (``catalog.buybox``) from one
    read of the offers; only the products whose winner is not the stored one
    (and their families) are written again, by ``product_refresh_buy_box``.
    """
    if not seller_ids:
        return 0
    product_ids = Offer.objects.filter(seller_id__in=seller_ids, is_active=True).values("product_id")
    rows = (
        offers_with_availability()
        .filter(product_id__in=product_ids)
        .values_list(
            "pk", "product_id", "product__parent_id", "price_amount", "shipping_amount", "available",
            "seller__status", "seller__rating_average", "handling_days", "is_active",
            "seller__buy_box_eligible",
        )
        .order_by()
    )  # fmt: skip
    candidates: dict[int, list[Candidate]] = defaultdict(list)
    family: dict[int, int] = {}
    for pk, product_id, parent_id, price, shipping, available, status, rating, days, active, eligible in rows:
        candidate = Candidate(
            pk, price + shipping, available, status == Seller.Status.APPROVED, rating, days, active, eligible
        )
        candidates[product_id].append(candidate)
        if parent_id:  # a family shows the best of its variations
            candidates[parent_id].append(candidate)
            family[product_id] = parent_id
    stored = dict(Product.objects.filter(pk__in=list(candidates)).values_list("pk", "buy_box_offer_id"))
    turned = set()
    for product_id, found in candidates.items():
        winner = buy_box_winner(found)
        if (winner.offer_id if winner else None) != stored.get(product_id):
            turned.add(family.get(product_id, product_id))  # a family is refreshed with its variations
    turned = sorted(turned)
    for start in range(0, len(turned), BUY_BOX_BATCH):
        product_refresh_buy_box(product_ids=turned[start : start + BUY_BOX_BATCH])
    return len(turned)


def seed_reviews(*, seed: int, report: Report = lambda line: None, now: datetime | None = None) -> Seeded:
    """Write the past orders, reviews and feedback of the units that have none yet."""
    started = time.monotonic()
    now = now or timezone.now()
    highest = highest_unit_index()
    if highest is None:
        return Seeded()
    users = ensure_pool(pool_size(highest), now=now)
    run = _Run(
        seed=seed,
        now=now,
        words=CatalogWords.load(),
        lookups=_lookups(now, users),
        tax_rate=_TaxRates(),
        restricted=_restricted(),
        seller_names=dict(Seller.objects.values_list("pk", "name")),
    )
    seeded = Seeded()
    for units in unit_batches():
        _batch_write(units, run, seeded)
        reset_queries()  # with DEBUG on, Django keeps every statement
    with transaction.atomic():
        product_ratings_without_reviews_clear()
        changed = seller_ratings_recount()
    turned = buy_boxes_refresh(seller_ids=changed)
    if seeded.orders:
        analyze_tables()
        report(
            f"{seeded.orders:,} past orders of {seeded.units:,} products: {seeded.reviews:,} reviews "
            f"({seeded.pending} held for moderation), {seeded.feedback:,} seller feedback; "
            f"{turned} buy boxes turned by the sellers' ratings ({time.monotonic() - started:.1f} s)."
        )
    return seeded


def seed_payouts(*, report: Report = lambda line: None, now: datetime | None = None) -> int:
    """Payout accounts for the sellers with sales, and the weekly payouts of the past; return how many."""
    now = now or timezone.now()
    with transaction.atomic():
        accounts = payout_accounts_ensure(now=now)
        paid = payouts_replay(now=now)
    if accounts or paid:
        report(f"{paid:,} past weekly payouts ({accounts} sandbox payout accounts added).")
    return paid


def analyze_tables() -> None:
    """Refresh the planner's statistics of the tables the history filled."""
    tables = (
        "orders_order",
        "orders_sellerorder",
        "orders_orderline",
        "orders_orderevent",
        "fulfillment_shipment",
        "fulfillment_shipmentline",
        "payments_ledgerentry",
        "reviews_review",
        "reviews_reviewvote",
        "reviews_sellerfeedback",
    )
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")  # noqa: S608
