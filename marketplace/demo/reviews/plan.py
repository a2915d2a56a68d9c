"""What happened to one demo product family in the past: its orders, reviews and feedback.

Pure functions: a family's history is drawn from its own generator
(``review_rng(seed, k)``) and the rows read from the database, so the same
seed and catalog give the same history. A family gets a skewed number of
delivered orders (most a handful, some dozens, a few a hundred or more),
each by a distinct shopper of the pool; most buyers review it, some weeks
later, with stars drawn from a J-shaped distribution tilted by the family's
quality; about half rate the seller.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from fulfillment.promises import delivery_date
from marketplace.demo.reviews import texts
from marketplace.demo.reviews.people import shopper
from marketplace.demo.reviews.phrases import REPORT_NOTES
from reviews.moderation import normalized, text_reasons

DAY = timedelta(days=1)
# Stars of a review of an average family, in per cent: most buyers who write are delighted, and the
# unhappy ones write more often than the lukewarm ones (the "J" of marketplace ratings).
STAR_WEIGHTS = {5: 60.0, 4: 17.0, 3: 8.0, 2: 5.0, 1: 10.0}
FEEDBACK_WEIGHTS = {5: 78.0, 4: 13.0, 3: 4.0, 2: 2.0, 1: 3.0}
REVIEWED = 0.88  # buyers who review what they bought
HELD = 0.02  # reviews held by the automatic checks
REPORTED = 0.012
PHOTOS = 0.1
REPLY_CHANCE = {5: 0.05, 4: 0.06, 3: 0.2, 2: 0.3, 1: 0.35}
FEEDBACK_CHANCE = 0.5
# The scale of a family's buyers (about 2.2 per unit on average): the seed's cost follows it.
BUYERS = 2.0
MOST_ORDERS = 600
MOST_VOTES = 300
NEWEST_ORDER = timedelta(days=8)  # delivered, and a little time to review, by now
REPORT_REASONS = ("spam", "off_topic", "fake", "offensive", "other")


@dataclass(frozen=True, slots=True)
class OfferRow:
    id: int
    product_id: int
    seller_id: int
    sku: str
    condition: str
    price: Decimal
    shipping: Decimal
    currency: str
    handling_days: int
    fbm: bool
    stock_id: int
    warehouse_id: int


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: int
    category_id: int
    title: str
    created_at: datetime
    weight_grams: int
    tax_class: str
    attributes: dict
    variant_attributes: dict


@dataclass(frozen=True, slots=True)
class FamilyRows:
    """A unit of the catalog as stored: the family product, what can be bought of it, and its offers."""

    k: int
    family: ProductRow
    sellable: tuple[ProductRow, ...]  # the family itself, or its variations
    offers: dict[int, tuple[OfferRow, ...]]  # by product id
    kind: str
    noun: str
    brand: str
    images: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Context:
    seed: int
    now: datetime
    pool: int  # shoppers this unit may draw from
    restricted: frozenset[int]  # sellers no order of the scorecard window may go to
    window_start: datetime  # orders placed after it count in the sellers' scorecards
    seller_names: dict[int, str]


@dataclass(slots=True)
class Review:
    rating: int
    title: str
    body: str
    created_at: datetime
    status: str = "published"
    held_reasons: list[str] = field(default_factory=list)
    photos: tuple[str, ...] = ()
    voters: tuple[int, ...] = ()  # pool indexes
    vote_times: tuple[datetime, ...] = ()
    reports: tuple[tuple[int, str, str, datetime], ...] = ()  # (pool index, reason, note, when)
    reply: tuple[str, datetime] | None = None  # (body, when) of the seller's published reply


@dataclass(slots=True)
class Feedback:
    rating: int
    arrived_on_time: bool
    as_described: bool
    good_service: bool
    comment: str
    created_at: datetime


@dataclass(slots=True)
class PastOrder:
    key: uuid.UUID
    index: int  # of the family's orders
    buyer: int  # pool index
    product: ProductRow
    offer: OfferRow
    quantity: int
    placed_at: datetime
    paid_at: datetime
    shipped_at: datetime
    picked_up_at: datetime
    delivered_at: datetime
    promised_from: date
    promised_to: date
    review: Review | None = None
    feedback: Feedback | None = None


def review_rng(seed: int, k: int) -> random.Random:
    return random.Random(f"seed-demo/reviews/{seed}/{k}")


def order_key(seed: int, k: int, index: int) -> uuid.UUID:
    """The idempotency key of the family's ``index``-th past order (0 is there once the unit is seeded)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"seed-demo/reviews/{seed}/{k}/{index}")


