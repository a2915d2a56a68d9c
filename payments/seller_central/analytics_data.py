"""The figures of the seller's analytics page, aggregated in SQL, all scoped by ``seller=``.

* Sales, units and orders: the seller's paid seller orders that are not cancelled (ready to
  ship, partly shipped, shipped, delivered), on the UTC day their order was paid; sales are the
  item revenue (unit price x quantity, before tax and shipping, refunds not taken off).
* Returns rate: units of those orders that came back (returns received or refunded) / units sold.
* Page views: views of the products the seller lists (any of its offers, paused ones too), from
  ``catalog.ProductViewDaily``; buy-box views are those shown while the seller held the buy box.
* Conversion: orders / page views; buy-box share: buy-box views / page views.

Three queries for the period's totals and days (sold lines by day, views by day, returned units)
and two for a page of listings (count and page), whatever the number of days, orders or listings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate

from catalog.models import Offer, ProductViewDaily
from fulfillment.models import ReturnLine, ReturnRequest
from orders.models import OrderLine, SellerOrder
from sellers.models import Seller

SS = SellerOrder.Status
SOLD = (SS.READY_TO_SHIP, SS.PARTIALLY_SHIPPED, SS.SHIPPED, SS.DELIVERED)
RETURNED = (ReturnRequest.Status.RECEIVED, ReturnRequest.Status.REFUNDED)
ZERO = Decimal("0.00")


def ratio(part, whole) -> Decimal | None:
    """part / whole to 4 places, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class DayFigures:
    day: date
    sales: Decimal = ZERO
    units: int = 0
    orders: int = 0
    views: int = 0
    buy_box_views: int = 0

    @property
    def conversion(self) -> Decimal | None:
        return ratio(self.orders, self.views)


@dataclass(frozen=True)
class Summary:
    sales: Decimal
    units: int
    orders: int
    views: int
    buy_box_views: int
    returned_units: int

    @property
    def average_order_value(self) -> Decimal | None:
        return (self.sales / self.orders).quantize(Decimal("0.01")) if self.orders else None

    @property
    def returns_rate(self) -> Decimal | None:
        return ratio(self.returned_units, self.units)

    @property
    def conversion(self) -> Decimal | None:
        return ratio(self.orders, self.views)

    @property
    def buy_box_share(self) -> Decimal | None:
        return ratio(self.buy_box_views, self.views)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min, UTC), datetime.combine(end + timedelta(days=1), time.min, UTC)


def _sold_lines(*, seller: Seller, start: date, end: date) -> QuerySet[OrderLine]:
    since, until = _bounds(start, end)
    return OrderLine.objects.filter(
        seller_order__seller=seller,
        seller_order__status__in=SOLD,
        seller_order__order__paid_at__gte=since,
        seller_order__order__paid_at__lt=until,
    ).order_by()


def _views(*, seller: Seller, start: date, end: date) -> QuerySet[ProductViewDaily]:
    return ProductViewDaily.objects.filter(
        product_id__in=Offer.objects.filter(seller=seller).values("product_id"), day__gte=start, day__lte=end
    ).order_by()


def analytics_daily_list(*, seller: Seller, start: date, end: date) -> list[DayFigures]:
    """Every day of the period (days without anything included), oldest first (two queries)."""
    sales = {
        row["day"]: row
        for row in _sold_lines(seller=seller, start=start, end=end)
        .annotate(day=TruncDate("seller_order__order__paid_at", tzinfo=UTC))
        .values("day")
        .annotate(
            sales=Sum("total_amount"), units=Sum("quantity"), orders=Count("seller_order", distinct=True)
        )
    }
    views = {
        row["day"]: row
        for row in _views(seller=seller, start=start, end=end)
        .values("day")
        .annotate(seen=Sum("views"), held=Sum("views", filter=Q(buy_box_seller=seller)))
    }
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        sold, seen = sales.get(day, {}), views.get(day, {})
        days.append(
            DayFigures(
                day=day,
                sales=sold.get("sales") or ZERO,
                units=sold.get("units") or 0,
                orders=sold.get("orders") or 0,
                views=seen.get("seen") or 0,
                buy_box_views=seen.get("held") or 0,
            )
        )
    return days


def analytics_returned_units(*, seller: Seller, start: date, end: date) -> int:
    """Units sold in the period that came back (returns received or refunded)."""
    since, until = _bounds(start, end)
    total = ReturnLine.objects.filter(
        return_request__status__in=RETURNED,
        line__seller_order__seller=seller,
        line__seller_order__status__in=SOLD,
        line__seller_order__order__paid_at__gte=since,
        line__seller_order__order__paid_at__lt=until,
    ).aggregate(units=Sum("quantity"))["units"]
    return total or 0


def analytics_summary_get(*, seller: Seller, start: date, end: date, days: list[DayFigures] | None = None):
    """The period's totals (from ``days`` when given: one query for the returns)."""
    if days is None:
        days = analytics_daily_list(seller=seller, start=start, end=end)
    return Summary(
        sales=sum((day.sales for day in days), start=ZERO),
        units=sum(day.units for day in days),
        orders=sum(day.orders for day in days),
        views=sum(day.views for day in days),
        buy_box_views=sum(day.buy_box_views for day in days),
        returned_units=analytics_returned_units(seller=seller, start=start, end=end),
    )


def analytics_listing_list(*, seller: Seller, start: date, end: date) -> QuerySet[Offer]:
    """The seller's listings with their period's figures, best sellers first.

    Each offer carries ``sales``, ``units``, ``orders``, ``views`` (of its product) and
    ``buy_box_views`` (while this seller held the buy box), as subqueries of one query.
    """
    lines = _sold_lines(seller=seller, start=start, end=end).filter(offer=OuterRef("pk")).values("offer")
    views = (
        _views(seller=seller, start=start, end=end).filter(product=OuterRef("product_id")).values("product")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return (
        Offer.objects.filter(seller=seller)
        .select_related("product")
        .only("id", "sku", "is_active", "product__id", "product__title", "product__slug")
        .annotate(
            sales=Coalesce(
                Subquery(lines.annotate(total=Sum("total_amount")).values("total"), output_field=money),
                ZERO,
                output_field=money,
            ),
            units=Coalesce(Subquery(lines.annotate(total=Sum("quantity")).values("total")), 0),
            orders=Coalesce(
                Subquery(lines.annotate(total=Count("seller_order", distinct=True)).values("total")),
                0,
                output_field=IntegerField(),
            ),
            views=Coalesce(Subquery(views.annotate(total=Sum("views")).values("total")), 0),
            buy_box_views=Coalesce(
                Subquery(views.annotate(total=Sum("views", filter=Q(buy_box_seller=seller))).values("total")),
                0,
            ),
        )
        .order_by("-sales", "-units", "-views", "product__title", "pk")
    )


def listing_rates(offer: Offer) -> None:
    """Set ``conversion`` and ``buy_box_share`` on an offer of ``analytics_listing_list``."""
    offer.conversion = ratio(offer.orders, offer.views)
    offer.buy_box_share = ratio(offer.buy_box_views, offer.views)
