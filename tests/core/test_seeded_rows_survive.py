"""Rows seeded by data migrations survive transactional tests (see tests/conftest.py)."""

import pytest
from django.contrib.sites.models import Site

from fulfillment.models import ShippingZone
from orders.models import TaxRate


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_seeded_rows():
    assert Site.objects.get().name == "Marketplace"
    assert TaxRate.objects.exists()
    assert ShippingZone.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_and_so_does_the_next_one_after_the_flush():
    assert Site.objects.get().name == "Marketplace"
    assert TaxRate.objects.exists()
    assert ShippingZone.objects.exists()