def order_count(rng: random.Random, age: timedelta, pool: int) -> int:
    """How many buyers a family had: none for a few, a handful for most, hundreds for a rare hit."""
    if rng.random() < 0.12:
        return 0
    popularity = rng.paretovariate(1.16) - 1
    grown = min(1.0, max(0.0, (age.days - 10) / 240)) ** 0.6  # a new product has had few buyers yet
    count = int(BUYERS * popularity**0.62 * rng.uniform(0.6, 1.4) * grown + rng.random())
    return min(count, MOST_ORDERS, pool // 2)


def _weighted(rng: random.Random, weights: dict[int, float]) -> int:
    return rng.choices(list(weights), list(weights.values()))[0]


def star_weights(quality: float) -> dict[int, float]:
    """The family's stars: better products tilt towards 5, worse ones towards 1."""
    tilt = {5: quality, 4: quality / 2, 3: 0.0, 2: -quality / 2, 1: -quality}
    return {stars: weight * math.exp(tilt[stars]) for stars, weight in STAR_WEIGHTS.items()}


def _offer(rng: random.Random, offers: tuple[OfferRow, ...], allowed) -> OfferRow | None:
    """The offer a buyer took: most often the cheapest (the buy box), sometimes another."""
    usable = sorted((o for o in offers if allowed(o)), key=lambda o: (o.price + o.shipping, o.id))
    if not usable:
        return None
    return usable[0] if rng.random() < 0.6 else rng.choice(usable)


def _quantity(rng: random.Random, price: Decimal) -> int:
    if price > 100:
        return 1
    if price <= 30:
        return rng.choices((1, 2, 3), (75, 20, 5))[0]
    return rng.choices((1, 2), (92, 8))[0]


def _times(rng: random.Random, placed_at: datetime, offer: OfferRow) -> dict:
    """Paid, shipped (the same day or the next: never late), picked up, delivered inside the promise."""
    paid_at = placed_at + timedelta(minutes=rng.randint(1, 4), seconds=rng.randrange(60))
    shipped_at = paid_at + timedelta(minutes=rng.randint(90, 20 * 60))
    picked_up_at = shipped_at + timedelta(minutes=rng.randint(60, 300))
    transit = rng.randint(1, 3) if offer.fbm else rng.randint(2, 6)
    delivered_at = (picked_up_at + transit * DAY).replace(
        hour=rng.randint(14, 23), minute=rng.randrange(60), second=0, microsecond=0
    )
    delivered_at = max(delivered_at, picked_up_at + timedelta(hours=6))
    delivered_on = delivery_date(delivered_at)
    return {
        "paid_at": paid_at,
        "shipped_at": shipped_at,
        "picked_up_at": picked_up_at,
        "delivered_at": delivered_at,
        "promised_from": delivered_on - rng.randint(0, 2) * DAY,
        "promised_to": delivered_on + rng.randint(0, 2) * DAY,
    }


def _placed_at(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def family_history(rows: FamilyRows, ctx: Context) -> list[PastOrder]:
    """The family's past orders, each with its review and feedback when the buyer left them."""
    rng = review_rng(ctx.seed, rows.k)
    start = rows.family.created_at + DAY
    end = ctx.now - NEWEST_ORDER
    count = order_count(rng, ctx.now - rows.family.created_at, ctx.pool) if end > start else 0
    if not count:
        return []
    quality = rng.gauss(0.0, 0.5)
    stars = star_weights(quality)
    buyers = rng.sample(range(ctx.pool), count)
    orders: list[PastOrder] = []
    bodies: set[str] = set()  # a text said twice about one product is held by moderation: never
    for buyer in buyers:
        product = rng.choice(rows.sellable)
        placed_at = _placed_at(rng, start, end)
        offer = _offer(rng, rows.offers.get(product.id, ()), lambda o: True)
        if offer is not None and placed_at > ctx.window_start and offer.seller_id in ctx.restricted:
            # The scorecards of these sellers tell the stories' tale: keep recent orders out of them.
            offers = rows.offers[product.id]
            offer = _offer(rng, offers, lambda o: o.seller_id not in ctx.restricted)
            if offer is None and start < ctx.window_start - DAY:
                placed_at = _placed_at(rng, start, ctx.window_start - DAY)
                offer = _offer(rng, offers, lambda o: True)
        if offer is None:
            continue
        index = len(orders)
        order = PastOrder(
            key=order_key(ctx.seed, rows.k, index),
            index=index,
            buyer=buyer,
            product=product,
            offer=offer,
            quantity=_quantity(rng, offer.price),
            placed_at=placed_at,
            **_times(rng, placed_at, offer),
        )
        order.review = _review(rng, rows, order, stars, ctx, popular=count, bodies=bodies)
        order.feedback = _feedback(rng, order, ctx)
        orders.append(order)
    return orders


def _subject(rows: FamilyRows, product: ProductRow) -> texts.Subject:
    attributes = {**product.attributes, **product.variant_attributes}
    return texts.Subject(
        kind=rows.kind,
        noun=rows.noun,
        brand=rows.brand,
        size=str(product.variant_attributes.get("Size", "")),
        colour=str(attributes.get("Colour", "")),
    )


def _review_lag(rng: random.Random) -> timedelta:
    """How long after delivery a buyer writes: days mostly, months for a few."""
    if rng.random() < 0.1:
        return timedelta(days=rng.uniform(30, 150))
    return timedelta(hours=6) + timedelta(days=rng.expovariate(1 / 9))


def _body(rng: random.Random, rating: int, subject: texts.Subject, bodies: set[str]) -> str:
    """A text no other review of the family has (moderation compares texts of 20 characters or more)."""
    for _ in range(6):
        body = texts.review_body(rng, rating, subject)
        key = normalized(body)
        if len(key) < 20 or key not in bodies:
            break
    bodies.add(key)
    return body


def _review(
    rng, rows: FamilyRows, order: PastOrder, stars, ctx: Context, *, popular: int, bodies: set[str]
) -> Review | None:
    if rng.random() >= REVIEWED:
        return None
    created_at = order.delivered_at + _review_lag(rng)
    if created_at > ctx.now - timedelta(minutes=30):
        return None  # still to write
    rating = _weighted(rng, stars)
    review = Review(
        rating=rating,
        title=texts.review_title(rng, rating),
        body=_body(rng, rating, _subject(rows, order.product), bodies),
        created_at=created_at,
    )
    if rng.random() < HELD:
        review.status = "pending"
        review.body = f"{review.body} {texts.held_sentence(rng)}"
        review.held_reasons = text_reasons(review.title, review.body)
        return review
    if rng.random() < PHOTOS * (1.6 if rating in (1, 5) else 1.0) and rows.images:
        review.photos = tuple(rng.sample(rows.images, rng.randint(1, min(3, len(rows.images)))))
    _votes(rng, review, order.buyer, ctx, popular=popular)
    if rng.random() < REPORTED:
        reporters = [i for i in rng.sample(range(ctx.pool), 3) if i != order.buyer][: rng.randint(1, 2)]
        review.reports = tuple(_report(rng, reporter, created_at, ctx.now) for reporter in reporters)
    if rng.random() < REPLY_CHANCE[rating]:
        replied = created_at + timedelta(hours=rng.uniform(3, 72))
        if replied < ctx.now:
            first = shopper(order.buyer).full_name.split()[0]
            seller = ctx.seller_names.get(order.offer.seller_id, "seller")
            review.reply = (
                texts.reply_body(rng, rating, first=first, noun=rows.noun, seller=seller),
                replied,
            )
    return review


def _votes(rng: random.Random, review: Review, buyer: int, ctx: Context, *, popular: int) -> None:
    """Helpful votes: none for most reviews, one or two for many, a hundred for the odd long, popular one."""
    if rng.random() < 0.6:
        return
    reach = 1 + math.log1p(popular) / 2 + len(review.body) / 600
    count = min(int((rng.paretovariate(2.0) - 1) * reach) + 1, ctx.pool - 2, MOST_VOTES)
    voters = [i for i in rng.sample(range(ctx.pool), count + 1) if i != buyer][:count]
    span = (ctx.now - review.created_at).total_seconds()
    review.voters = tuple(voters)
    review.vote_times = tuple(review.created_at + timedelta(seconds=span * rng.random() ** 2) for _ in voters)


def _report(rng: random.Random, reporter: int, created_at: datetime, now: datetime):
    reason = rng.choice(REPORT_REASONS)
    when = created_at + (now - created_at) * rng.random()
    return (reporter, reason, rng.choice(REPORT_NOTES[reason]), when)


def _feedback(rng: random.Random, order: PastOrder, ctx: Context) -> Feedback | None:
    if rng.random() >= FEEDBACK_CHANCE:
        return None
    created_at = order.delivered_at + timedelta(hours=rng.uniform(4, 24 * 25))
    if created_at > ctx.now - timedelta(minutes=30):
        return None
    unhappy = order.review is not None and order.review.rating == 1 and rng.random() < 0.4
    rating = rng.choice((1, 2)) if unhappy else _weighted(rng, FEEDBACK_WEIGHTS)
    if order.placed_at > ctx.window_start:
        rating = max(rating, 3)  # no order defect inside the scorecards' window (see docs/demo.md)
    return Feedback(
        rating=rating,
        arrived_on_time=rating >= 3 or rng.random() < 0.3,
        as_described=rating >= 3 or rng.random() < 0.4,
        good_service=rating >= 4 or rng.random() < 0.4,
        comment=texts.feedback_comment(rng, rating),
        created_at=created_at,
    )
