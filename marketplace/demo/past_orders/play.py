"""Playing each story through the real services, one transaction per story, then backdating it."""

from __future__ import annotations

import logging
import random
import zoneinfo
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Subquery, Sum
from django.test.utils import override_settings
from django.utils import timezone

from catalog.models import Offer
from fulfillment.claims import claim_open
from fulfillment.models import Claim, ReturnRequest, SandboxParcel, Shipment
from fulfillment.returns import return_approve, return_reject, return_request_create, return_restock
from fulfillment.scorecard import scorecards_recompute
from marketplace.accounts.models import User
from marketplace.celery import app as celery_app
from marketplace.core.models import OutboxEvent
from marketplace.demo.backdate import Timeline
from marketplace.demo.generator import SELLER_PROFILES
from marketplace.demo.past_orders.parcels import send_back, story_move, story_offset, story_ship, story_track
from marketplace.demo.past_orders.people import ensure_second_seller_login, ensure_shoppers, seller_owner
from marketplace.demo.past_orders.stories import (
    CARD,
    CLAIMED,
    GOOD,
    PARCEL_STATUS,
    RETURN_ON_ITS_WAY,
    RETURN_REFUNDED,
    RETURN_REJECTED,
    RETURN_REQUESTED,
    RETURN_RESTOCKED,
    RS,
    ST,
    STAFF_EMAIL,
    STORIES,
    STRUGGLING,
    TO_SHIP,
    Reason,
    Report,
    SeedError,
    Story,
    outbox_run,
    story_key,
    story_number,
    story_step,
)
from orders.models import Order, SellerOrder
from orders.numbers import seller_order_number
from orders.placement import PlacementLine, order_place
from payments.fraud import fraud_approve
from payments.services import payment_confirm, payment_start
from sellers.models import Seller


def _lines_for(seller_id: int, rng: random.Random) -> list[PlacementLine]:
    """One or two offers of the seller that are in stock and light enough for a parcel."""
    # Among the seller's first few hundred SKUs (an index range), so the cost is the same at any size.
    first = Offer.objects.filter(seller_id=seller_id).order_by("sku").values("pk")[:300]
    candidates = list(
        Offer.objects.filter(
            pk__in=Subquery(first),
            is_active=True,
            currency="USD",
            product__is_active=True,
            product__weight_grams__lte=15_000,
            price_amount__lte=400,
        )
        .annotate(free=Sum(F("stocks__on_hand") - F("stocks__reserved")))
        .filter(free__gte=3)
        .order_by("sku")
        .values_list("pk", "price_amount")[:40]
    )
    if not candidates:
        return []
    picked = rng.sample(candidates, k=min(len(candidates), 1 if rng.random() < 0.7 else 2))
    return [
        PlacementLine(offer_id=pk, quantity=1 if price > 60 else rng.choice((1, 1, 2)))
        for pk, price in picked
    ]


def _place_and_pay(story: Story, sellers: dict[int, int], staff: User | None) -> Order | None:
    lines = [line for index, _fate in story.parts for line in _lines_for(sellers[index], story.rng)]
    if len(lines) < len(story.parts):
        return None  # the catalog is too small to have something of every seller of the story
    number = story_number(story.seed, story.key)

    def place():
        order = order_place(
            user=story.shopper,
            idempotency_key=story_key(story.seed, story.key),
            address=story.address,
            lines=lines,
            shipping_choices={},
            now=story.placed_at,
        )
        # The number drawn at random becomes one fixed by the seed, before anything quotes it.
        Order.objects.filter(pk=order.pk).update(number=number)
        for seller_order in order.seller_orders.all():
            index = int(seller_order.number.rsplit("-", 1)[1])
            SellerOrder.objects.filter(pk=seller_order.pk).update(number=seller_order_number(number, index))
        return Order.objects.get(pk=order.pk)

    order = story_step(story, story.placed_at, place)
    # Placed in the past, its reservation has lapsed: hold the stock for the payment, as at checkout.
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() + timedelta(minutes=5))

    def pay():
        order.refresh_from_db()
        payment = payment_start(order=order, idempotency_key=f"seed-demo-{number}")
        year = story.now.year + 3
        card = {
            "number": CARD,
            "exp_month": "12",
            "exp_year": str(year),
            "cvc": "123",
            "name": story.shopper.full_name,
        }
        payment_confirm(payment=payment, payment_method=card)
        order.refresh_from_db()
        if order.status == Order.Status.ON_HOLD and staff is not None:
            fraud_approve(order=order, actor=staff)  # a demo order is no fraud: staff release it
            order.refresh_from_db()
        if order.status != Order.Status.PAID:
            raise SeedError(f"Demo order {number} is {order.status} after payment, not paid.")
        return order

    story.paid_at = story.placed_at + timedelta(minutes=2 + story.rng.randrange(4))
    return story_step(story, story.paid_at, pay)


