import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from catalog.models import Offer, Product
from catalog.services import product_refresh_buy_box
from fulfillment.models import Stock
from fulfillment.shipping import ShippableItem, shipping_quote
from fulfillment.stock import OutOfStock
from marketplace.core import events
from marketplace.core.errors import ApplicationError
from orders.models import Order, OrderEvent, OrderLine, SellerOrder, StockAllocation
from orders.placement import PlacementLine, destination_for_address, order_place
from orders.totals import TotalsLine, order_totals
from sellers.models import Seller
from tests.accounts.factories import AddressFactory
from tests.orders.placing import (
    NOW,
    buyer_in_san_francisco,
    place,
    seller_with_warehouse,
    shipping_and_tax_tables,
    stocked_offer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    """Two sellers: Acme sells a kettle and a toaster, Books & Co a book."""
    shipping_and_tax_tables()
    acme, acme_warehouse = seller_with_warehouse("Acme")
    books, books_warehouse = seller_with_warehouse("Books & Co", latitude="40.735700", longitude="-74.172400")
    kettle = stocked_offer(
        seller=acme,
        warehouse=acme_warehouse,
        on_hand=5,
        title="Acme Kettle",
        price="24.99",
        weight_grams=1200,
    )
    toaster = stocked_offer(
        seller=acme,
        warehouse=acme_warehouse,
        on_hand=5,
        title="Acme Toaster",
        price="40.00",
        weight_grams=2500,
    )
    book = stocked_offer(
        seller=books,
        warehouse=books_warehouse,
        on_hand=5,
        title="A Field Guide to Kettles",
        price="10.00",
        weight_grams=400,
        tax_class="reduced",
    )
    user, address = buyer_in_san_francisco()
    return {"user": user, "address": address, "kettle": kettle, "toaster": toaster, "book": book}


def three_lines(shop):
    return {shop["kettle"]: 2, shop["toaster"]: 1, shop["book"]: 3}


def shipping_choices(shop):
    return {shop["kettle"].seller_id: "standard", shop["book"].seller_id: "expedited"}


def levels():
    return dict(Stock.objects.values_list("offer__product__title", "reserved"))


def nothing_changed(shop):
    assert Order.objects.count() == 0
    assert SellerOrder.objects.count() == 0
    assert StockAllocation.objects.count() == 0
    assert set(levels().values()) == {0}


def test_placing_an_order_splits_it_per_seller_with_the_amounts_to_the_cent(shop):
    # when
    order = place(shop["user"], shop["address"], three_lines(shop), shipping=shipping_choices(shop))

    # then: Acme ships 4.9 kg standard (5.00 + 5 x 0.50), Books & Co 1.2 kg expedited (12.00 + 2 x 1.00);
    # California tax: 7.25% of 49.98 = 3.62 and of 40.00 = 2.90; 2% of 30.00 = 0.60
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert (order.subtotal_amount, order.shipping_amount, order.tax_amount, order.total_amount) == (
        Decimal("119.98"),
        Decimal("21.50"),
        Decimal("7.12"),
        Decimal("148.60"),
    )
    acme_part, books_part = order.seller_orders.order_by("number")
    assert (acme_part.seller.name, acme_part.number) == ("Acme", f"{order.number}-1")
    assert (books_part.seller.name, books_part.number) == ("Books & Co", f"{order.number}-2")
    assert [
        (
            p.shipping_method,
            p.shipping_method_name,
            p.subtotal_amount,
            p.shipping_amount,
            p.tax_amount,
            p.total_amount,
        )
        for p in (acme_part, books_part)
    ] == [
        ("standard", "Standard", Decimal("89.98"), Decimal("7.50"), Decimal("6.52"), Decimal("104.00")),
        ("expedited", "Expedited", Decimal("30.00"), Decimal("14.00"), Decimal("0.60"), Decimal("44.60")),
    ]
    assert {p.status for p in (acme_part, books_part)} == {SellerOrder.Status.PENDING_PAYMENT}


def test_order_numbers_are_readable_and_seller_orders_extend_them(shop):
    first = place(shop["user"], shop["address"], {shop["kettle"]: 1})
    second = place(shop["user"], shop["address"], {shop["kettle"]: 1, shop["book"]: 1})

    assert re.fullmatch(r"\d{3}-\d{7}-\d{4}", first.number)
    assert first.number != second.number
    assert sorted(second.seller_orders.values_list("number", flat=True)) == [
        f"{second.number}-1",
        f"{second.number}-2",
    ]


def test_amounts_written_are_those_order_totals_computes(shop):
    # given: what the checkout page shows, computed through the same modules
    destination = destination_for_address(shop["address"])
    choices = shipping_choices(shop)
    lines = three_lines(shop)
    shipping = {}
    for seller_id, code in choices.items():
        items = [
            ShippableItem(
                offer_id=o.pk, quantity=q, weight_grams=o.product.weight_grams, handling_days=o.handling_days
            )
            for o, q in lines.items()
            if o.seller_id == seller_id
        ]
        shipping[seller_id] = shipping_quote(
            seller_id=seller_id, items=items, destination=destination, method_code=code, now=NOW
        )
    totals = order_totals(
        lines=[
            TotalsLine(o.pk, o.seller_id, o.price_amount, q, o.product.tax_class) for o, q in lines.items()
        ],
        shipping={seller_id: option.amount for seller_id, option in shipping.items()},
        destination=destination,
    )

    # when
    order = place(shop["user"], shop["address"], lines, shipping=choices)

    # then
    assert (order.subtotal_amount, order.shipping_amount, order.tax_amount, order.total_amount) == (
        totals.subtotal,
        totals.shipping,
        totals.tax,
        totals.total,
    )
    for part in order.seller_orders.all():
        expected = totals.sellers[part.seller_id]
        option = shipping[part.seller_id]
        assert (part.subtotal_amount, part.shipping_amount, part.tax_amount, part.total_amount) == (
            expected.subtotal,
            expected.shipping,
            expected.tax,
            expected.total,
        )
        assert (part.promised_from, part.promised_to) == (option.promised_from, option.promised_to)
        for line in part.lines.all():
            line_totals = expected.lines[line.offer_id]
            assert (line.tax_rate, line.tax_amount, line.total_amount) == (
                line_totals.tax_rate,
                line_totals.tax_amount,
                line_totals.total,
            )


def test_lines_snapshot_what_was_bought_and_survive_later_changes(shop):
    order = place(shop["user"], shop["address"], three_lines(shop), shipping=shipping_choices(shop))

    # when the seller reprices and renames afterwards
    Offer.objects.filter(pk=shop["kettle"].pk).update(price_amount=Decimal("99.00"), sku="CHANGED")

    lines = OrderLine.objects.filter(seller_order__order=order).order_by("pk")
    assert [
        (
            line.title,
            line.sku,
            line.condition,
            line.unit_price_amount,
            line.quantity,
            line.tax_rate,
            line.tax_amount,
            line.total_amount,
        )
        for line in lines
    ] == [
        (
            "Acme Kettle",
            shop["kettle"].sku,
            "new",
            Decimal("24.99"),
            2,
            Decimal("0.0725"),
            Decimal("3.62"),
            Decimal("49.98"),
        ),
        (
            "Acme Toaster",
            shop["toaster"].sku,
            "new",
            Decimal("40.00"),
            1,
            Decimal("0.0725"),
            Decimal("2.90"),
            Decimal("40.00"),
        ),
        (
            "A Field Guide to Kettles",
            shop["book"].sku,
            "new",
            Decimal("10.00"),
            3,
            Decimal("0.0200"),
            Decimal("0.60"),
            Decimal("30.00"),
        ),
    ]
    assert [(line.offer_id, line.product_id) for line in lines] == [
        (shop[name].pk, shop[name].product_id) for name in ("kettle", "toaster", "book")
    ]


def test_placing_snapshots_the_address_reserves_stock_and_records_the_audit_event(shop, monkeypatch):
    emitted = []
    monkeypatch.setitem(events._handlers, "order.placed", [lambda **payload: emitted.append(payload)])

    order = place(shop["user"], shop["address"], three_lines(shop), shipping=shipping_choices(shop))

    order.refresh_from_db()
    assert (order.ship_full_name, order.ship_line1, order.ship_city, order.ship_region) == (
        "Ada Buyer",
        "1 Market St",
        "San Francisco",
        "CA",
    )
    assert (order.ship_postal_code, order.ship_country, order.user_id) == ("94103", "US", shop["user"].pk)
    assert order.reserved_until == NOW + timedelta(minutes=15)
    assert levels() == {"Acme Kettle": 2, "Acme Toaster": 1, "A Field Guide to Kettles": 3}
    assert sorted(
        StockAllocation.objects.filter(line__seller_order__order=order).values_list(
            "line__offer_id", "stock__offer_id", "quantity", "status"
        )
    ) == sorted((o.pk, o.pk, q, "reserved") for o, q in three_lines(shop).items())
    event = OrderEvent.objects.get(order=order)
    assert (event.kind, event.from_status, event.to_status, event.actor_id) == (
        "placed",
        "",
        "pending_payment",
        shop["user"].pk,
    )
    assert emitted == [{"order_id": order.pk}]


def test_reservation_time_comes_from_settings(shop, settings):
    settings.ORDER_RESERVATION_MINUTES = 30

    order = place(shop["user"], shop["address"], {shop["kettle"]: 1})

    assert order.reserved_until == NOW + timedelta(minutes=30)


def test_a_seller_without_a_choice_ships_by_its_cheapest_method(shop):
    order = place(shop["user"], shop["address"], {shop["kettle"]: 1, shop["book"]: 1}, shipping={})

    # the kettle (1.2 kg) 5.00 + 2 x 0.50, the book (0.4 kg) 5.00 + 1 x 0.50
    assert sorted(order.seller_orders.values_list("seller__name", "shipping_method", "shipping_amount")) == [
        ("Acme", "standard", Decimal("6.00")),
        ("Books & Co", "standard", Decimal("5.50")),
    ]


def test_the_same_idempotency_key_returns_the_same_order(shop):
    key = uuid.uuid4()

    first = place(shop["user"], shop["address"], three_lines(shop), key=key)
    again = place(shop["user"], shop["address"], three_lines(shop), key=str(key))

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert levels() == {"Acme Kettle": 2, "Acme Toaster": 1, "A Field Guide to Kettles": 3}


def test_another_shoppers_idempotency_key_is_refused(shop):
    key = uuid.uuid4()
    place(shop["user"], shop["address"], {shop["kettle"]: 1}, key=key)
    other = AddressFactory()

    with pytest.raises(ApplicationError, match="already used"):
        place(other.user, other, {shop["kettle"]: 1}, key=key)
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "The quantity must be at least 1."),
        (-1, "The quantity must be at least 1."),
        (1.5, "Enter a whole number of items."),
        ("abc", "Enter a whole number of items."),
        (2**31, "at most"),
        ("9" * 5000, "at most"),  # past int()'s digit limit: once a ValueError
        ("\u00b2", "Enter a whole number of items."),
    ],
)
def test_bad_quantities_are_refused_changing_nothing(shop, quantity, message):
    with pytest.raises(ApplicationError, match=message):
        place(shop["user"], shop["address"], {shop["kettle"]: 1, shop["book"]: quantity})
    nothing_changed(shop)


