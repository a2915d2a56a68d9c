"""Shipping methods, their prices and the delivery promise.

A seller's items ship from one warehouse (the seller's first active one, or a
marketplace centre when the seller has none). The destination country picks a
zone; each active method with a rate in that zone may serve the parcel:

- the rate applies when the parcel weighs no more than ``max_weight_grams``;
- the amount is ``base_amount + per_kg_amount * ceil(kg)``, to the cent;
- the promise starts on the warehouse's local day, or on the next business day
  when the order comes at or after the cut-off hour or on a weekend or holiday;
  then the slowest item's handling days and the rate's transit days are added,
  in business days;
- same-day delivery also needs a warehouse whose radius reaches the address
  (the address must carry coordinates), items ready to ship today, and an
  order before that warehouse's cut-off on a business day.

What those rules read (the zone's rates, the sellers' warehouses, the
holidays) is loaded once per destination into a ``ShippingContext``: a
checkout with any number of sellers costs the same three queries
(``shipping_context_load``, ``shipping_options_by_seller``).

See docs/decisions/0011-shipping-zones-and-promise.md.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from fulfillment.models import Holiday, ShippingMethod, ShippingRate, Warehouse
from marketplace.accounts.forms import COUNTRY_CHOICES
from marketplace.core.errors import ApplicationError

CENT = Decimal("0.01")
EARTH_RADIUS_KM = 6371.0088
# Holidays are read for this many days after the order: enough for 30 days of
# handling plus the slowest transit, counted in business days.
HOLIDAY_HORIZON_DAYS = 400

# Names for the messages; the address form's list plus a few it does not offer.
COUNTRY_NAMES = dict(COUNTRY_CHOICES) | {
    "AE": "the United Arab Emirates",
    "AR": "Argentina",
    "BR": "Brazil",
    "CN": "China",
    "CZ": "Czechia",
    "FI": "Finland",
    "HK": "Hong Kong",
    "IL": "Israel",
    "IN": "India",
    "KR": "South Korea",
    "LU": "Luxembourg",
    "PT": "Portugal",
    "RU": "Russia",
    "SG": "Singapore",
    "ZA": "South Africa",
}
COUNTRY_NAMES |= {"US": "the United States", "GB": "the United Kingdom", "NL": "the Netherlands"}


@dataclass(frozen=True)
class Destination:
    country: str
    region: str
    postal_code: str
    city: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class ShippableItem:
    offer_id: int
    quantity: int
    weight_grams: int
    handling_days: int
    # The seller's own per-unit shipping charge (Offer.shipping_amount), added
    # to the marketplace's zone rate: the same amount the buy box counts in
    # an offer's landed price.
    surcharge_amount: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class ShippingOption:
    code: str
    name: str
    amount: Decimal
    currency: str
    promised_from: date
    promised_to: date


@dataclass(frozen=True)
class _Verdict:
    """One method's answer for a parcel: an option, or the reason there is none."""

    method: ShippingMethod
    option: ShippingOption | None
    reason: str = ""


@dataclass(frozen=True)
class ShippingContext:
    """Everything pricing parcels to one destination reads, loaded once.

    ``warehouses`` maps each seller the context was loaded for to the
    warehouses it ships from (its own active ones, else the marketplace's);
    ``holidays`` covers the destination's country and every origin's.
    """

    destination: Destination
    now: datetime
    rates: list[ShippingRate]
    warehouses: dict[int, list[Warehouse]]
    holidays: dict[str, set[date]]

    def warehouses_of(self, seller_id: int) -> list[Warehouse]:
        if seller_id not in self.warehouses:
            raise ValueError(f"This shipping context was not loaded for seller {seller_id}.")
        return self.warehouses[seller_id]


