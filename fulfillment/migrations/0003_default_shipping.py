"""Default shipping zones, methods, rates and US public holidays.

Amounts are USD. Staff change them in the admin; this migration only seeds a
fresh database and removes what it added when reversed.
"""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.db import migrations

EUROPE = ["GB", "IE", "DE", "FR", "ES", "PT", "IT", "NL", "BE", "LU", "AT", "CH", "SE", "DK", "NO", "FI", "PL", "CZ"]
REST_OF_WORLD = ["AU", "NZ", "JP", "KR", "SG", "HK", "IL", "AE"]

ZONES = [
    # name, countries, position
    ("Domestic US", ["US"], 10),
    ("Canada & Mexico", ["CA", "MX"], 20),
    ("Europe", EUROPE, 30),
    ("Rest of world", REST_OF_WORLD, 40),
]

METHODS = [
    # code, name, position
    ("standard", "Standard", 10),
    ("expedited", "Expedited", 20),
    ("same_day", "Same-day", 30),
]

RATES = [
    # zone, method, base, per kg, max grams, transit min, transit max
    ("Domestic US", "standard", "4.99", "0.50", 30_000, 3, 5),
    ("Domestic US", "expedited", "12.99", "1.00", 30_000, 1, 2),
    ("Domestic US", "same_day", "14.99", "1.00", 15_000, 0, 0),
    ("Canada & Mexico", "standard", "12.99", "1.50", 30_000, 5, 8),
    ("Canada & Mexico", "expedited", "29.99", "3.00", 30_000, 2, 4),
    ("Europe", "standard", "19.99", "3.00", 20_000, 7, 12),
    ("Europe", "expedited", "44.99", "6.00", 20_000, 3, 5),
    ("Rest of world", "standard", "24.99", "4.00", 20_000, 10, 20),
    ("Rest of world", "expedited", "54.99", "8.00", 20_000, 4, 7),
]

HOLIDAY_YEARS = range(2025, 2031)


def nth_weekday(year, month, weekday, n):
    """Return the n-th ``weekday`` (0 = Monday) of a month; n = -1 is the last."""
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    return days[n if n < 0 else n - 1]


def observed(day):
    """Move a fixed-date holiday off the weekend, as US federal offices do."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def us_federal_holidays(year):
    return [
        (observed(date(year, 1, 1)), "New Year's Day"),
        (nth_weekday(year, 1, 0, 3), "Martin Luther King Jr. Day"),
        (nth_weekday(year, 2, 0, 3), "Washington's Birthday"),
        (nth_weekday(year, 5, 0, -1), "Memorial Day"),
        (observed(date(year, 6, 19)), "Juneteenth"),
        (observed(date(year, 7, 4)), "Independence Day"),
        (nth_weekday(year, 9, 0, 1), "Labor Day"),
        (nth_weekday(year, 10, 0, 2), "Columbus Day"),
        (observed(date(year, 11, 11)), "Veterans Day"),
        (nth_weekday(year, 11, 3, 4), "Thanksgiving Day"),
        (observed(date(year, 12, 25)), "Christmas Day"),
    ]


def seed(apps, schema_editor):
    ShippingZone = apps.get_model("fulfillment", "ShippingZone")
    ShippingMethod = apps.get_model("fulfillment", "ShippingMethod")
    ShippingRate = apps.get_model("fulfillment", "ShippingRate")
    Holiday = apps.get_model("fulfillment", "Holiday")

    zones = {}
    for name, countries, position in ZONES:
        zones[name], _ = ShippingZone.objects.get_or_create(
            name=name, defaults={"countries": countries, "position": position}
        )
    methods = {}
    for code, name, position in METHODS:
        methods[code], _ = ShippingMethod.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
    for zone, method, base, per_kg, max_grams, transit_min, transit_max in RATES:
        ShippingRate.objects.get_or_create(
            zone=zones[zone],
            method=methods[method],
            defaults={
                "base_amount": Decimal(base),
                "per_kg_amount": Decimal(per_kg),
                "currency": "USD",
                "max_weight_grams": max_grams,
                "transit_days_min": transit_min,
                "transit_days_max": transit_max,
            },
        )
    for year in HOLIDAY_YEARS:
        for day, name in us_federal_holidays(year):
            Holiday.objects.get_or_create(country="US", date=day, defaults={"name": name})


def unseed(apps, schema_editor):
    apps.get_model("fulfillment", "ShippingZone").objects.filter(name__in=[z[0] for z in ZONES]).delete()
    apps.get_model("fulfillment", "ShippingMethod").objects.filter(code__in=[m[0] for m in METHODS]).delete()
    holidays = [(day, name) for year in HOLIDAY_YEARS for day, name in us_federal_holidays(year)]
    Holiday = apps.get_model("fulfillment", "Holiday")
    for day, name in holidays:
        Holiday.objects.filter(country="US", date=day, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0002_shipping_zones_rates_holidays")]

    operations = [migrations.RunPython(seed, unseed)]
