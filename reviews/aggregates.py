"""Rating aggregates that stay true: changed with the review or feedback that changes them.

A product family's ``ProductRating`` (stars histogram, reviews with photos)
and a seller's ``SellerRating`` are moved by one conditional ``UPDATE`` in
the caller's transaction: the row lock it takes orders concurrent changes, and
``RETURNING`` gives the counts after this change, from which the cached
``rating_average`` / ``rating_count`` of ``catalog.Product`` or
``sellers.Seller`` are written under the same lock. Nothing recounts them on a
schedule; ``aggregates_drift`` (``manage.py ratings_check``) recounts from the
published rows and reports (or repairs) any difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, Q

from catalog.cache import page_versions_bump
from marketplace.core import events
from reviews.models import ProductRating, Review, SellerFeedback, SellerRating
from sellers.models import Seller

STARS = (1, 2, 3, 4, 5)
CENT = Decimal("0.01")
SELLER_COUNTERS = tuple(f"stars_{stars}" for stars in STARS)
PRODUCT_COUNTERS = (*SELLER_COUNTERS, "with_photos")


def rating_average(histogram: dict[int, int]) -> Decimal:
    """The mean of a stars histogram to the cent, half up; 0 when it is empty."""
    count = sum(histogram.values())
    if not count:
        return Decimal("0.00")
    total = sum(stars * number for stars, number in histogram.items())
    return (Decimal(total) / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


def _move(
    table: str, key: str, key_id: int, deltas: dict[str, int], *, zero: tuple[str, ...]
) -> dict[int, int]:
    """Add ``deltas`` to the aggregate row of ``key_id`` (created if missing); return its histogram.

    ``zero`` names the counter columns a new row starts at 0 with.
    """
    columns = ", ".join(f"stars_{stars}" for stars in STARS)
    assignments = ", ".join(f"{column} = {table}.{column} + %s" for column in deltas)
    # Table and column names come from this module and the models, never from input.
    with connection.cursor() as cursor:
        # An upsert: the first change of a row inserts it, any later one updates it under its lock.
        cursor.execute(
            f"INSERT INTO {table} ({key}, {', '.join(zero)}, updated_at)"  # noqa: S608
            f" VALUES (%s, {', '.join('0' for _ in zero)}, now())"
            f" ON CONFLICT ({key}) DO UPDATE SET updated_at = now() RETURNING {key}",
            [key_id],
        )
        cursor.execute(
            f"UPDATE {table} SET {assignments}, updated_at = now() WHERE {key} = %s RETURNING {columns}",  # noqa: S608
            [*deltas.values(), key_id],
        )
        row = cursor.fetchone()
    return dict(zip(STARS, row, strict=True))


def _deltas(*, added: int | None, removed: int | None) -> dict[str, int]:
    deltas: dict[str, int] = {}
    for stars, sign in ((added, 1), (removed, -1)):
        if stars is not None:
            deltas[f"stars_{stars}"] = deltas.get(f"stars_{stars}", 0) + sign
    return deltas


@transaction.atomic
def product_rating_move(
    *, product_id: int, added: int | None = None, removed: int | None = None, photos: int = 0
) -> dict[int, int]:
    """Count a published review of ``added`` stars in, one of ``removed`` stars out (or both: an edit).

    ``photos`` is +1 / -1 when a review with photos enters or leaves the
    published set. Writes the family's cached average and count, refreshes its
    search document (``product.rating_changed``) and makes its page stale.
    """
    deltas = _deltas(added=added, removed=removed)
    if photos:
        deltas["with_photos"] = photos
    if not deltas:
        return {}
    histogram = _move(ProductRating._meta.db_table, "product_id", product_id, deltas, zero=PRODUCT_COUNTERS)
    from catalog.models import Product

    Product.objects.filter(pk=product_id).update(
        rating_average=rating_average(histogram), rating_count=sum(histogram.values())
    )
    events.emit("product.rating_changed", product_ids=[product_id])
    page_versions_bump(product_ids=[product_id], listings=False)
    return histogram


@transaction.atomic
def seller_rating_move(
    *, seller_id: int, added: int | None = None, removed: int | None = None
) -> dict[int, int]:
    """Count a published feedback in or out of a seller's rating, like ``product_rating_move``.

    Emits ``seller.rating_changed``: the buy box breaks ties by seller rating,
    so catalog refreshes the seller's buy boxes (through the outbox).
    """
    deltas = _deltas(added=added, removed=removed)
    if not deltas:
        return {}
    histogram = _move(SellerRating._meta.db_table, "seller_id", seller_id, deltas, zero=SELLER_COUNTERS)
    Seller.objects.filter(pk=seller_id).update(
        rating_average=rating_average(histogram), rating_count=sum(histogram.values())
    )
    events.emit("seller.rating_changed", seller_id=seller_id)
    return histogram


@dataclass(frozen=True, slots=True)
class Drift:
    """One aggregate whose stored figures differ from a recount."""

    kind: str  # "product" or "seller"
    key: int
    stored: dict
    counted: dict


def _histogram_counts(queryset, key: str) -> dict[int, dict]:
    """``{key: {1: n, ..., 5: n, "photos": n}}`` for the published rows of ``queryset``."""
    annotations = {f"s{stars}": Count("pk", filter=Q(rating=stars)) for stars in STARS}
    if queryset.model is Review:
        annotations["photos"] = Count("pk", filter=Q(photo_count__gt=0))
    counted = {}
    for row in queryset.values(key).annotate(**annotations).order_by():
        counted[row[key]] = {stars: row[f"s{stars}"] for stars in STARS} | (
            {"photos": row["photos"]} if "photos" in row else {}
        )
    return counted


def _product_drift(product_ids) -> list[Drift]:
    from catalog.models import Product

    reviews = Review.objects.filter(status=Review.Status.PUBLISHED)
    stored_rows = ProductRating.objects.all()
    products = Product.objects.filter(Q(rating_count__gt=0) | Q(pk__in=stored_rows.values("product_id")))
    if product_ids is not None:
        reviews = reviews.filter(product_id__in=product_ids)
        stored_rows = stored_rows.filter(product_id__in=product_ids)
        products = Product.objects.filter(pk__in=product_ids)
    counted = _histogram_counts(reviews, "product_id")
    ratings = {row.product_id: row for row in stored_rows}
    drifts = []
    for product in products.only("id", "rating_average", "rating_count").iterator(chunk_size=2000):
        want = counted.get(product.pk, dict.fromkeys(STARS, 0) | {"photos": 0})
        row = ratings.get(product.pk)
        empty = dict.fromkeys(STARS, 0) | {"photos": 0}
        have = (row.histogram | {"photos": row.with_photos}) if row else empty
        histogram = {stars: want[stars] for stars in STARS}
        expected_cache = (rating_average(histogram), sum(histogram.values()))
        if {k: have[k] for k in want} != want or (
            product.rating_average,
            product.rating_count,
        ) != expected_cache:
            drifts.append(
                Drift(
                    "product",
                    product.pk,
                    have | {"average": str(product.rating_average), "count": product.rating_count},
                    want | {"average": str(expected_cache[0]), "count": expected_cache[1]},
                )
            )
    return drifts


def _seller_drift(seller_ids) -> list[Drift]:
    feedback = SellerFeedback.objects.filter(status=SellerFeedback.Status.PUBLISHED)
    sellers = Seller.objects.all()
    if seller_ids is not None:
        feedback = feedback.filter(seller_id__in=seller_ids)
        sellers = sellers.filter(pk__in=seller_ids)
    counted = _histogram_counts(feedback, "seller_id")
    ratings = {row.seller_id: row for row in SellerRating.objects.all()}
    drifts = []
    for seller in sellers.only("id", "rating_average", "rating_count"):
        want = counted.get(seller.pk, dict.fromkeys(STARS, 0))
        row = ratings.get(seller.pk)
        have = row.histogram if row else dict.fromkeys(STARS, 0)
        expected_cache = (rating_average(want), sum(want.values()))
        if have != want or (seller.rating_average, seller.rating_count) != expected_cache:
            drifts.append(
                Drift(
                    "seller",
                    seller.pk,
                    have | {"average": str(seller.rating_average), "count": seller.rating_count},
                    want | {"average": str(expected_cache[0]), "count": expected_cache[1]},
                )
            )
    return drifts


def aggregates_drift(*, product_ids=None, seller_ids=None) -> list[Drift]:
    """Every product and seller aggregate that differs from a recount of the published rows.

    A seller without feedback counts as 0 ratings; products only where some
    rating is stored or counted. Given ``product_ids`` only (or ``seller_ids``
    only), only those products (or sellers) are checked.
    """
    if product_ids is not None and seller_ids is None:
        return _product_drift(product_ids)
    if seller_ids is not None and product_ids is None:
        return _seller_drift(seller_ids)
    return _product_drift(product_ids) + _seller_drift(seller_ids)


@transaction.atomic
def aggregates_repair(drifts: list[Drift]) -> int:
    """Overwrite each drifted aggregate with its recount; return how many were written."""
    from catalog.models import Product

    for drift in drifts:
        counted = drift.counted
        columns = {f"stars_{stars}": counted[stars] for stars in STARS}
        if drift.kind == "product":
            ProductRating.objects.update_or_create(
                product_id=drift.key, defaults=columns | {"with_photos": counted["photos"]}
            )
            Product.objects.filter(pk=drift.key).update(
                rating_average=Decimal(counted["average"]), rating_count=counted["count"]
            )
            events.emit("product.rating_changed", product_ids=[drift.key])
        else:
            SellerRating.objects.update_or_create(seller_id=drift.key, defaults=columns)
            Seller.objects.filter(pk=drift.key).update(
                rating_average=Decimal(counted["average"]), rating_count=counted["count"]
            )
            events.emit("seller.rating_changed", seller_id=drift.key)
    page_versions_bump(product_ids=[d.key for d in drifts if d.kind == "product"])
    return len(drifts)