def _return(story: Story, seller_order: SellerOrder, fate: str) -> ReturnRequest:
    """Return the first line of a delivered seller order, the way ``fate`` says."""
    seller_order.refresh_from_db()
    delivered, seller = seller_order.delivered_at, seller_order.seller
    line = seller_order.lines.order_by("pk").first()
    owner = seller_owner(seller.pk)
    quantities = {line.pk: line.quantity}

    def ask(at: datetime, reason: str, comment: str = "") -> ReturnRequest:
        return story_step(
            story,
            at,
            lambda: return_request_create(
                user=story.shopper,
                seller_order=seller_order,
                quantities=quantities,
                reason=reason,
                comment=comment,
                now=at,
            ),
        )

    hours = timedelta(hours=story.rng.randrange(2, 10))
    if fate == RETURN_REFUNDED:
        asked = delivered + timedelta(days=2) + hours
        rma = send_back(
            story, ask(asked, Reason.DEFECTIVE, "It stopped working after two days."), label_at=asked
        )
    elif fate == RETURN_RESTOCKED:
        asked = delivered + timedelta(days=1) + hours
        rma = ask(asked, Reason.ORDERED_BY_MISTAKE, "I meant to order the other colour.")
        decided = asked + timedelta(hours=20)
        note = "Approved: please send it back unused, in its box."
        story_step(
            story, decided, lambda: return_approve(return_request=rma, actor=owner, seller=seller, note=note)
        )
        rma = send_back(story, rma, label_at=decided)
        warehouse = rma.shipment.warehouse
        story_step(
            story,
            rma.received_at + timedelta(days=1),
            lambda: return_restock(
                return_request=rma, quantities=quantities, warehouse=warehouse, actor=owner, seller=seller
            ),
        )
    elif fate == RETURN_REQUESTED:
        rma = ask(max(delivered + hours, story.now - timedelta(hours=20)), Reason.BETTER_PRICE)
    elif fate == RETURN_REJECTED:
        asked = delivered + timedelta(days=1) + hours
        rma = ask(asked, Reason.ORDERED_BY_MISTAKE, "Opened it, but I do not need it after all.")
        note = "This item was opened and used; we cannot take it back."
        story_step(
            story,
            asked + timedelta(days=1),
            lambda: return_reject(return_request=rma, note=note, actor=owner, seller=seller),
        )
    else:  # RETURN_ON_ITS_WAY
        asked = max(delivered + hours, story.now - timedelta(days=2))
        rma = send_back(story, ask(asked, Reason.NO_LONGER_NEEDED), label_at=asked, expected=ST.IN_TRANSIT)
    rma.refresh_from_db()
    return rma


RETURN_STATUS = {
    RETURN_REFUNDED: RS.REFUNDED,
    RETURN_RESTOCKED: RS.REFUNDED,
    RETURN_REQUESTED: RS.REQUESTED,
    RETURN_REJECTED: RS.REJECTED,
    RETURN_ON_ITS_WAY: RS.APPROVED,
}


def story_claim(story: Story, seller_order: SellerOrder) -> Claim:
    """Open an A-to-z claim on a seller order that never arrived (its parcel went back to the seller).

    The seam for the claims flow: a claim decided by staff (``claim_grant`` /
    ``claim_deny``) would be one more ``story_step`` here.
    """
    seller_order.refresh_from_db()
    parcel = seller_order.shipments.filter(direction=Shipment.Direction.OUTBOUND).latest("status_changed_at")
    grace = timedelta(days=settings.CLAIM_LATE_GRACE_DAYS + 1)
    opens = datetime.combine(seller_order.promised_to + grace, time(15, 0), tzinfo=zoneinfo.ZoneInfo("UTC"))
    at = max(opens, parcel.status_changed_at + timedelta(days=1))
    description = "The tracking says it went back to the seller; it never reached me."
    return story_step(
        story,
        at,
        lambda: claim_open(
            user=story.shopper,
            seller_order=seller_order,
            reason=Claim.Reason.NOT_ARRIVED,
            description=description,
            now=at,
        ),
    )


