"""The rows of a batch of past orders that the plan draws: orders, parcels, reviews and feedback.

Per order: the order (completed) and its one seller order (delivered), its
line (the price and tax as checkout would have charged them) and the
delivered parcel with the line in it, shipped from the offer's stock row.
Then the review (with its photos, helpful votes, reports and the seller's
reply), the seller feedback and, for negative feedback, the order defect
(as ``reviews.feedback`` records it). What follows from these rows (payment,
audit trail, ledger, scans, allocation, review request) PostgreSQL writes
(``derived``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from fulfillment.models import OrderDefect, Shipment, ShipmentLine
from marketplace.core.money import quantize
from marketplace.demo.reviews.copy import Table, as_json, ids_take
from marketplace.demo.reviews.derived import facts_table
from marketplace.demo.reviews.people import shopper
from marketplace.demo.reviews.plan import PastOrder
from orders.models import Order, OrderLine, SellerOrder
from orders.numbers import seller_order_number
from orders.seller_central.selectors import buyer_short_name
from reviews.eligibility import variation_label
from reviews.models import Review, ReviewPhoto, ReviewReport, ReviewVote, SellerFeedback, SellerReply


@dataclass(frozen=True)
class Lookups:
    """What the rows need besides the plan: the pool's user ids, the sellers' owners, the rates."""

    users: dict[int, int]  # pool index -> user id
    owners: dict[int, int]  # seller id -> its owner's user id
    seller_rates: dict[int, Decimal | None]  # seller id -> its own commission rate
    category_rates: dict[int, Decimal]  # category id -> effective commission rate (or the default)
    warehouse_places: dict[int, str]  # warehouse id -> "City, ST"
    card_fingerprint: str
    now: datetime


def tables() -> dict[str, Table]:
    """An empty table of each model a batch writes, in the order they are sent."""
    fields = {
        "order": (
            Order,
            "id number user status idempotency_key currency subtotal_amount shipping_amount tax_amount "
            "total_amount ship_full_name ship_line1 ship_line2 ship_city ship_region ship_postal_code "
            "ship_country ship_phone reserved_until placed_at paid_at cancel_reason",
        ),
        "seller_order": (
            SellerOrder,
            "id order seller number status shipping_method shipping_method_name subtotal_amount "
            "shipping_amount tax_amount total_amount promised_from promised_to shipped_at delivered_at "
            "acknowledged_at created_at updated_at",
        ),
        "line": (
            OrderLine,
            "id seller_order offer product title sku condition unit_price_amount quantity tax_rate "
            "tax_amount total_amount",
        ),
        "shipment": (
            Shipment,
            "id seller_order warehouse direction carrier service service_name tracking_number status "
            "weight_grams length_cm width_cm height_cm postage_amount currency created_by created_at "
            "picked_up_at delivered_at status_changed_at last_tracked_at",
        ),
        "shipment_line": (ShipmentLine, "shipment line stock quantity"),
        "review": (
            Review,
            "id product purchased_product order_line author author_name rating title body variation_label "
            "verified_purchase status held_reasons moderation_note helpful_count report_count photo_count "
            "created_at updated_at published_at",
        ),
        "photo": (ReviewPhoto, "review image width height position created_at"),
        "vote": (ReviewVote, "review user created_at"),
        "report": (ReviewReport, "review user reason note created_at"),
        "reply": (
            SellerReply,
            "review seller author body status held_reasons moderation_note created_at published_at",
        ),
        "feedback": (
            SellerFeedback,
            "id seller_order seller author author_name rating arrived_on_time as_described good_service "
            "comment status moderation_note created_at updated_at",
        ),
        "defect": (OrderDefect, "seller_order kind source_id occurred_at created_at"),
    }
    return {name: Table(model, names) for name, (model, names) in fields.items()}


def order_number(key) -> str:
    """A readable order number fixed by the order's key (``order_place`` draws a random one)."""
    value = int.from_bytes(hashlib.sha256(key.bytes).digest()[:8], "big")
    digits = f"{value % (9 * 10**13) + 10**13:014d}"
    return f"{digits[:3]}-{digits[3:10]}-{digits[10:]}"


