"""Demo default tax rates: not tax advice (see docs/decisions/0013-tax-interface-and-order-totals.md).

US: state-level sales tax only (no county or city taxes); states without a
sales tax (AK, DE, MT, NH, OR) have no row, so their rate is 0. EU and other
countries: VAT/GST standard and one reduced rate (books, food). Every
destination with rows also gets an explicit 0 for the "zero" class.
"""

from decimal import Decimal

from django.db import migrations

STANDARD, REDUCED, CLOTHING, ZERO = "standard", "reduced", "clothing", "zero"

# (region, name, standard, reduced, clothing); None means "same as standard".
# Rates are fractions with four decimal places (the column's precision), so
# New Jersey's 6.625% is stored rounded to 6.63%.
US_STATES = [
    ("AL", "Alabama", "0.0400", None, None),
    ("AZ", "Arizona", "0.0560", None, None),
    ("CA", "California", "0.0725", None, None),
    ("CO", "Colorado", "0.0290", None, None),
    ("CT", "Connecticut", "0.0635", None, None),
    ("FL", "Florida", "0.0600", None, None),
    ("GA", "Georgia", "0.0400", None, None),
    ("IL", "Illinois", "0.0625", "0.0100", None),
    ("IN", "Indiana", "0.0700", None, None),
    ("MA", "Massachusetts", "0.0625", None, None),
    ("MI", "Michigan", "0.0600", None, None),
    ("MN", "Minnesota", "0.0688", None, "0.0000"),
    ("NC", "North Carolina", "0.0475", None, None),
    ("NJ", "New Jersey", "0.0663", None, "0.0000"),
    ("NV", "Nevada", "0.0685", None, None),
    ("NY", "New York", "0.0400", None, None),
    ("OH", "Ohio", "0.0575", None, None),
    ("PA", "Pennsylvania", "0.0600", None, "0.0000"),
    ("TN", "Tennessee", "0.0700", None, None),
    ("TX", "Texas", "0.0625", None, None),
    ("VA", "Virginia", "0.0530", None, None),
    ("WA", "Washington", "0.0650", None, None),
]

# (country, name, standard, reduced, clothing): the whole country (region "").
COUNTRIES = [
    ("AT", "Austria VAT", "0.2000", "0.1000", None),
    ("AU", "Australia GST", "0.1000", None, None),
    ("BE", "Belgium VAT", "0.2100", "0.0600", None),
    ("CA", "Canada GST", "0.0500", None, None),
    ("CH", "Switzerland VAT", "0.0810", "0.0260", None),
    ("DE", "Germany VAT", "0.1900", "0.0700", None),
    ("DK", "Denmark VAT", "0.2500", None, None),
    ("ES", "Spain VAT", "0.2100", "0.0400", None),
    ("FR", "France VAT", "0.2000", "0.0550", None),
    ("GB", "UK VAT", "0.2000", "0.0000", None),
    ("IE", "Ireland VAT", "0.2300", "0.0000", None),
    ("IT", "Italy VAT", "0.2200", "0.0400", None),
    ("JP", "Japan consumption tax", "0.1000", "0.0800", None),
    ("NL", "Netherlands VAT", "0.2100", "0.0900", None),
    ("NO", "Norway VAT", "0.2500", "0.0000", None),
    ("NZ", "New Zealand GST", "0.1500", None, None),
    ("PL", "Poland VAT", "0.2300", "0.0500", None),
    ("SE", "Sweden VAT", "0.2500", "0.0600", None),
]

# Canadian provinces with a harmonised or combined rate (GST + provincial).
CA_PROVINCES = [
    ("BC", "British Columbia GST + PST", "0.1200", "0.0500", None),
    ("NS", "Nova Scotia HST", "0.1400", None, None),
    ("ON", "Ontario HST", "0.1300", None, None),
]


def _rows(country, region, name, standard, reduced, clothing):
    rates = {
        STANDARD: standard,
        REDUCED: reduced or standard,
        CLOTHING: clothing or standard,
        ZERO: "0",
    }
    return [
        {"country": country, "region": region, "tax_class": tax_class, "rate": Decimal(rate), "name": name}
        for tax_class, rate in rates.items()
    ]


def default_rows():
    rows = []
    for region, name, *rates in US_STATES:
        rows += _rows("US", region, name, *rates)
    for country, name, *rates in COUNTRIES:
        rows += _rows(country, "", name, *rates)
    for region, name, *rates in CA_PROVINCES:
        rows += _rows("CA", region, name, *rates)
    return rows


def load_default_tax_rates(apps, schema_editor):
    """Fill the tax table with demo default rates (rows already there are kept)."""
    TaxRate = apps.get_model("orders", "TaxRate")
    TaxRate.objects.bulk_create([TaxRate(**row) for row in default_rows()], ignore_conflicts=True)


def unload_default_tax_rates(apps, schema_editor):
    """Remove the default rows that still have their default rate."""
    TaxRate = apps.get_model("orders", "TaxRate")
    for row in default_rows():
        TaxRate.objects.filter(
            country=row["country"], region=row["region"], tax_class=row["tax_class"], rate=row["rate"]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(load_default_tax_rates, unload_default_tax_rates)]