def shipping_context_load(
    *, seller_ids: Iterable[int], destination: Destination, now: datetime
) -> ShippingContext:
    """Read the rates, warehouses and holidays for parcels of ``seller_ids`` to ``destination``.

    Three queries whatever the number of sellers; only one when no zone
    serves the destination.
    """
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    seller_ids = set(seller_ids)
    country = destination.country.strip().upper()
    rates = _zone_rates(country=country, region=destination.region)
    if not rates or not seller_ids:
        warehouses = {seller_id: [] for seller_id in seller_ids}
        return ShippingContext(destination, now, rates, warehouses, holidays={})
    warehouses = _shipping_warehouses(seller_ids=seller_ids)
    origins = {_origin(rows).country for rows in warehouses.values()}
    holidays = _holidays(countries=origins | {country}, around=now)
    return ShippingContext(destination, now, rates, warehouses, holidays)


def shipping_options(
    *,
    seller_id: int,
    items: list[ShippableItem],
    destination: Destination,
    now: datetime,
    context: ShippingContext | None = None,
) -> list[ShippingOption]:
    """Return every way the seller can ship ``items`` to ``destination``, cheapest first.

    Raise ApplicationError saying why when no method can serve the address.
    ``context``, from ``shipping_context_load`` with the same destination and
    ``now``, saves reading the rates, warehouses and holidays again.
    """
    verdicts = _verdicts(seller_id=seller_id, items=items, destination=destination, now=now, context=context)
    options = [v.option for v in verdicts if v.option is not None]
    if not options:
        raise ApplicationError(verdicts[0].reason)
    position = {v.option.code: v.method.position for v in verdicts if v.option is not None}
    return sorted(options, key=lambda o: (o.amount, o.promised_to, position[o.code]))


def shipping_options_by_seller(
    *, parcels: dict[int, list[ShippableItem]], destination: Destination, now: datetime
) -> dict[int, list[ShippingOption] | ApplicationError]:
    """Return, per seller id in ``parcels``, its options or the error saying why it has none.

    The same answers as ``shipping_options`` for each seller, read with one
    ``shipping_context_load``: the query count does not grow with sellers.
    """
    if not parcels:
        return {}
    context = shipping_context_load(seller_ids=parcels, destination=destination, now=now)
    answers: dict[int, list[ShippingOption] | ApplicationError] = {}
    for seller_id, items in parcels.items():
        try:
            answers[seller_id] = shipping_options(
                seller_id=seller_id, items=items, destination=destination, now=now, context=context
            )
        except ApplicationError as error:
            answers[seller_id] = error
    return answers


def shipping_quote(
    *,
    seller_id: int,
    items: list[ShippableItem],
    destination: Destination,
    method_code: str,
    now: datetime,
    context: ShippingContext | None = None,
) -> ShippingOption:
    """Return the option of one method; raise ApplicationError if it cannot serve the parcel."""
    verdicts = _verdicts(seller_id=seller_id, items=items, destination=destination, now=now, context=context)
    for verdict in verdicts:
        if verdict.method.code == method_code:
            if verdict.option is None:
                raise ApplicationError(verdict.reason)
            return verdict.option
    if method_code not in ShippingMethod.Code.values:
        raise ApplicationError(f"There is no shipping method called {method_code!r}.")
    label = ShippingMethod.Code(method_code).label
    raise ApplicationError(f"{label} shipping is not available to {country_name(destination.country)}.")


def add_business_days(start: date, days: int, *, holidays: set[date]) -> date:
    """Return the date ``days`` business days after ``start``.

    Saturdays, Sundays and ``holidays`` are not business days. Zero days returns
    ``start`` itself, whatever day it is.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_business_day(day, holidays=holidays):
            days -= 1
    return day


def is_business_day(day: date, *, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_business_day(day: date, *, holidays: set[date]) -> date:
    """Return the first business day after ``day``."""
    return add_business_days(day, 1, holidays=holidays)


def handling_start(*, now: datetime, warehouse: Warehouse, holidays: set[date]) -> date:
    """Return the day the warehouse starts on an order placed at ``now``.

    That is its local day when the order comes before the cut-off hour on a
    business day, else the next business day.
    """
    local = now.astimezone(zoneinfo.ZoneInfo(warehouse.timezone))
    today = local.date()
    if is_business_day(today, holidays=holidays) and local.hour < warehouse.cutoff_hour:
        return today
    return next_business_day(today, holidays=holidays)


def shipping_amount(rate: ShippingRate, *, weight_grams: int) -> Decimal:
    """Return ``base + per_kg * ceil(kg)`` rounded to the cent."""
    kilograms = math.ceil(weight_grams / 1000)
    return (rate.base_amount + rate.per_kg_amount * kilograms).quantize(CENT, rounding=ROUND_HALF_UP)


def distance_km(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> float:
    """Return the great-circle distance between two points, in kilometres."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code.upper(), code.upper())


