import uuid
from decimal import Decimal

import pytest

from fulfillment.models import Stock
from fulfillment.stock import OutOfStock, distance_km, stock_commit, stock_release, stock_reserve, stock_ship
from orders.models import Order, OrderLine, SellerOrder, StockAllocation
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

ZERO = Decimal("0.00")


class Place:
    """A destination with only coordinates, as ``stock_reserve`` reads it."""

    def __init__(self, latitude, longitude):
        self.latitude = Decimal(latitude)
        self.longitude = Decimal(longitude)


SAN_FRANCISCO = Place("37.774900", "-122.419400")
NEW_YORK = Place("40.712800", "-74.006000")


@pytest.fixture
def west():
    return WarehouseFactory(
        name="West", code="west", city="Oakland", latitude="37.804400", longitude="-122.271100"
    )


@pytest.fixture
def east():
    return WarehouseFactory(
        name="East", code="east", city="Newark", latitude="40.735700", longitude="-74.172400"
    )


def stock_levels(*stocks):
    return [tuple(Stock.objects.filter(pk=s.pk).values_list("on_hand", "reserved").get()) for s in stocks]


def allocation_for(stock, quantity, status=StockAllocation.Status.RESERVED):
    """An allocation of ``quantity`` units of ``stock`` on a bare order."""
    order = Order.objects.create(
        number=f"T-{Order.objects.count() + 1}",
        user=UserFactory(),
        idempotency_key=uuid.uuid4(),
        subtotal_amount=ZERO,
        shipping_amount=ZERO,
        tax_amount=ZERO,
        total_amount=ZERO,
        ship_full_name="A Buyer",
        ship_line1="1 Main St",
        ship_city="Reno",
        ship_postal_code="89501",
        ship_country="US",
    )
    seller_order = SellerOrder.objects.create(
        order=order,
        seller=stock.offer.seller,
        number=f"{order.number}-1",
        shipping_method="standard",
        shipping_method_name="Standard",
        subtotal_amount=ZERO,
        shipping_amount=ZERO,
        tax_amount=ZERO,
        total_amount=ZERO,
    )
    line = OrderLine.objects.create(
        seller_order=seller_order,
        offer=stock.offer,
        product=stock.offer.product,
        title="Thing",
        sku="SKU",
        condition="new",
        unit_price_amount=ZERO,
        quantity=quantity,
        total_amount=ZERO,
    )
    return StockAllocation.objects.create(line=line, stock=stock, quantity=quantity, status=status)


def test_distance_between_san_francisco_and_new_york_is_about_4129_km():
    assert round(distance_km(37.7749, -122.4194, 40.7128, -74.0060)) == 4129


def test_reserve_takes_from_the_warehouse_nearest_the_destination(west, east):
    offer = OfferFactory()
    west_stock = StockFactory(offer=offer, warehouse=west, on_hand=5)
    east_stock = StockFactory(offer=offer, warehouse=east, on_hand=5)

    to_new_york = stock_reserve(offer_quantities={offer.pk: 2}, destination=NEW_YORK)
    to_san_francisco = stock_reserve(offer_quantities={offer.pk: 1}, destination=SAN_FRANCISCO)

    assert to_new_york == {offer.pk: [(east_stock.pk, 2)]}
    assert to_san_francisco == {offer.pk: [(west_stock.pk, 1)]}
    assert stock_levels(west_stock, east_stock) == [(5, 1), (5, 2)]


def test_reserve_without_coordinates_takes_warehouses_in_creation_order(west, east):
    offer = OfferFactory()
    east_stock = StockFactory(offer=offer, warehouse=east, on_hand=5)
    west_stock = StockFactory(offer=offer, warehouse=west, on_hand=5)

    assert stock_reserve(offer_quantities={offer.pk: 3}, destination=None) == {offer.pk: [(west_stock.pk, 3)]}
    assert stock_levels(west_stock, east_stock) == [(5, 3), (5, 0)]


def test_reserve_splits_a_line_across_warehouses_nearest_first(west, east):
    offer = OfferFactory()
    west_stock = StockFactory(offer=offer, warehouse=west, on_hand=4, reserved=1)
    east_stock = StockFactory(offer=offer, warehouse=east, on_hand=6)

    result = stock_reserve(offer_quantities={offer.pk: 7}, destination=SAN_FRANCISCO)

    assert result == {offer.pk: [(west_stock.pk, 3), (east_stock.pk, 4)]}
    assert stock_levels(west_stock, east_stock) == [(4, 4), (6, 4)]


def test_reserve_ignores_inactive_warehouses(west, east):
    offer = OfferFactory(product__title="Acme Kettle")
    east.is_active = False
    east.save(update_fields=["is_active"])
    StockFactory(offer=offer, warehouse=west, on_hand=1)
    StockFactory(offer=offer, warehouse=east, on_hand=9)

    with pytest.raises(OutOfStock, match=r"^Only 1 left of Acme Kettle\.$"):
        stock_reserve(offer_quantities={offer.pk: 2}, destination=None)


