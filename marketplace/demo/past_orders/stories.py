"""The demo's past orders as stories: who buys what from whom, when, and what became of it."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fulfillment.models import ReturnRequest, Shipment
from marketplace.accounts.models import Address, User
from marketplace.core import events
from marketplace.core.models import OutboxEvent
from marketplace.demo import vocabulary as v
from marketplace.demo.backdate import Timeline

Report = Callable[[str], None]


ST = Shipment.Status


RS = ReturnRequest.Status


Reason = ReturnRequest.Reason


GOOD = 0  # Brightway Electronics, seller@example.com: within every threshold


STRUGGLING = 12  # Gadget Depot, seller2@example.com: ships late, has a claim, loses the buy box


MAPLE, LUMEN, NORTHERN, TRAIL = 2, 8, 1, 5


# The demo login of the struggling seller (the good one is vocabulary.DEMO_ACCOUNTS' seller).
SECOND_SELLER_ACCOUNT = (
    "seller2@example.com",
    "Gail Gadget",
    "Seller owner of {seller}: ships late, past a scorecard threshold, lost the buy box.",
)


STAFF_EMAIL = "staff@example.com"


SHOPPER_NAMES = (
    "Riley Chen",
    "Jordan Patel",
    "Morgan Diaz",
    "Avery Kowalski",
    "Casey O'Neill",
    "Taylor Nguyen",
    "Quinn Okafor",
    "Jamie Lindqvist",
)


US_CITIES = tuple(i for i, city in enumerate(v.CITIES) if city[3] == "US")


CARD = "4242424242424242"


# What becomes of one seller's part of an order.
TO_SHIP = "to_ship"  # paid, waiting for the seller (past its ship-by date if old enough)


IN_TRANSIT = "in_transit"


OUT_FOR_DELIVERY = "out_for_delivery"


EXCEPTION = "exception"  # a failed delivery attempt, the next one still to come


DELIVERED = "delivered"  # on the promised day


DELIVERED_LATE = "delivered_late"  # the carrier was late


SHIPPED_LATE = "shipped_late"  # the seller shipped after its ship-by date; delivered


RETURNED_TO_SENDER = "returned_to_sender"


CLAIMED = "claimed"  # returned to sender, and the shopper opened a claim (A-to-z)


RETURN_REFUNDED = "return_refunded"  # approved at once, sent back, received by its scan, refunded


RETURN_RESTOCKED = "return_restocked"  # approved by the seller, received, refunded, restocked


RETURN_REQUESTED = "return_requested"  # waiting for the seller


RETURN_REJECTED = "return_rejected"


RETURN_ON_ITS_WAY = "return_on_its_way"  # approved, the return parcel in transit


SCENARIO = {
    DELIVERED_LATE: "late",
    EXCEPTION: "exception",
    RETURNED_TO_SENDER: "returned",
    CLAIMED: "returned",
}


# A parcel still moving: the scan its story is pinned to, and how long before now it happened.
IN_FLIGHT = {
    IN_TRANSIT: ("arrived", timedelta(hours=1)),
    OUT_FOR_DELIVERY: ("out_for_delivery", timedelta(minutes=45)),
    EXCEPTION: ("exception", timedelta(hours=3)),
}


PARCEL_STATUS = {
    IN_TRANSIT: ST.IN_TRANSIT,
    OUT_FOR_DELIVERY: ST.OUT_FOR_DELIVERY,
    EXCEPTION: ST.EXCEPTION,
    RETURNED_TO_SENDER: ST.RETURNED_TO_SENDER,
    CLAIMED: ST.RETURNED_TO_SENDER,
}


# (key, shopper (0 is shopper@example.com), days before now it was placed, ((seller, fate), ...)).
# Oldest first: fraud screening looks at the orders placed before, as they are after backdating.
STORIES: tuple[tuple[str, int, float, tuple[tuple[int, str], ...]], ...] = (
    ("o01", 3, 86, ((GOOD, DELIVERED),)),
    ("o02", 4, 78, ((NORTHERN, RETURNED_TO_SENDER),)),
    ("o03", 1, 71, ((GOOD, DELIVERED_LATE),)),
    ("o04", 5, 64, ((GOOD, DELIVERED),)),
    ("o05", 2, 57, ((LUMEN, DELIVERED),)),
    ("o06", 6, 50, ((GOOD, RETURN_RESTOCKED),)),
    ("o07", 3, 44, ((TRAIL, DELIVERED),)),
    ("o08", 7, 38, ((GOOD, DELIVERED),)),
    ("o09", 0, 33, ((GOOD, DELIVERED),)),
    ("o10", 1, 28, ((GOOD, DELIVERED),)),
    ("o11", 8, 27, ((STRUGGLING, SHIPPED_LATE),)),
    ("o12", 2, 26, ((STRUGGLING, DELIVERED),)),
    ("o13", 0, 25, ((GOOD, RETURN_REFUNDED),)),
    ("o14", 4, 24, ((STRUGGLING, SHIPPED_LATE),)),
    ("o15", 5, 23, ((GOOD, DELIVERED),)),
    ("o16", 6, 22, ((STRUGGLING, DELIVERED),)),
    ("o17", 0, 21, ((STRUGGLING, CLAIMED),)),
    ("o18", 0, 20, ((GOOD, DELIVERED), (MAPLE, DELIVERED))),
    ("o19", 7, 19, ((STRUGGLING, DELIVERED),)),
    ("o20", 3, 18, ((GOOD, RETURN_REJECTED),)),
    ("o21", 8, 17, ((STRUGGLING, SHIPPED_LATE),)),
    ("o22", 1, 16, ((GOOD, DELIVERED_LATE),)),
    ("o23", 2, 15, ((STRUGGLING, DELIVERED),)),
    ("o24", 0, 14, ((GOOD, DELIVERED_LATE),)),
    ("o25", 5, 13, ((GOOD, DELIVERED), (STRUGGLING, DELIVERED))),
    ("o26", 6, 12, ((STRUGGLING, DELIVERED),)),
    ("o27", 4, 11, ((GOOD, RETURN_ON_ITS_WAY),)),
    ("o28", 0, 10.5, ((GOOD, RETURN_REQUESTED),)),
    ("o29", 7, 10, ((GOOD, DELIVERED),)),
    ("o30", 8, 9.5, ((MAPLE, DELIVERED),)),
    ("o31", 1, 9.2, ((LUMEN, DELIVERED),)),
    ("o32", 3, 8, ((STRUGGLING, TO_SHIP),)),
    ("o33", 2, 1.6, ((STRUGGLING, IN_TRANSIT),)),
    ("o34", 0, 1.5, ((GOOD, EXCEPTION),)),
    ("o35", 0, 1.5, ((GOOD, OUT_FOR_DELIVERY),)),
    ("o36", 0, 1.5, ((GOOD, IN_TRANSIT),)),
    ("o37", 4, 1.4, ((STRUGGLING, TO_SHIP),)),
    ("o38", 1, 1.3, ((NORTHERN, TO_SHIP),)),
    ("o39", 0, 0.22, ((GOOD, TO_SHIP),)),
    ("o40", 6, 0.12, ((GOOD, TO_SHIP),)),
)


class SeedError(RuntimeError):
    """A story did not end in the state it was written for."""


@dataclass
class Story:
    key: str
    seed: int
    shopper: User
    address: Address
    placed_at: datetime
    parts: tuple[tuple[int, str], ...]
    timeline: Timeline
    outbox_after: int  # events above this id are the story's own
    now: datetime
    rng: random.Random
    paid_at: datetime | None = None


def story_key(seed: int, key: str) -> uuid.UUID:
    """The idempotency key of a story's order: the same seed and story, the same order."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"seed-demo/orders/{seed}/{key}")


