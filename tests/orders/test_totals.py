from decimal import Decimal

import pytest

from fulfillment.shipping import Destination
from marketplace.core.errors import ApplicationError
from orders.models import TaxRate
from orders.totals import LineTotals, OrderTotals, SellerTotals, TotalsLine, order_totals
from tests.orders.default_tables import load_default_tax_rates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_tax_rates():
    load_default_tax_rates()


CALIFORNIA = Destination(country="US", region="CA", postal_code="94103")
OREGON = Destination(country="US", region="OR", postal_code="97201")
GERMANY = Destination(country="DE", region="", postal_code="10115")


def line(offer_id, seller_id, price, quantity=1, tax_class="standard", currency=None):
    return TotalsLine(
        offer_id=offer_id,
        seller_id=seller_id,
        unit_price=Decimal(price),
        quantity=quantity,
        tax_class=tax_class,
        currency=currency,
    )


def test_one_line_one_seller_in_california():
    totals = order_totals(
        lines=[line(1, 10, "24.99", 2)], shipping={10: Decimal("5.99")}, destination=CALIFORNIA
    )

    # 49.98 x 7.25% = 3.623550 -> 3.62
    assert totals == OrderTotals(
        currency="USD",
        subtotal=Decimal("49.98"),
        shipping=Decimal("5.99"),
        tax=Decimal("3.62"),
        total=Decimal("59.59"),
        sellers={
            10: SellerTotals(
                seller_id=10,
                subtotal=Decimal("49.98"),
                shipping=Decimal("5.99"),
                tax=Decimal("3.62"),
                total=Decimal("59.59"),
                lines={
                    1: LineTotals(
                        tax_rate=Decimal("0.0725"), tax_amount=Decimal("3.62"), total=Decimal("49.98")
                    )
                },
            )
        },
    )


def test_two_sellers_several_quantities_and_classes_in_germany():
    lines = [
        line(1, 10, "19.99", 3),  # 59.97 x 19% = 11.3943 -> 11.39
        line(2, 10, "12.50", 1, "reduced"),  # 12.50 x 7% = 0.875 -> 0.88 (half up)
        line(3, 20, "249.00", 1),  # 249.00 x 19% = 47.31
        line(4, 20, "3.33", 7, "zero"),  # 23.31 x 0
    ]

    totals = order_totals(
        lines=lines, shipping={10: Decimal("4.90"), 20: Decimal("0.00")}, destination=GERMANY, currency="EUR"
    )

    first, second = totals.sellers[10], totals.sellers[20]
    assert (first.subtotal, first.shipping, first.tax, first.total) == (
        Decimal("72.47"),
        Decimal("4.90"),
        Decimal("12.27"),
        Decimal("89.64"),
    )
    assert (second.subtotal, second.shipping, second.tax, second.total) == (
        Decimal("272.31"),
        Decimal("0.00"),
        Decimal("47.31"),
        Decimal("319.62"),
    )
    assert {offer_id: lt.tax_amount for offer_id, lt in (first.lines | second.lines).items()} == {
        1: Decimal("11.39"),
        2: Decimal("0.88"),
        3: Decimal("47.31"),
        4: Decimal("0.00"),
    }
    assert second.lines[4].tax_rate == Decimal("0")
    assert (totals.currency, totals.subtotal, totals.shipping, totals.tax, totals.total) == (
        "EUR",
        Decimal("344.78"),
        Decimal("4.90"),
        Decimal("59.58"),
        Decimal("409.26"),
    )
    assert list(totals.sellers) == [10, 20]


def test_tax_is_rounded_per_line_half_up():
    TaxRate.objects.create(country="XX", region="", tax_class="standard", rate=Decimal("0.0500"))
    xx = Destination(country="XX", region="", postal_code="1000")

    # 0.10 x 5% = 0.005 -> 0.01 on each line; rounding the sum instead would give 0.02 for 0.015
    totals = order_totals(
        lines=[line(1, 10, "0.10"), line(2, 10, "0.10"), line(3, 10, "0.10")], shipping={}, destination=xx
    )

    assert [lt.tax_amount for lt in totals.sellers[10].lines.values()] == [Decimal("0.01")] * 3
    assert totals.tax == Decimal("0.03")
    assert totals.total == Decimal("0.33")


