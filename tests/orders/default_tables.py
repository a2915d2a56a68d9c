"""The default shipping and tax tables, loaded as the data migrations load them.

Tests that rely on the seeded defaults load them again themselves: a test run
with ``transaction=True`` flushes every table when it ends, and with
``--reuse-db`` the next run would find them empty.
"""

import importlib

from django.apps import apps

from fulfillment.models import Holiday, ShippingMethod, ShippingRate, ShippingZone
from orders.models import TaxRate

shipping_seed = importlib.import_module("fulfillment.migrations.0003_default_shipping")
tax_seed = importlib.import_module("orders.migrations.0002_default_tax_rates")


def load_default_tax_rates() -> None:
    TaxRate.objects.all().delete()
    tax_seed.load_default_tax_rates(apps, None)


def load_default_shipping() -> None:
    for model in (ShippingRate, ShippingZone, ShippingMethod, Holiday):
        model.objects.all().delete()
    shipping_seed.seed(apps, None)