def _verdicts(
    *,
    seller_id: int,
    items: list[ShippableItem],
    destination: Destination,
    now: datetime,
    context: ShippingContext | None,
) -> list[_Verdict]:
    """Judge every active method of the destination's zone, in the methods' order."""
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    if not items:
        raise ApplicationError("There is nothing to ship.")
    if any(item.quantity < 1 for item in items):
        raise ApplicationError("Each item's quantity must be at least 1.")
    if context is None:
        context = shipping_context_load(seller_ids=[seller_id], destination=destination, now=now)
    elif context.destination != destination or context.now != now:
        raise ValueError("The shipping context was loaded for another destination or time.")
    country = destination.country.strip().upper()
    rates = context.rates
    if not rates:
        raise ApplicationError(f"This seller does not ship to {country_name(country)}.")

    warehouses = context.warehouses_of(seller_id)
    origin = _origin(warehouses)
    holidays = context.holidays
    parcel = _Parcel(
        weight_grams=sum(item.weight_grams * item.quantity for item in items),
        handling_days=max(item.handling_days for item in items),
        surcharge_amount=sum((item.surcharge_amount * item.quantity for item in items), Decimal("0.00")),
    )
    verdicts = []
    for rate in rates:
        if rate.method.code == ShippingMethod.Code.SAME_DAY:
            verdicts.append(_same_day(rate, parcel, warehouses, destination, country, now, holidays))
        else:
            verdicts.append(_judge(rate, parcel, origin, country, now, holidays))
    return verdicts


def _origin(warehouses: list[Warehouse]) -> Warehouse:
    """The warehouse a parcel ships from: the first one, or a default centre when there is none."""
    return warehouses[0] if warehouses else Warehouse()


@dataclass(frozen=True)
class _Parcel:
    weight_grams: int
    handling_days: int
    surcharge_amount: Decimal = Decimal("0.00")


def _judge(
    rate: ShippingRate,
    parcel: _Parcel,
    origin: Warehouse,
    country: str,
    now: datetime,
    holidays: dict[str, set[date]],
) -> _Verdict:
    if parcel.weight_grams > rate.max_weight_grams:
        return _Verdict(
            rate.method,
            None,
            f"Too heavy for {rate.method.name.lower()} shipping to {country_name(country)}: "
            f"{_kilograms(parcel.weight_grams)} kg, the limit is {_kilograms(rate.max_weight_grams)} kg.",
        )
    origin_holidays = holidays.get(origin.country, set())
    transit_holidays = origin_holidays | holidays.get(country, set())
    start = handling_start(now=now, warehouse=origin, holidays=origin_holidays)
    dispatched = add_business_days(start, parcel.handling_days, holidays=origin_holidays)
    option = ShippingOption(
        code=rate.method.code,
        name=rate.method.name,
        amount=shipping_amount(rate, weight_grams=parcel.weight_grams) + parcel.surcharge_amount,
        currency=rate.currency,
        promised_from=add_business_days(dispatched, rate.transit_days_min, holidays=transit_holidays),
        promised_to=add_business_days(dispatched, rate.transit_days_max, holidays=transit_holidays),
    )
    return _Verdict(rate.method, option)


