"""A paid order of one seller with stock in two warehouses, ready to ship."""

from datetime import date, timedelta
from decimal import Decimal

from orders.lifecycle import order_mark_paid
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.orders.order_data import order_build
from tests.sellers.factories import SellerFactory

PARCEL_KWARGS = {"weight_grams": 1200, "length_cm": 30, "width_cm": 20, "height_cm": 10}


def paid_order(*, quantities=(2, 1), on_hand=10, second_warehouse=False):
    """Return (order, seller order, warehouse, stocks): one line per quantity, all paid."""
    seller = SellerFactory(name="Parcel Co")
    warehouse = WarehouseFactory(seller=seller, name="Reno DC", city="Reno", region="NV")
    offers = [OfferFactory(seller=seller, price_amount=Decimal("10.00")) for _ in quantities]
    stocks = [StockFactory(offer=offer, warehouse=warehouse, on_hand=on_hand) for offer in offers]
    if second_warehouse:
        other = WarehouseFactory(seller=seller, name="Austin DC", city="Austin", region="TX")
        for offer in offers:
            StockFactory(offer=offer, warehouse=other, on_hand=on_hand)
    order = order_build(user=UserFactory(), parts=[list(zip(offers, quantities, strict=True))])
    # The promise checkout would have made: a business day five or more days from now.
    promised = date.today() + timedelta(days=5)
    while promised.weekday() >= 5:
        promised += timedelta(days=1)
    order.seller_orders.update(promised_from=promised - timedelta(days=1), promised_to=promised)
    order_mark_paid(order=order, payment_reference="pi_ship", amount=order.total_amount)
    order.refresh_from_db()
    return order, order.seller_orders.get(), warehouse, stocks