def test_more_than_is_left_is_refused_naming_the_product_and_changing_nothing(shop):
    with pytest.raises(OutOfStock, match=r"^Only 5 left of A Field Guide to Kettles\.$"):
        place(shop["user"], shop["address"], {shop["kettle"]: 2, shop["book"]: 6})
    nothing_changed(shop)


def test_an_inactive_offer_is_refused(shop):
    Offer.objects.filter(pk=shop["book"].pk).update(is_active=False)

    with pytest.raises(ApplicationError, match=r"^A Field Guide to Kettles is no longer available\.$"):
        place(shop["user"], shop["address"], three_lines(shop))
    nothing_changed(shop)


def test_a_deleted_offer_is_refused(shop):
    with pytest.raises(ApplicationError, match="no longer available"):
        order_place(
            user=shop["user"],
            idempotency_key=uuid.uuid4(),
            address=shop["address"],
            lines=[
                PlacementLine(offer_id=shop["kettle"].pk, quantity=1),
                PlacementLine(offer_id=10**9, quantity=1),
            ],
            shipping_choices={},
            now=NOW,
        )
    nothing_changed(shop)


def test_a_suspended_sellers_offer_is_refused(shop):
    Seller.objects.filter(pk=shop["book"].seller_id).update(status=Seller.Status.SUSPENDED)

    with pytest.raises(ApplicationError, match=r"^Books & Co is not selling at the moment"):
        place(shop["user"], shop["address"], three_lines(shop))
    nothing_changed(shop)