def _token(key, salt: str, length: int) -> str:
    return hashlib.sha256(f"{salt}/{key}".encode()).hexdigest()[:length]


def _tracking_number(key) -> str:
    return f"SB{int(_token(key, 'tracking', 14), 16) % 10**16:016d}"


class Batch:
    """Turns planned orders of one batch of units into rows, with ids reserved up front."""

    def __init__(self, orders: list[tuple[int, PastOrder]], lookups: Lookups, tax_rate):
        self.orders, self.lookups, self.tax_rate = orders, lookups, tax_rate
        self.tables = tables()
        self.facts = facts_table()
        count = len(orders)
        self.order_ids = ids_take(Order, count)
        self.seller_order_ids = ids_take(SellerOrder, count)
        self.line_ids = ids_take(OrderLine, count)
        self.shipment_ids = ids_take(Shipment, count)
        self.review_ids = ids_take(Review, sum(1 for _, o in orders if o.review))
        self.feedback_ids = ids_take(SellerFeedback, sum(1 for _, o in orders if o.feedback))
        self.family_ids: set[int] = set()

    def build(self) -> None:
        """Fill the tables with the rows of every planned order."""
        reviews, feedback = iter(self.review_ids), iter(self.feedback_ids)
        for position, (family_id, order) in enumerate(self.orders):
            ids = Ids(
                self.order_ids[position],
                self.seller_order_ids[position],
                self.line_ids[position],
                self.shipment_ids[position],
            )
            self._order(order, ids)
            if order.review:
                self._review(order, next(reviews), family_id, ids.line)
                self.family_ids.add(family_id)
            if order.feedback:
                self._feedback(order, next(feedback), ids.seller_order)

    # fmt: off
    def _order(self, o: PastOrder, ids: Ids) -> None:
        t, lk, buyer, offer = self.tables, self.lookups, shopper(o.buyer), o.offer
        rate = self.tax_rate(buyer.region, o.product.tax_class)
        items = offer.price * o.quantity
        tax = quantize(items * rate)
        total = items + offer.shipping + tax
        number = order_number(o.key)
        reserved = o.placed_at + timedelta(minutes=settings.ORDER_RESERVATION_MINUTES)
        t["order"].add(
            ids.order, number, lk.users[o.buyer], Order.Status.COMPLETED, o.key, offer.currency, items,
            offer.shipping, tax, total, buyer.full_name, buyer.line1, "", buyer.city, buyer.region,
            buyer.postal_code, "US", buyer.phone, reserved, o.placed_at, o.paid_at, "",
        )
        t["seller_order"].add(
            ids.seller_order, ids.order, offer.seller_id, seller_order_number(number, 1),
            SellerOrder.Status.DELIVERED, "standard", "Standard", items, offer.shipping, tax, total,
            o.promised_from, o.promised_to, o.shipped_at, o.delivered_at, None, o.placed_at, o.delivered_at,
        )
        t["line"].add(
            ids.line, ids.seller_order, offer.id, o.product.id, o.product.title[:300], offer.sku,
            offer.condition, offer.price, o.quantity, rate, tax, items,
        )
        self._parcel(o, ids)
        commission = lk.seller_rates.get(offer.seller_id)
        commission = lk.category_rates[o.product.category_id] if commission is None else commission
        payment_id = f"pi_sb_{_token(o.key, 'payment', 24)}"
        secret = f"{payment_id}_secret_{_token(o.key, 'secret', 24)}"
        origin = lk.warehouse_places.get(offer.warehouse_id, "")
        self.facts.add(
            ids.order, number, lk.users[o.buyer], offer.currency, total, o.placed_at, o.paid_at, reserved,
            f"{buyer.city}, {buyer.region}", ids.seller_order, seller_order_number(number, 1),
            offer.seller_id, items + offer.shipping, quantize(items * commission), o.shipped_at,
            o.delivered_at, ids.line, ids.shipment, _tracking_number(o.key), origin,
            lk.owners.get(offer.seller_id), o.picked_up_at, o.delivered_at + timedelta(minutes=7),
            offer.stock_id, o.quantity, payment_id, secret, int(_token(o.key, "spread", 6), 16),
            o.review.created_at if o.review else None,
        )

    def _parcel(self, o: PastOrder, ids: Ids) -> None:
        t, lk = self.tables, self.lookups
        grams = min(250 + o.product.weight_grams * o.quantity, 29_000)
        postage = quantize(Decimal("4.50") + Decimal(grams) / Decimal(1000))
        tracked = o.delivered_at + timedelta(minutes=7)
        t["shipment"].add(
            ids.shipment, ids.seller_order, o.offer.warehouse_id, Shipment.Direction.OUTBOUND, "sandbox",
            "ground", "Sandbox Ground", _tracking_number(o.key), Shipment.Status.DELIVERED, grams, 40, 30, 20,
            postage, "USD", lk.owners.get(o.offer.seller_id), o.shipped_at, o.picked_up_at, o.delivered_at,
            o.delivered_at, tracked,
        )
        t["shipment_line"].add(ids.shipment, ids.line, o.offer.stock_id, o.quantity)

    def _review(self, o: PastOrder, review_id: int, family_id: int, line_id: int) -> None:
        t, lk, r = self.tables, self.lookups, o.review
        published_at = r.created_at + timedelta(seconds=2) if r.status == Review.Status.PUBLISHED else None
        touched = max([r.created_at, *r.vote_times, *(report[3] for report in r.reports)])
        label = variation_label(_Variation(o.product.id != family_id, o.product.variant_attributes))
        t["review"].add(
            review_id, family_id, o.product.id, line_id, lk.users[o.buyer],
            buyer_short_name(shopper(o.buyer).full_name), r.rating, r.title, r.body, label, True, r.status,
            as_json(r.held_reasons), "", len(r.voters), len(r.reports), len(r.photos), r.created_at, touched,
            published_at,
        )
        for position, image in enumerate(r.photos):
            t["photo"].add(review_id, image, 600, 600, position, r.created_at)
        for voter, when in zip(r.voters, r.vote_times, strict=True):
            t["vote"].add(review_id, lk.users[voter], when)
        for reporter, reason, note, when in r.reports:
            t["report"].add(review_id, lk.users[reporter], reason, note, when)
        if r.reply is not None:
            body, when = r.reply
            seller = o.offer.seller_id
            t["reply"].add(review_id, seller, lk.owners.get(seller), body, "published", "[]", "", when, when)

    def _feedback(self, o: PastOrder, feedback_id: int, seller_order_id: int) -> None:
        t, lk, f = self.tables, self.lookups, o.feedback
        t["feedback"].add(
            feedback_id, seller_order_id, o.offer.seller_id, lk.users[o.buyer],
            buyer_short_name(shopper(o.buyer).full_name), f.rating, f.arrived_on_time, f.as_described,
            f.good_service, f.comment, SellerFeedback.Status.PUBLISHED, "", f.created_at, f.created_at,
        )
        if f.rating <= 2:
            kind = OrderDefect.Kind.NEGATIVE_FEEDBACK
            t["defect"].add(seller_order_id, kind, str(feedback_id), f.created_at, f.created_at)
    # fmt: on


@dataclass(frozen=True, slots=True)
class Ids:
    """The reserved ids of one order's rows that others point at."""

    order: int
    seller_order: int
    line: int
    shipment: int


@dataclass(frozen=True, slots=True)
class _Variation:
    """Enough of a product for ``reviews.eligibility.variation_label``."""

    is_variation: bool
    variant_attributes: dict

    @property
    def parent_id(self) -> int | None:
        return 1 if self.is_variation else None