def _play_parts(story: Story, seller_orders: list[tuple[SellerOrder, str]]) -> None:
    """Ship every part, move the story to fit its fates, pull the scans, then the returns and claims."""
    shipped = [
        (seller_order, fate, story_ship(story, seller_order, fate))
        for seller_order, fate in seller_orders
        if fate != TO_SHIP
    ]
    parcels = [
        (fate, list(SandboxParcel.objects.filter(tracking_number__in=[s.tracking_number for s in shipments])))
        for _so, fate, shipments in shipped
    ]
    story_move(story, [p for _fate, planned in parcels for p in planned], story_offset(story, parcels))
    for _so, fate, shipments in shipped:
        for shipment in shipments:
            story_track(story, shipment, PARCEL_STATUS.get(fate, ST.DELIVERED))
    for seller_order, fate, _shipments in shipped:
        if fate in RETURN_STATUS:
            rma = _return(story, seller_order, fate)
            if rma.status != RETURN_STATUS[fate]:
                raise SeedError(
                    f"Story {story.key}: return {rma.number} is {rma.status}, not {RETURN_STATUS[fate]}."
                )
        elif fate == CLAIMED:
            story_claim(story, seller_order)


def _placed_at(now: datetime, days: float, rng: random.Random) -> datetime:
    """A time ``days`` before now; older orders at a daytime hour of their day."""
    moment = now - timedelta(days=days)
    if days >= 2:
        moment = moment.replace(hour=rng.randrange(9, 21), minute=rng.randrange(60))
    return moment - timedelta(minutes=rng.randrange(20))


@transaction.atomic
def _story_play(*, seed: int, spec, shoppers, sellers, staff, now: datetime) -> bool:
    """Play one story in one transaction; return False when the catalog has nothing for it."""
    key, shopper, days, parts = spec
    rng = random.Random(f"{seed}:{key}")
    user, address = shoppers[shopper]
    story = Story(
        key=key,
        seed=seed,
        shopper=user,
        address=address,
        placed_at=_placed_at(now, days, rng),
        parts=parts,
        timeline=Timeline(),
        outbox_after=OutboxEvent.objects.aggregate(last=Max("pk"))["last"] or 0,
        now=now,
        rng=rng,
    )
    order = _place_and_pay(story, sellers, staff)
    if order is None:
        return False
    by_seller = {so.seller_id: so for so in order.seller_orders.select_related("seller")}
    _play_parts(story, [(by_seller[sellers[index]], fate) for index, fate in parts])
    story.timeline.apply(order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(
        reserved_until=F("placed_at") + timedelta(minutes=settings.ORDER_RESERVATION_MINUTES)
    )
    return True


@contextmanager
def _in_process():
    """Run the tasks the services enqueue in this process, and send no e-mail at all.

    The handlers of the outbox run here, synchronously, and the e-mails they
    would send (to the demo's @example.com accounts) are dropped, whatever
    EMAIL_URL and REDIS_URL say.
    """
    eager, trace = celery_app.conf.task_always_eager, logging.getLogger("celery.app.trace")
    level = trace.level
    celery_app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)  # not a "Task succeeded" line per e-mail on the console
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        celery_app.conf.task_always_eager = eager
        trace.setLevel(level)


def seed_orders(*, seed: int = 1, report: Report = lambda line: None) -> int:
    """Play the stories not in the database yet, then recompute the scorecards; return how many were added."""
    now = timezone.now()
    slugs = {p.index: p.slug for p in SELLER_PROFILES}
    by_slug = dict(Seller.objects.filter(slug__in=slugs.values()).values_list("slug", "pk"))
    sellers = {index: by_slug[slug] for index, slug in slugs.items() if slug in by_slug}
    if GOOD not in sellers or STRUGGLING not in sellers:
        return 0
    keys = {story_key(seed, spec[0]) for spec in STORIES}
    done = set(Order.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    added = skipped = 0
    first_event = OutboxEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    with _in_process():
        ensure_second_seller_login(seller_id=sellers[STRUGGLING])
        shoppers = ensure_shoppers(now)
        staff = User.objects.filter(email=STAFF_EMAIL).first()
        for spec in STORIES:
            if story_key(seed, spec[0]) in done:
                continue
            played = _story_play(
                seed=seed, spec=spec, shoppers=shoppers, sellers=sellers, staff=staff, now=now
            )
            added += played
            skipped += not played
        scorecards_recompute()
        outbox_run(after=first_event)  # the warning e-mail of a seller past a threshold
    if added or skipped:
        left_out = f"; {skipped} left out, the catalog has nothing of their sellers" if skipped else ""
        report(f"{added} past orders in every state{left_out}; scorecards recomputed.")
    return added
