from decimal import Decimal

import pytest

from orders.models import TaxRate
from orders.tax import TableTaxCalculator, TaxCalculator, tax_rate_for, tax_rates_changed, tax_rates_for
from tests.orders.default_tables import load_default_tax_rates

pytestmark = pytest.mark.django_db


class FlatTaxCalculator:
    """A calculator of another kind, selected through settings.TAX_CALCULATOR."""

    def rate_for(self, *, country, region, tax_class):
        return Decimal("0.1000") if tax_class == "standard" else Decimal("0")


@pytest.fixture
def rates():
    # XX is a made-up country: the default rows of the data migration do not touch it.
    TaxRate.objects.create(country="XX", region="", tax_class="standard", rate=Decimal("0.2000"))
    TaxRate.objects.create(country="XX", region="", tax_class="reduced", rate=Decimal("0.0500"))
    TaxRate.objects.create(country="XX", region="NORTH", tax_class="standard", rate=Decimal("0.0825"))


def test_the_region_row_wins_over_the_country_row(rates):
    assert tax_rate_for(country="XX", region="NORTH", tax_class="standard") == Decimal("0.0825")


def test_a_region_without_its_own_row_uses_the_country_row(rates):
    assert tax_rate_for(country="XX", region="SOUTH", tax_class="standard") == Decimal("0.2000")
    assert tax_rate_for(country="XX", region="", tax_class="standard") == Decimal("0.2000")


def test_a_region_row_of_one_class_leaves_the_other_classes_to_the_country(rates):
    assert tax_rate_for(country="XX", region="NORTH", tax_class="reduced") == Decimal("0.0500")


def test_no_row_means_no_tax(rates):
    assert tax_rate_for(country="XX", region="NORTH", tax_class="clothing") == Decimal("0")
    assert tax_rate_for(country="YY", region="", tax_class="standard") == Decimal("0")


def test_country_and_region_are_matched_without_regard_to_case_and_spaces(rates):
    assert tax_rate_for(country="xx", region=" north ", tax_class="standard") == Decimal("0.0825")


def test_several_classes_are_read_with_one_query(rates, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = tax_rates_for(
            country="XX", region="NORTH", tax_classes=["standard", "reduced", "zero", "standard"]
        )

    assert result == {"standard": Decimal("0.0825"), "reduced": Decimal("0.0500"), "zero": Decimal("0")}


def test_rates_are_cached_until_they_change(rates, django_assert_num_queries):
    tax_rate_for(country="XX", region="", tax_class="standard")
    TaxRate.objects.filter(country="XX", region="", tax_class="standard").update(rate=Decimal("0.2100"))

    with django_assert_num_queries(0):
        cached = tax_rate_for(country="XX", region="", tax_class="standard")
    tax_rates_changed(country="XX")
    fresh = tax_rate_for(country="XX", region="", tax_class="standard")

    assert (cached, fresh) == (Decimal("0.2000"), Decimal("0.2100"))


def test_without_a_cache_period_every_lookup_reads_the_table(rates, settings, django_assert_num_queries):
    settings.TAX_RATE_CACHE_SECONDS = 0
    tax_rate_for(country="XX", region="", tax_class="standard")

    with django_assert_num_queries(1):
        tax_rate_for(country="XX", region="", tax_class="standard")


def test_the_configured_calculator_answers(rates, settings):
    settings.TAX_CALCULATOR = "tests.orders.test_tax.FlatTaxCalculator"

    assert isinstance(FlatTaxCalculator(), TaxCalculator)
    assert tax_rate_for(country="XX", region="NORTH", tax_class="standard") == Decimal("0.1000")
    assert tax_rates_for(country="XX", region="", tax_classes=["standard", "reduced"]) == {
        "standard": Decimal("0.1000"),
        "reduced": Decimal("0"),
    }


def test_the_table_calculator_is_the_default():
    assert isinstance(TableTaxCalculator(), TaxCalculator)


@pytest.mark.parametrize(
    ("country", "region", "tax_class", "rate"),
    [
        ("US", "CA", "standard", "0.0725"),
        ("US", "NY", "standard", "0.0400"),
        ("US", "TX", "standard", "0.0625"),
        ("US", "WA", "standard", "0.0650"),
        ("US", "FL", "standard", "0.0600"),
        ("US", "IL", "standard", "0.0625"),
        ("US", "PA", "clothing", "0"),
        ("US", "NJ", "clothing", "0"),
        ("US", "PA", "standard", "0.0600"),
        ("US", "CA", "clothing", "0.0725"),
        ("US", "OR", "standard", "0"),
        ("US", "MT", "standard", "0"),
        ("US", "NH", "standard", "0"),
        ("US", "DE", "standard", "0"),
        ("US", "CA", "zero", "0"),
        ("DE", "", "standard", "0.1900"),
        ("DE", "BY", "reduced", "0.0700"),
        ("FR", "", "reduced", "0.0550"),
        ("IT", "", "standard", "0.2200"),
        ("ES", "", "reduced", "0.0400"),
        ("GB", "", "standard", "0.2000"),
        ("GB", "", "reduced", "0"),
        ("GB", "", "zero", "0"),
        ("CA", "ON", "standard", "0.1300"),
        ("CA", "AB", "standard", "0.0500"),
    ],
)
def test_the_default_rates_of_the_data_migration(country, region, tax_class, rate):
    load_default_tax_rates()

    assert tax_rate_for(country=country, region=region, tax_class=tax_class) == Decimal(rate)