def story_number(seed: int, key: str) -> str:
    """A readable order number fixed by the seed and the story (``order_place`` draws a random one)."""
    value = int.from_bytes(hashlib.sha256(f"seed-demo/{seed}/{key}".encode()).digest()[:8], "big")
    digits = f"{value % (9 * 10**13) + 10**13:014d}"
    return f"{digits[:3]}-{digits[3:10]}-{digits[10:]}"


def outbox_run(*, after: int) -> None:
    """Run the pending outbox events above id ``after`` as the Celery task would, until none is left."""
    while True:
        pending = OutboxEvent.objects.filter(pk__gt=after, dispatched_at__isnull=True)
        ids = list(pending.order_by("pk").values_list("pk", flat=True))
        if not ids:
            return
        for event_id in ids:
            if not events.outbox_dispatch(event_id=event_id):
                raise SeedError(OutboxEvent.objects.get(pk=event_id).last_error)


def story_step(story: Story, at: datetime, call: Callable):
    """Make the call (and dispatch what it emitted) as if at ``at``; return its result."""
    if at > story.now:
        raise SeedError(f"Story {story.key} would happen in the future ({at:%Y-%m-%d %H:%M}).")
    with story.timeline.at(at):
        result = call()
        outbox_run(after=story.outbox_after)
    return result
