"""Sales tax and VAT rates by destination and product tax class.

One interface, ``TaxCalculator``, chosen by ``settings.TAX_CALCULATOR`` (a
dotted path). The default, ``TableTaxCalculator``, reads ``TaxRate`` rows: a
row for the destination's region wins over the country row (region ``""``);
with no row at all the rate is 0. Callers use ``tax_rate_for`` or, for several
classes at once, ``tax_rates_for``; nobody reads ``TaxRate`` directly.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from orders.models import TaxRate

DEFAULT_TAX_CALCULATOR = "orders.tax.TableTaxCalculator"
DEFAULT_CACHE_SECONDS = 300
ZERO_RATE = Decimal("0")


@runtime_checkable
class TaxCalculator(Protocol):
    def rate_for(self, *, country: str, region: str, tax_class: str) -> Decimal:
        """Return the rate (0.0725 for 7.25%) for a destination and tax class."""
        ...


def _normalise(country: str, region: str) -> tuple[str, str]:
    return (country or "").strip().upper(), (region or "").strip().upper()


def _cache_key(country: str) -> str:
    return f"tax-rates:v1:{country}"


class TableTaxCalculator:
    """Rates from the ``TaxRate`` table, cached per country for a few minutes.

    A country's rows are small (a region and a class each, a few hundred at
    most), so one query loads them all and one cache entry holds them; the
    admin calls ``tax_rates_changed`` after an edit so the next lookup reads
    the table again.
    """

    def _country_rates(self, country: str) -> dict[tuple[str, str], Decimal]:
        key = _cache_key(country)
        cached = cache.get(key)
        if cached is not None:
            return {(region, tax_class): Decimal(rate) for region, tax_class, rate in cached}
        rows = list(TaxRate.objects.filter(country=country).values_list("region", "tax_class", "rate"))
        rates = {(region.strip().upper(), tax_class): rate for region, tax_class, rate in rows}
        seconds = getattr(settings, "TAX_RATE_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
        if seconds:
            cache.set(key, [(r, c, str(rate)) for (r, c), rate in rates.items()], seconds)
        return rates

    def rates_for(self, *, country: str, region: str, tax_classes) -> dict[str, Decimal]:
        """Return ``{tax_class: rate}`` for every class asked, with one lookup."""
        country, region = _normalise(country, region)
        rates = self._country_rates(country)
        result = {}
        for tax_class in tax_classes:
            rate = rates.get((region, tax_class)) if region else None
            if rate is None:
                rate = rates.get(("", tax_class), ZERO_RATE)
            result[tax_class] = rate
        return result

    def rate_for(self, *, country: str, region: str, tax_class: str) -> Decimal:
        return self.rates_for(country=country, region=region, tax_classes=[tax_class])[tax_class]


@lru_cache(maxsize=4)
def _calculator_for(path: str) -> TaxCalculator:
    return import_string(path)()


def tax_calculator() -> TaxCalculator:
    """Return the calculator ``settings.TAX_CALCULATOR`` names (the table one by default)."""
    return _calculator_for(getattr(settings, "TAX_CALCULATOR", DEFAULT_TAX_CALCULATOR))


def tax_rate_for(*, country: str, region: str, tax_class: str) -> Decimal:
    """Return the tax rate for a destination and a product tax class (0.2 for 20%)."""
    return tax_calculator().rate_for(country=country, region=region, tax_class=tax_class)


def tax_rates_for(*, country: str, region: str, tax_classes) -> dict[str, Decimal]:
    """Return ``{tax_class: rate}`` for several classes at one destination.

    Calculators that can answer for several classes at once (``rates_for``)
    are asked once; others once per class.
    """
    calculator = tax_calculator()
    tax_classes = list(dict.fromkeys(tax_classes))
    if hasattr(calculator, "rates_for"):
        return calculator.rates_for(country=country, region=region, tax_classes=tax_classes)
    return {
        tax_class: calculator.rate_for(country=country, region=region, tax_class=tax_class)
        for tax_class in tax_classes
    }


def tax_rates_changed(*, country: str | None = None) -> None:
    """Forget cached rates (of one country, or of every country with a row)."""
    if country:
        countries = [_normalise(country, "")[0]]
    else:
        countries = {c.strip().upper() for c in TaxRate.objects.values_list("country", flat=True)}
    cache.delete_many([_cache_key(c) for c in countries])
