"""Past orders for the demo, in every state an order, a parcel, a return and a claim can be in.

A fixed list of stories (``STORIES``, about forty orders whatever the size
of the catalog) is played through the real services: ``order_place``, the
sandbox payment provider, ``shipment_create`` with the sandbox carrier,
tracking pulls, returns, a claim, and the outbox handlers (ledger postings,
refunds, e-mails) dispatched synchronously. Each story is one transaction:
it is all there or not at all, and a story already in the database (found by
its idempotency key) is skipped, so running the seed twice adds nothing.

Time: the services stamp the real time, so each call of a story runs inside
a ``backdate.Timeline`` window naming the moment it stands for, and the
story's timestamps are moved there before it commits (``Timeline.apply``).
The sandbox carrier plans scans from the label's time on its own clock: the
seed sets the label's time to the (past) shipping moment and plans the
parcel again for the story's scenario (``sandbox_parcel_replan``), so the
scans it reports are the ones a real parcel would have by now. A parcel
meant to be still moving (in transit, out for delivery, an exception) is
moved, with its whole story, so that its last scan so far happened shortly
before now. The global sandbox clock is never moved. See docs/demo.md.
"""

from marketplace.demo.past_orders.play import seed_orders, story_claim
from marketplace.demo.past_orders.stories import (
    GOOD,
    SECOND_SELLER_ACCOUNT,
    STORIES,
    STRUGGLING,
    story_number,
)

__all__ = [
    "GOOD",
    "SECOND_SELLER_ACCOUNT",
    "STORIES",
    "STRUGGLING",
    "seed_orders",
    "story_claim",
    "story_number",
]