def _same_day(
    rate: ShippingRate,
    parcel: _Parcel,
    warehouses: list[Warehouse],
    destination: Destination,
    country: str,
    now: datetime,
    holidays: dict[str, set[date]],
) -> _Verdict:
    """Serve same-day from the nearest warehouse in range, if it still can today."""
    unavailable = "Same-day delivery is not available for this address."
    if destination.latitude is None or destination.longitude is None:
        return _Verdict(rate.method, None, unavailable)
    in_range = sorted(
        (distance, warehouse)
        for warehouse in warehouses
        if warehouse.country == country
        and warehouse.same_day_radius_km > 0
        and (distance := _distance_to(warehouse, destination)) <= warehouse.same_day_radius_km
    )
    if not in_range:
        return _Verdict(rate.method, None, unavailable)
    if parcel.handling_days > 0:
        return _Verdict(
            rate.method, None, "Same-day delivery is not available: some items need time to prepare."
        )
    for _distance, warehouse in in_range:
        verdict = _judge(rate, parcel, warehouse, country, now, holidays)
        local_today = now.astimezone(zoneinfo.ZoneInfo(warehouse.timezone)).date()
        if verdict.option is None or verdict.option.promised_to == local_today:
            return verdict
    nearest = in_range[0][1]
    return _Verdict(
        rate.method,
        None,
        f"Same-day delivery must be ordered before {_hour(nearest.cutoff_hour)} "
        f"({nearest.timezone.replace('_', ' ')} time) on a business day.",
    )


def _zone_rates(*, country: str, region: str) -> list[ShippingRate]:
    """Return the active rates of the zone serving the address, in method order.

    A zone naming the address's region wins over one naming only its country;
    among equals the lowest position wins.
    """
    region = region.strip().upper()
    rates = list(
        ShippingRate.objects.filter(
            zone__countries__contains=[country], is_active=True, method__is_active=True
        )
        .select_related("zone", "method")
        .order_by("zone__position", "zone__name", "method__position", "method__code")
    )
    zones = []
    for rate in rates:
        zone = rate.zone
        regions = {r.strip().upper() for r in zone.regions}
        if (not regions or region in regions) and zone not in zones:
            zones.append(zone)
    if not zones:
        return []
    best = min(zones, key=lambda z: (not z.regions, z.position, z.name))
    return [rate for rate in rates if rate.zone_id == best.pk]


def _shipping_warehouses(*, seller_ids: set[int]) -> dict[int, list[Warehouse]]:
    """Return per seller its active warehouses, or the marketplace's when it has none."""
    rows = list(
        Warehouse.objects.filter(
            Q(seller_id__in=seller_ids) | Q(seller__isnull=True), is_active=True
        ).order_by("pk")
    )
    marketplace = [w for w in rows if w.seller_id is None]
    own: dict[int, list[Warehouse]] = {}
    for warehouse in rows:
        if warehouse.seller_id is not None:
            own.setdefault(warehouse.seller_id, []).append(warehouse)
    return {seller_id: own.get(seller_id) or marketplace for seller_id in seller_ids}


def _holidays(*, countries: Iterable[str], around: datetime) -> dict[str, set[date]]:
    start = around.date() - timedelta(days=2)
    rows = Holiday.objects.filter(
        country__in=set(countries), date__range=(start, start + timedelta(days=HOLIDAY_HORIZON_DAYS))
    ).values_list("country", "date")
    holidays: dict[str, set[date]] = {}
    for country, day in rows:
        holidays.setdefault(country, set()).add(day)
    return holidays


def _distance_to(warehouse: Warehouse, destination: Destination) -> float:
    return distance_km(warehouse.latitude, warehouse.longitude, destination.latitude, destination.longitude)


def _kilograms(grams: int) -> str:
    """Format grams as kilograms without trailing zeros: 31500 -> "31.5", 30000 -> "30"."""
    text = f"{Decimal(grams) / 1000:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _hour(hour: int) -> str:
    """Format an hour of the day the way people say it: 2 p.m., noon, midnight."""
    if hour == 0:
        return "midnight"
    if hour == 12:
        return "noon"
    return f"{hour % 12} {'a.m.' if hour < 12 else 'p.m.'}"
