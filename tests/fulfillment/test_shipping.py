"""Shipping prices by zone and weight, and the delivery promise.

The rates are the defaults seeded by fulfillment/migrations/0003_default_shipping.
Dates are in late 2026: Tuesday 1 December, Christmas on Friday 25 December,
New Year's Day on Friday 1 January 2027 (US federal holidays, also seeded).
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from fulfillment.models import Holiday, ShippingMethod, ShippingRate, ShippingZone
from fulfillment.shipping import (
    Destination,
    ShippableItem,
    ShippingOption,
    add_business_days,
    shipping_context_load,
    shipping_options,
    shipping_options_by_seller,
    shipping_quote,
)
from marketplace.core.errors import ApplicationError
from tests.fulfillment.factories import WarehouseFactory
from tests.sellers.factories import SellerFactory

NEW_YORK = ZoneInfo("America/New_York")
NYC = {"latitude": Decimal("40.712800"), "longitude": Decimal("-74.006000")}
BROOKLYN = Destination(
    country="US",
    region="NY",
    postal_code="11217",
    city="Brooklyn",
    latitude=Decimal("40.678200"),
    longitude=Decimal("-73.944200"),
)
PHILADELPHIA = Destination(
    country="US",
    region="PA",
    postal_code="19103",
    city="Philadelphia",
    latitude=Decimal("39.952600"),
    longitude=Decimal("-75.165200"),
)
CHICAGO = Destination(country="US", region="IL", postal_code="60601", city="Chicago")
TUESDAY_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=NEW_YORK)


def item(*, grams=1000, quantity=1, handling_days=0, offer_id=1):
    return ShippableItem(
        offer_id=offer_id, quantity=quantity, weight_grams=grams, handling_days=handling_days
    )


def by_code(options):
    return {option.code: option for option in options}


@pytest.fixture
def seller(db):
    seller = SellerFactory()
    WarehouseFactory(
        seller=seller, city="New York", region="NY", timezone="America/New_York", cutoff_hour=14, **NYC
    )
    return seller


@pytest.fixture
def same_day_seller(db):
    seller = SellerFactory()
    WarehouseFactory(
        seller=seller,
        city="New York",
        region="NY",
        timezone="America/New_York",
        cutoff_hour=14,
        same_day_radius_km=30,
        **NYC,
    )
    return seller


# add_business_days


def test_add_business_days_skips_the_weekend():
    # Friday + 1 business day is Monday
    assert add_business_days(date(2026, 12, 4), 1, holidays=set()) == date(2026, 12, 7)
    assert add_business_days(date(2026, 12, 4), 6, holidays=set()) == date(2026, 12, 14)


def test_add_business_days_skips_holidays():
    holidays = {date(2026, 12, 25), date(2027, 1, 1)}
    # Thursday 24 December + 1 is Monday 28; + 5 crosses New Year's Day
    assert add_business_days(date(2026, 12, 24), 1, holidays=holidays) == date(2026, 12, 28)
    assert add_business_days(date(2026, 12, 24), 5, holidays=holidays) == date(2027, 1, 4)


def test_add_business_days_from_a_weekend_and_zero_days():
    # Saturday + 1 is Monday; zero days is the start itself
    assert add_business_days(date(2026, 12, 5), 1, holidays=set()) == date(2026, 12, 7)
    assert add_business_days(date(2026, 12, 5), 0, holidays=set()) == date(2026, 12, 5)


def test_add_business_days_refuses_negative_days():
    with pytest.raises(ValueError):
        add_business_days(date(2026, 12, 1), -1, holidays=set())


# Amounts


def test_domestic_options_with_amounts_and_promises(seller):
    # given 2 x 600 g (1.2 kg, billed as 2 kg), 2 handling days, ordered Tuesday 10 a.m.
    items = [item(grams=600, quantity=2, handling_days=2)]

    # when
    options = shipping_options(seller_id=seller.pk, items=items, destination=CHICAGO, now=TUESDAY_10AM)

    # then handling ends Thursday 3 December
    assert options == [
        ShippingOption(
            code="standard",
            name="Standard",
            amount=Decimal("5.99"),
            currency="USD",
            promised_from=date(2026, 12, 8),
            promised_to=date(2026, 12, 10),
        ),
        ShippingOption(
            code="expedited",
            name="Expedited",
            amount=Decimal("14.99"),
            currency="USD",
            promised_from=date(2026, 12, 4),
            promised_to=date(2026, 12, 7),
        ),
    ]


@pytest.mark.parametrize(
    ("grams", "standard", "expedited"),
    [
        (0, "4.99", "12.99"),
        (1, "5.49", "13.99"),
        (1000, "5.49", "13.99"),
        (1001, "5.99", "14.99"),
        (29_999, "19.99", "42.99"),
        (30_000, "19.99", "42.99"),
    ],
)
def test_domestic_amount_charges_every_started_kilogram(seller, grams, standard, expedited):
    options = by_code(
        shipping_options(
            seller_id=seller.pk, items=[item(grams=grams)], destination=CHICAGO, now=TUESDAY_10AM
        )
    )
    assert (options["standard"].amount, options["expedited"].amount) == (
        Decimal(standard),
        Decimal(expedited),
    )


def test_weight_is_the_sum_of_weight_times_quantity(seller):
    # 3 x 700 g + 2 x 450 g = 3000 g = 3 kg exactly
    items = [item(grams=700, quantity=3, offer_id=1), item(grams=450, quantity=2, offer_id=2)]
    options = by_code(
        shipping_options(seller_id=seller.pk, items=items, destination=CHICAGO, now=TUESDAY_10AM)
    )
    assert options["standard"].amount == Decimal("6.49")


def test_the_sellers_own_shipping_charge_is_added_per_unit_to_every_method(seller):
    # 3 x 700 g + 2 x 450 g = 3 kg: standard $6.49, expedited $15.99 before the charges
    items = [
        ShippableItem(
            offer_id=1, quantity=3, weight_grams=700, handling_days=0, surcharge_amount=Decimal("1.50")
        ),
        ShippableItem(offer_id=2, quantity=2, weight_grams=450, handling_days=0),
    ]
    options = by_code(
        shipping_options(seller_id=seller.pk, items=items, destination=CHICAGO, now=TUESDAY_10AM)
    )
    assert options["standard"].amount == Decimal("10.99")
    assert options["expedited"].amount == Decimal("20.49")


@pytest.mark.parametrize(
    ("country", "standard", "expedited"),
    [
        # 2.5 kg is billed as 3 kg
        ("US", "6.49", "15.99"),
        ("CA", "17.49", "38.99"),
        ("MX", "17.49", "38.99"),
        ("DE", "28.99", "62.99"),
        ("GB", "28.99", "62.99"),
        ("JP", "36.99", "78.99"),
        ("au", "36.99", "78.99"),
    ],
)
def test_amount_per_zone(seller, country, standard, expedited):
    destination = Destination(country=country, region="", postal_code="12345")
    options = by_code(
        shipping_options(
            seller_id=seller.pk, items=[item(grams=2500)], destination=destination, now=TUESDAY_10AM
        )
    )
    assert {code: option.amount for code, option in options.items()} == {
        "standard": Decimal(standard),
        "expedited": Decimal(expedited),
    }


def test_amount_is_rounded_to_the_cent(seller):
    ShippingRate.objects.filter(zone__name="Domestic US", method__code="standard").update(
        base_amount=Decimal("1.00"), per_kg_amount=Decimal("0.35")
    )
    options = by_code(
        shipping_options(seller_id=seller.pk, items=[item(grams=2100)], destination=CHICAGO, now=TUESDAY_10AM)
    )
    assert options["standard"].amount == Decimal("2.05")
    assert str(options["standard"].amount) == "2.05"


# Refusals


def test_over_the_maximum_weight_is_refused(seller):
    with pytest.raises(ApplicationError) as error:
        shipping_options(
            seller_id=seller.pk, items=[item(grams=30_001)], destination=CHICAGO, now=TUESDAY_10AM
        )
    assert (
        error.value.message
        == "Too heavy for standard shipping to the United States: 30.001 kg, the limit is 30 kg."
    )


def test_weight_limit_depends_on_the_zone(seller):
    # 25 kg goes within the US but is over Europe's 20 kg limit
    items = [item(grams=12_500, quantity=2)]
    assert len(shipping_options(seller_id=seller.pk, items=items, destination=CHICAGO, now=TUESDAY_10AM)) == 2
    germany = Destination(country="DE", region="", postal_code="10115", city="Berlin")
    with pytest.raises(ApplicationError) as error:
        shipping_options(seller_id=seller.pk, items=items, destination=germany, now=TUESDAY_10AM)
    assert error.value.message == "Too heavy for standard shipping to Germany: 25 kg, the limit is 20 kg."


def test_a_country_without_a_zone_is_refused(seller):
    brazil = Destination(country="BR", region="SP", postal_code="01000-000", city="São Paulo")
    with pytest.raises(ApplicationError) as error:
        shipping_options(seller_id=seller.pk, items=[item()], destination=brazil, now=TUESDAY_10AM)
    assert error.value.message == "This seller does not ship to Brazil."


def test_inactive_methods_and_rates_are_not_offered(seller):
    ShippingMethod.objects.filter(code="expedited").update(is_active=False)
    options = shipping_options(seller_id=seller.pk, items=[item()], destination=CHICAGO, now=TUESDAY_10AM)
    assert [o.code for o in options] == ["standard"]

    ShippingRate.objects.filter(zone__name="Domestic US").update(is_active=False)
    with pytest.raises(ApplicationError) as error:
        shipping_options(seller_id=seller.pk, items=[item()], destination=CHICAGO, now=TUESDAY_10AM)
    assert error.value.message == "This seller does not ship to the United States."


def test_nothing_to_ship_and_bad_quantities_are_refused(seller):
    with pytest.raises(ApplicationError) as error:
        shipping_options(seller_id=seller.pk, items=[], destination=CHICAGO, now=TUESDAY_10AM)
    assert error.value.message == "There is nothing to ship."
    with pytest.raises(ApplicationError) as error:
        shipping_options(seller_id=seller.pk, items=[item(quantity=0)], destination=CHICAGO, now=TUESDAY_10AM)
    assert error.value.message == "Each item's quantity must be at least 1."


def test_a_naive_now_is_a_programming_error(seller):
    with pytest.raises(ValueError):
        shipping_options(
            seller_id=seller.pk, items=[item()], destination=CHICAGO, now=datetime(2026, 12, 1, 10, 0)
        )


# Promise


def test_promise_across_a_weekend(seller):
    # ordered Thursday 3 December 10 a.m., one handling day: dispatched Friday
    now = datetime(2026, 12, 3, 10, 0, tzinfo=NEW_YORK)
    options = by_code(
        shipping_options(seller_id=seller.pk, items=[item(handling_days=1)], destination=CHICAGO, now=now)
    )
    assert (options["expedited"].promised_from, options["expedited"].promised_to) == (
        date(2026, 12, 7),
        date(2026, 12, 8),
    )
    assert (options["standard"].promised_from, options["standard"].promised_to) == (
        date(2026, 12, 9),
        date(2026, 12, 11),
    )


def test_an_order_on_a_saturday_is_handled_from_monday(seller):
    now = datetime(2026, 12, 5, 9, 0, tzinfo=NEW_YORK)
    option = shipping_quote(
        seller_id=seller.pk, items=[item()], destination=CHICAGO, method_code="expedited", now=now
    )
    assert (option.promised_from, option.promised_to) == (date(2026, 12, 8), date(2026, 12, 9))


def test_promise_across_holidays(seller):
    # ordered Wednesday 23 December, dispatched the same day; Christmas and
    # New Year's Day (both Fridays) are not business days
    now = datetime(2026, 12, 23, 10, 0, tzinfo=NEW_YORK)
    options = by_code(shipping_options(seller_id=seller.pk, items=[item()], destination=CHICAGO, now=now))
    assert (options["expedited"].promised_from, options["expedited"].promised_to) == (
        date(2026, 12, 24),
        date(2026, 12, 28),
    )
    assert (options["standard"].promised_from, options["standard"].promised_to) == (
        date(2026, 12, 29),
        date(2026, 12, 31),
    )


def test_an_order_on_a_holiday_is_handled_from_the_next_business_day(seller):
    # Christmas morning: handling starts Monday 28 December
    now = datetime(2026, 12, 25, 9, 0, tzinfo=NEW_YORK)
    option = shipping_quote(
        seller_id=seller.pk, items=[item()], destination=CHICAGO, method_code="expedited", now=now
    )
    assert (option.promised_from, option.promised_to) == (date(2026, 12, 29), date(2026, 12, 30))


def test_before_and_after_the_cut_off_in_the_warehouse_time_zone(seller):
    # 18:59 UTC is 13:59 in New York in December (UTC-5); 19:00 UTC is 14:00
    before = datetime(2026, 12, 1, 18, 59, tzinfo=UTC)
    after = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)

    early = shipping_quote(
        seller_id=seller.pk, items=[item()], destination=CHICAGO, method_code="expedited", now=before
    )
    late = shipping_quote(
        seller_id=seller.pk, items=[item()], destination=CHICAGO, method_code="expedited", now=after
    )

    assert (early.promised_from, early.promised_to) == (date(2026, 12, 2), date(2026, 12, 3))
    assert (late.promised_from, late.promised_to) == (date(2026, 12, 3), date(2026, 12, 4))


def test_the_local_day_counts_not_the_utc_day(seller):
    # 03:00 UTC on Wednesday is still Tuesday 10 p.m. in New York: after the
    # cut-off, so handling starts Wednesday
    now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    option = shipping_quote(
        seller_id=seller.pk, items=[item()], destination=CHICAGO, method_code="expedited", now=now
    )
    assert (option.promised_from, option.promised_to) == (date(2026, 12, 3), date(2026, 12, 4))


def test_the_slowest_item_sets_the_handling_time(seller):
    items = [item(handling_days=0, offer_id=1), item(handling_days=3, offer_id=2)]
    option = shipping_quote(
        seller_id=seller.pk, items=items, destination=CHICAGO, method_code="expedited", now=TUESDAY_10AM
    )
    # dispatched Friday 4 December
    assert (option.promised_from, option.promised_to) == (date(2026, 12, 7), date(2026, 12, 8))


def test_a_seller_without_a_warehouse_ships_from_a_marketplace_centre(db):
    # given a marketplace centre on the west coast and a seller with no warehouse
    seller = SellerFactory()
    WarehouseFactory(seller=None, timezone="America/Los_Angeles", cutoff_hour=14)
    WarehouseFactory(seller=SellerFactory(), timezone="Pacific/Honolulu", cutoff_hour=23)
    # when ordering at 2:30 p.m. in New York, 11:30 a.m. in Los Angeles
    now = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)
    option = shipping_quote(
        seller_id=seller.pk, items=[item()], destination=CHICAGO, method_code="expedited", now=now
    )
    # then the centre still handles it today
    assert (option.promised_from, option.promised_to) == (date(2026, 12, 2), date(2026, 12, 3))


def test_the_sellers_first_active_warehouse_is_the_origin(db):
    seller = SellerFactory()
    WarehouseFactory(seller=seller, timezone="America/New_York", is_active=False)
    WarehouseFactory(seller=seller, timezone="America/Los_Angeles")
    WarehouseFactory(seller=seller, timezone="America/New_York")
    now = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)
    option = shipping_quote(
        seller_id=seller.pk, items=[item()], destination=CHICAGO, method_code="expedited", now=now
    )
    assert option.promised_from == date(2026, 12, 2)


# Same-day


def test_same_day_is_offered_within_the_radius_before_the_cut_off(same_day_seller):
    options = shipping_options(
        seller_id=same_day_seller.pk, items=[item()], destination=BROOKLYN, now=TUESDAY_10AM
    )
    assert [o.code for o in options] == ["standard", "expedited", "same_day"]
    assert options[2] == ShippingOption(
        code="same_day",
        name="Same-day",
        amount=Decimal("15.99"),
        currency="USD",
        promised_from=date(2026, 12, 1),
        promised_to=date(2026, 12, 1),
    )


def test_same_day_is_not_offered_outside_the_radius(same_day_seller):
    options = shipping_options(
        seller_id=same_day_seller.pk, items=[item()], destination=PHILADELPHIA, now=TUESDAY_10AM
    )
    assert [o.code for o in options] == ["standard", "expedited"]
    with pytest.raises(ApplicationError) as error:
        shipping_quote(
            seller_id=same_day_seller.pk,
            items=[item()],
            destination=PHILADELPHIA,
            method_code="same_day",
            now=TUESDAY_10AM,
        )
    assert error.value.message == "Same-day delivery is not available for this address."


def test_same_day_is_not_offered_after_the_cut_off(same_day_seller):
    now = datetime(2026, 12, 1, 14, 0, tzinfo=NEW_YORK)
    options = shipping_options(seller_id=same_day_seller.pk, items=[item()], destination=BROOKLYN, now=now)
    assert [o.code for o in options] == ["standard", "expedited"]
    with pytest.raises(ApplicationError) as error:
        shipping_quote(
            seller_id=same_day_seller.pk,
            items=[item()],
            destination=BROOKLYN,
            method_code="same_day",
            now=now,
        )
    assert error.value.message == (
        "Same-day delivery must be ordered before 2 p.m. (America/New York time) on a business day."
    )


def test_same_day_is_not_offered_on_a_weekend(same_day_seller):
    now = datetime(2026, 12, 5, 9, 0, tzinfo=NEW_YORK)
    options = shipping_options(seller_id=same_day_seller.pk, items=[item()], destination=BROOKLYN, now=now)
    assert [o.code for o in options] == ["standard", "expedited"]


def test_same_day_needs_the_address_location(same_day_seller):
    no_location = Destination(country="US", region="NY", postal_code="11217", city="Brooklyn")
    options = shipping_options(
        seller_id=same_day_seller.pk, items=[item()], destination=no_location, now=TUESDAY_10AM
    )
    assert [o.code for o in options] == ["standard", "expedited"]


def test_same_day_needs_items_ready_today(same_day_seller):
    with pytest.raises(ApplicationError) as error:
        shipping_quote(
            seller_id=same_day_seller.pk,
            items=[item(handling_days=1)],
            destination=BROOKLYN,
            method_code="same_day",
            now=TUESDAY_10AM,
        )
    assert error.value.message == "Same-day delivery is not available: some items need time to prepare."


def test_same_day_is_not_offered_when_the_warehouse_radius_is_zero(seller):
    options = shipping_options(seller_id=seller.pk, items=[item()], destination=BROOKLYN, now=TUESDAY_10AM)
    assert [o.code for o in options] == ["standard", "expedited"]


def test_same_day_uses_another_warehouse_of_the_seller_in_range(db):
    # given the seller's first warehouse is in Los Angeles and a second one in New York
    seller = SellerFactory()
    WarehouseFactory(
        seller=seller,
        timezone="America/Los_Angeles",
        latitude=Decimal("34.052200"),
        longitude=Decimal("-118.243700"),
        same_day_radius_km=50,
    )
    WarehouseFactory(seller=seller, timezone="America/New_York", same_day_radius_km=30, **NYC)
    option = shipping_quote(
        seller_id=seller.pk, items=[item()], destination=BROOKLYN, method_code="same_day", now=TUESDAY_10AM
    )
    assert (option.promised_from, option.promised_to) == (date(2026, 12, 1), date(2026, 12, 1))


# Ordering and quotes


def test_options_are_cheapest_first(seller):
    ShippingRate.objects.filter(zone__name="Domestic US", method__code="expedited").update(
        base_amount=Decimal("2.00"), per_kg_amount=Decimal("0.00")
    )
    options = shipping_options(seller_id=seller.pk, items=[item()], destination=CHICAGO, now=TUESDAY_10AM)
    assert [(o.code, o.amount) for o in options] == [
        ("expedited", Decimal("2.00")),
        ("standard", Decimal("5.49")),
    ]


def test_shipping_quote_returns_the_same_option_as_the_list(seller):
    options = by_code(
        shipping_options(seller_id=seller.pk, items=[item()], destination=CHICAGO, now=TUESDAY_10AM)
    )
    for code in ["standard", "expedited"]:
        quote = shipping_quote(
            seller_id=seller.pk, items=[item()], destination=CHICAGO, method_code=code, now=TUESDAY_10AM
        )
        assert quote == options[code]


def test_a_region_zone_wins_over_the_country_zone(seller):
    # given Alaska and Hawaii priced apart, standard only
    zone = ShippingZone.objects.create(
        name="Alaska & Hawaii", countries=["US"], regions=["AK", "HI"], position=5
    )
    ShippingRate.objects.create(
        zone=zone,
        method=ShippingMethod.objects.get(code="standard"),
        base_amount=Decimal("9.99"),
        per_kg_amount=Decimal("2.00"),
        max_weight_grams=20_000,
        transit_days_min=5,
        transit_days_max=9,
    )
    anchorage = Destination(country="US", region="ak", postal_code="99501", city="Anchorage")

    options = shipping_options(seller_id=seller.pk, items=[item()], destination=anchorage, now=TUESDAY_10AM)

    assert [(o.code, o.amount) for o in options] == [("standard", Decimal("11.99"))]
    assert by_code(
        shipping_options(seller_id=seller.pk, items=[item()], destination=CHICAGO, now=TUESDAY_10AM)
    )["standard"].amount == Decimal("5.49")
    with pytest.raises(ApplicationError) as error:
        shipping_quote(
            seller_id=seller.pk,
            items=[item()],
            destination=anchorage,
            method_code="expedited",
            now=TUESDAY_10AM,
        )
    assert error.value.message == "Expedited shipping is not available to the United States."


def test_shipping_quote_for_an_unavailable_method_raises(seller):
    canada = Destination(country="CA", region="ON", postal_code="M5V 2T6", city="Toronto")
    with pytest.raises(ApplicationError) as error:
        shipping_quote(
            seller_id=seller.pk, items=[item()], destination=canada, method_code="same_day", now=TUESDAY_10AM
        )
    assert error.value.message == "Same-day shipping is not available to Canada."

    with pytest.raises(ApplicationError) as error:
        shipping_quote(
            seller_id=seller.pk, items=[item()], destination=canada, method_code="drone", now=TUESDAY_10AM
        )
    assert error.value.message == "There is no shipping method called 'drone'."


def test_shipping_quote_for_a_too_heavy_parcel_raises(same_day_seller):
    with pytest.raises(ApplicationError) as error:
        shipping_quote(
            seller_id=same_day_seller.pk,
            items=[item(grams=16_000)],
            destination=BROOKLYN,
            method_code="same_day",
            now=TUESDAY_10AM,
        )
    assert (
        error.value.message
        == "Too heavy for same-day shipping to the United States: 16 kg, the limit is 15 kg."
    )


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_items(same_day_seller, django_assert_num_queries, count):
    items = [item(offer_id=i, grams=100) for i in range(count)]
    # rates with zones and methods, warehouses, holidays
    with django_assert_num_queries(3):
        options = shipping_options(
            seller_id=same_day_seller.pk, items=items, destination=BROOKLYN, now=TUESDAY_10AM
        )
    assert len(options) == 3


# Many sellers at once: one context per destination


def sellers_in_new_york(count, **warehouse):
    sellers = [SellerFactory() for _ in range(count)]
    for seller in sellers:
        WarehouseFactory(
            seller=seller, city="New York", region="NY", timezone="America/New_York", **NYC, **warehouse
        )
    return sellers


@pytest.mark.parametrize("count", [1, 5])
def test_options_for_many_sellers_cost_the_same_queries_as_for_one(db, django_assert_num_queries, count):
    sellers = sellers_in_new_york(count, same_day_radius_km=30)
    parcels = {seller.pk: [item(offer_id=seller.pk, grams=100)] for seller in sellers}

    # rates with zones and methods, every seller's warehouses, holidays
    with django_assert_num_queries(3):
        answers = shipping_options_by_seller(parcels=parcels, destination=BROOKLYN, now=TUESDAY_10AM)

    assert list(answers) == [seller.pk for seller in sellers]
    assert {seller_id: [o.code for o in options] for seller_id, options in answers.items()} == {
        seller.pk: ["standard", "expedited", "same_day"] for seller in sellers
    }


def test_options_by_seller_are_the_options_of_each_seller_alone(db):
    # given a seller in New York, one without a warehouse (a marketplace centre in Los
    # Angeles serves it), and one in Toronto whose country has a holiday on Wednesday
    new_york = sellers_in_new_york(1, same_day_radius_km=30)[0]
    homeless = SellerFactory()
    WarehouseFactory(seller=None, timezone="America/Los_Angeles", cutoff_hour=14)
    toronto = SellerFactory()
    WarehouseFactory(seller=toronto, country="CA", region="ON", timezone="America/Toronto", cutoff_hour=14)
    Holiday.objects.create(country="CA", date=date(2026, 12, 2), name="A Canadian holiday")
    parcels = {
        new_york.pk: [item(offer_id=1)],
        homeless.pk: [item(offer_id=2, handling_days=1)],
        toronto.pk: [item(offer_id=3, handling_days=1)],
    }
    now = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)  # 2:30 p.m. in New York and Toronto

    answers = shipping_options_by_seller(parcels=parcels, destination=BROOKLYN, now=now)

    assert answers == {
        seller_id: shipping_options(seller_id=seller_id, items=items, destination=BROOKLYN, now=now)
        for seller_id, items in parcels.items()
    }
    # Los Angeles is before its cut-off: handled Tuesday, dispatched Wednesday; Toronto is
    # after it and Wednesday is its holiday: handled Thursday, dispatched Friday
    assert by_code(answers[homeless.pk])["expedited"].promised_from == date(2026, 12, 3)
    assert by_code(answers[toronto.pk])["expedited"].promised_from == date(2026, 12, 7)


def test_options_by_seller_give_each_seller_its_own_refusal(db):
    light, heavy = sellers_in_new_york(2)
    parcels = {light.pk: [item()], heavy.pk: [item(grams=30_001)], 999_999: []}

    answers = shipping_options_by_seller(parcels=parcels, destination=CHICAGO, now=TUESDAY_10AM)

    assert [o.code for o in answers[light.pk]] == ["standard", "expedited"]
    assert isinstance(answers[heavy.pk], ApplicationError)
    assert answers[heavy.pk].message == (
        "Too heavy for standard shipping to the United States: 30.001 kg, the limit is 30 kg."
    )
    assert answers[999_999].message == "There is nothing to ship."


def test_options_by_seller_to_a_country_without_a_zone_read_the_rates_only(db, django_assert_num_queries):
    sellers = sellers_in_new_york(3)
    brazil = Destination(country="BR", region="SP", postal_code="01000-000", city="São Paulo")

    with django_assert_num_queries(1):
        answers = shipping_options_by_seller(
            parcels={seller.pk: [item()] for seller in sellers}, destination=brazil, now=TUESDAY_10AM
        )

    assert {seller_id: error.message for seller_id, error in answers.items()} == {
        seller.pk: "This seller does not ship to Brazil." for seller in sellers
    }


def test_options_by_seller_for_no_parcels_read_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert shipping_options_by_seller(parcels={}, destination=CHICAGO, now=TUESDAY_10AM) == {}


def test_a_loaded_context_prices_options_and_quotes_without_queries(db, django_assert_num_queries):
    first, second = sellers_in_new_york(2, same_day_radius_km=30)
    context = shipping_context_load(seller_ids=[first.pk, second.pk], destination=BROOKLYN, now=TUESDAY_10AM)

    with django_assert_num_queries(0):
        options = shipping_options(
            seller_id=first.pk, items=[item()], destination=BROOKLYN, now=TUESDAY_10AM, context=context
        )
        quote = shipping_quote(
            seller_id=second.pk,
            items=[item()],
            destination=BROOKLYN,
            method_code="same_day",
            now=TUESDAY_10AM,
            context=context,
        )

    assert options == shipping_options(
        seller_id=first.pk, items=[item()], destination=BROOKLYN, now=TUESDAY_10AM
    )
    assert quote == by_code(options)["same_day"]


def test_a_context_serves_only_the_sellers_destination_and_time_it_was_loaded_for(seller):
    context = shipping_context_load(seller_ids=[seller.pk], destination=CHICAGO, now=TUESDAY_10AM)
    other = SellerFactory()

    with pytest.raises(ValueError, match=f"not loaded for seller {other.pk}"):
        shipping_options(
            seller_id=other.pk, items=[item()], destination=CHICAGO, now=TUESDAY_10AM, context=context
        )
    with pytest.raises(ValueError, match="another destination or time"):
        shipping_options(
            seller_id=seller.pk, items=[item()], destination=BROOKLYN, now=TUESDAY_10AM, context=context
        )
    with pytest.raises(ValueError, match="another destination or time"):
        shipping_quote(
            seller_id=seller.pk,
            items=[item()],
            destination=CHICAGO,
            method_code="standard",
            now=datetime(2026, 12, 2, 10, 0, tzinfo=NEW_YORK),
            context=context,
        )