def test_the_same_offer_twice_is_refused(shop):
    with pytest.raises(ApplicationError, match="appears twice"):
        order_place(
            user=shop["user"],
            idempotency_key=uuid.uuid4(),
            address=shop["address"],
            lines=[PlacementLine(offer_id=shop["kettle"].pk, quantity=1)] * 2,
            shipping_choices={},
            now=NOW,
        )
    nothing_changed(shop)


def test_an_empty_order_is_refused(shop):
    with pytest.raises(ApplicationError, match="no items"):
        place(shop["user"], shop["address"], {})
    nothing_changed(shop)


def test_another_shoppers_address_is_refused(shop):
    with pytest.raises(ApplicationError, match="your own addresses"):
        place(shop["user"], AddressFactory(), {shop["kettle"]: 1})
    nothing_changed(shop)


def test_a_shipping_method_that_cannot_serve_the_address_is_explained(shop):
    with pytest.raises(ApplicationError, match="shipping"):
        place(
            shop["user"],
            shop["address"],
            {shop["kettle"]: 1},
            shipping={shop["kettle"].seller_id: "same_day"},
        )
    nothing_changed(shop)


def test_an_address_no_method_serves_is_explained(shop):
    abroad = AddressFactory(user=shop["user"], country="BR", region="", postal_code="01000-000")

    with pytest.raises(ApplicationError, match="does not ship to Brazil"):
        place(shop["user"], abroad, {shop["kettle"]: 1})
    nothing_changed(shop)