def test_reserve_that_cannot_be_met_names_the_product_and_changes_nothing(west, east):
    kettle = OfferFactory(product__title="Acme Kettle")
    toaster = OfferFactory(product__title="Acme Toaster")
    toaster_stock = StockFactory(offer=toaster, warehouse=west, on_hand=3)
    kettle_west = StockFactory(offer=kettle, warehouse=west, on_hand=1)
    kettle_east = StockFactory(offer=kettle, warehouse=east, on_hand=2, reserved=1)

    with pytest.raises(OutOfStock) as caught:
        stock_reserve(offer_quantities={toaster.pk: 2, kettle.pk: 3}, destination=None)

    error = caught.value
    assert error.message == "Only 2 left of Acme Kettle."
    assert (error.offer_id, error.requested, error.available) == (kettle.pk, 3, 2)
    assert stock_levels(toaster_stock, kettle_west, kettle_east) == [(3, 0), (1, 0), (2, 1)]


def test_reserve_of_an_offer_with_no_stock_says_it_is_out_of_stock():
    offer = OfferFactory(product__title="Acme Kettle")

    with pytest.raises(OutOfStock, match=r"^Acme Kettle is out of stock\.$") as caught:
        stock_reserve(offer_quantities={offer.pk: 1}, destination=None)
    assert caught.value.available == 0


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True])
def test_reserve_refuses_quantities_that_are_not_positive_whole_numbers(quantity):
    stock = StockFactory(on_hand=5)

    with pytest.raises(Exception, match="Cannot reserve"):
        stock_reserve(offer_quantities={stock.offer_id: quantity}, destination=None)
    assert stock_levels(stock) == [(5, 0)]


def test_reserve_locks_stock_rows_in_primary_key_order(django_assert_num_queries, west, east):
    offers = [OfferFactory() for _ in range(3)]
    for offer in offers:
        StockFactory(offer=offer, warehouse=east, on_hand=5)
        StockFactory(offer=offer, warehouse=west, on_hand=5)

    # savepoint, the locking SELECT, one UPDATE for every row, one INSERT of the history, release savepoint
    with django_assert_num_queries(5) as captured:
        stock_reserve(offer_quantities={o.pk: 6 for o in reversed(offers)}, destination=None)

    lock = captured.captured_queries[1]["sql"]
    assert "FOR UPDATE OF" in lock
    assert lock.rstrip().endswith('ORDER BY "fulfillment_stock"."id" ASC FOR UPDATE OF "fulfillment_stock"')


def test_release_gives_units_back_exactly_once():
    stock = StockFactory(on_hand=5, reserved=3)
    allocation = allocation_for(stock, 3)

    assert stock_release(allocations=[allocation]) == 3
    assert stock_release(allocations=[allocation]) == 0

    assert stock_levels(stock) == [(5, 0)]
    allocation.refresh_from_db()
    assert allocation.status == StockAllocation.Status.RELEASED


def test_release_of_a_committed_allocation_frees_its_units_but_a_shipped_one_does_not():
    stock = StockFactory(on_hand=5, reserved=3)
    committed = allocation_for(stock, 2, status=StockAllocation.Status.COMMITTED)
    shipped = allocation_for(stock, 1, status=StockAllocation.Status.SHIPPED)

    assert stock_release(allocations=[committed, shipped]) == 2

    assert stock_levels(stock) == [(5, 1)]
    assert list(StockAllocation.objects.order_by("pk").values_list("status", flat=True)) == [
        "released",
        "shipped",
    ]


def test_commit_moves_only_reserved_allocations_and_keeps_units_reserved():
    stock = StockFactory(on_hand=5, reserved=3)
    reserved = allocation_for(stock, 3)
    released = allocation_for(stock, 1, status=StockAllocation.Status.RELEASED)

    assert stock_commit(allocations=[reserved, released]) == 1
    assert stock_commit(allocations=[reserved]) == 0

    assert stock_levels(stock) == [(5, 3)]
    assert list(StockAllocation.objects.order_by("pk").values_list("status", flat=True)) == [
        "committed",
        "released",
    ]


def test_ship_takes_committed_units_out_of_stock_once():
    stock = StockFactory(on_hand=5, reserved=3)
    committed = allocation_for(stock, 2, status=StockAllocation.Status.COMMITTED)
    unpaid = allocation_for(stock, 1)

    assert stock_ship(allocations=[committed, unpaid]) == 2
    assert stock_ship(allocations=[committed]) == 0

    assert stock_levels(stock) == [(3, 1)]
    committed.refresh_from_db()
    assert committed.status == StockAllocation.Status.SHIPPED
