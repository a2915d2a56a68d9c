import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from fulfillment.models import Stock
from tests.fulfillment.factories import StockFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("on_hand", "reserved", "constraint"),
    [
        (-1, 0, "stock_on_hand_not_negative"),
        (5, -1, "stock_reserved_not_negative"),
        (5, 6, "stock_reserved_within_on_hand"),
    ],
)
def test_database_rejects_impossible_stock_rows(on_hand, reserved, constraint):
    # when / then
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        StockFactory(on_hand=on_hand, reserved=reserved)
    assert Stock.objects.count() == 0


def test_reserving_more_than_on_hand_by_update_is_rejected_and_changes_nothing():
    stock = StockFactory(on_hand=3, reserved=2)

    with pytest.raises(IntegrityError, match="stock_reserved_within_on_hand"), transaction.atomic():
        Stock.objects.filter(pk=stock.pk).update(reserved=F("reserved") + 2)

    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (3, 2)


def test_one_stock_row_per_offer_and_warehouse():
    stock = StockFactory()

    with pytest.raises(IntegrityError, match="unique_stock_per_offer_warehouse"), transaction.atomic():
        Stock.objects.create(offer=stock.offer, warehouse=stock.warehouse, on_hand=1)


def test_reserving_exactly_what_is_on_hand_is_allowed():
    stock = StockFactory(on_hand=4, reserved=4)

    assert stock.available == 0