def test_a_tampered_idempotency_key_is_refused(shop):
    with pytest.raises(ApplicationError, match="reload"):
        place(shop["user"], shop["address"], {shop["kettle"]: 1}, key="not-a-uuid")
    nothing_changed(shop)


def test_placing_three_lines_from_two_sellers_takes_a_bounded_number_of_queries(
    shop, django_assert_max_num_queries
):
    # 23 today: the key, the offers, the account's row lock and its unpaid holds (2,
    # orders/holds.py), 3 for shipping whatever the number of sellers (rates, warehouses,
    # holidays), the tax rates, the order insert in a savepoint (3), the expired holds of
    # these offers (1), the reservation (savepoint, lock, one UPDATE, the inventory history
    # INSERT, release), one bulk insert each for seller orders, lines and allocations, the
    # audit event, and the transaction's own savepoint pair in a test.
    with django_assert_max_num_queries(24):
        place(shop["user"], shop["address"], three_lines(shop), shipping=shipping_choices(shop))


def test_buy_boxes_are_refreshed_after_commit_when_the_last_units_are_reserved(
    shop, django_capture_on_commit_callbacks
):
    product_refresh_buy_box(product_ids=[shop["kettle"].product_id, shop["book"].product_id])

    with django_capture_on_commit_callbacks(execute=True):
        place(shop["user"], shop["address"], {shop["kettle"]: 5, shop["book"]: 1})

    assert dict(
        Product.objects.filter(pk__in=[shop["kettle"].product_id, shop["book"].product_id]).values_list(
            "title", "in_stock"
        )
    ) == {"Acme Kettle": False, "A Field Guide to Kettles": True}