def test_tax_just_below_half_a_cent_rounds_down():
    TaxRate.objects.create(country="XX", region="", tax_class="standard", rate=Decimal("0.0499"))
    xx = Destination(country="XX", region="", postal_code="1000")

    totals = order_totals(lines=[line(1, 10, "0.10")], shipping={}, destination=xx)

    assert totals.tax == Decimal("0.00")


def test_shipping_is_not_taxed_and_a_state_without_sales_tax_charges_none():
    california = order_totals(
        lines=[line(1, 10, "10.00")], shipping={10: Decimal("100.00")}, destination=CALIFORNIA
    )
    oregon = order_totals(lines=[line(1, 10, "10.00")], shipping={10: Decimal("100.00")}, destination=OREGON)

    assert (california.tax, california.total) == (Decimal("0.73"), Decimal("110.73"))
    assert (oregon.tax, oregon.total) == (Decimal("0.00"), Decimal("110.00"))


def test_clothing_is_exempt_in_pennsylvania_but_not_in_california():
    pennsylvania = Destination(country="US", region="PA", postal_code="19103")
    lines = [line(1, 10, "40.00", 1, "clothing"), line(2, 10, "10.00", 1)]

    pa = order_totals(lines=lines, shipping={}, destination=pennsylvania)
    ca = order_totals(lines=lines, shipping={}, destination=CALIFORNIA)

    assert pa.tax == Decimal("0.60")
    assert ca.tax == Decimal("3.63")  # 2.90 + 0.725 -> 0.73


def test_a_seller_without_a_shipping_entry_ships_for_nothing():
    totals = order_totals(lines=[line(1, 10, "10.00")], shipping={}, destination=OREGON)

    assert totals.sellers[10].shipping == Decimal("0.00")
    assert totals.total == Decimal("10.00")


def test_an_empty_order_adds_up_to_zero(django_assert_num_queries):
    with django_assert_num_queries(0):
        totals = order_totals(lines=[], shipping={}, destination=CALIFORNIA)

    assert (totals.subtotal, totals.shipping, totals.tax, totals.total, totals.sellers) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        {},
    )


def test_the_rates_are_read_once_for_many_lines(django_assert_num_queries):
    lines = [line(i, i % 3, "9.99", 2, ["standard", "reduced", "clothing"][i % 3]) for i in range(1, 31)]

    with django_assert_num_queries(1):
        totals = order_totals(lines=lines, shipping={}, destination=CALIFORNIA)

    assert totals.subtotal == Decimal("599.40")
    assert totals.tax == Decimal("43.50")  # 30 x (19.98 x 7.25% = 1.44855 -> 1.45)


def test_mixed_currencies_are_refused():
    with pytest.raises(ApplicationError) as error:
        order_totals(
            lines=[line(1, 10, "10.00", currency="USD"), line(2, 20, "10.00", currency="EUR")],
            shipping={},
            destination=CALIFORNIA,
        )

    assert error.value.message == "All items in an order must be priced in USD; offer 2 is priced in EUR."


@pytest.mark.parametrize(
    ("lines", "shipping", "message"),
    [
        ([line(1, 10, "10.00", 0)], {}, "The quantity of offer 1 must be at least 1."),
        ([line(1, 10, "10.00"), line(1, 10, "10.00")], {}, "Offer 1 appears twice in the order."),
        ([line(1, 10, "10.00")], {10: Decimal("-1.00")}, "A shipping charge cannot be negative."),
    ],
)
def test_impossible_orders_are_refused(lines, shipping, message):
    with pytest.raises(ApplicationError) as error:
        order_totals(lines=lines, shipping=shipping, destination=CALIFORNIA)

    assert error.value.message == message


def test_float_amounts_are_refused():
    with pytest.raises(TypeError):
        order_totals(
            lines=[TotalsLine(offer_id=1, seller_id=10, unit_price=9.99, quantity=1, tax_class="standard")],
            shipping={},
            destination=CALIFORNIA,
        )
    with pytest.raises(TypeError):
        order_totals(lines=[line(1, 10, "9.99")], shipping={10: 4.5}, destination=CALIFORNIA)
