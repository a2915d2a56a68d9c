from decimal import Decimal

import pytest
from django.urls import reverse

from fulfillment.models import Stock
from orders.lifecycle import order_mark_paid, seller_order_transition
from orders.models import Order, SellerOrder
from tests.accounts.factories import UserFactory
from tests.fulfillment.factories import StockFactory
from tests.orders.order_data import order_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocks():
    return (
        StockFactory(on_hand=100, offer__price_amount=Decimal("10.00"), offer__product__title="Desk lamp"),
        StockFactory(on_hand=100, offer__price_amount=Decimal("25.00"), offer__seller__name="Lamp World"),
    )


@pytest.fixture
def shopper():
    return UserFactory()


@pytest.fixture
def order(shopper, stocks):
    first, second = stocks
    return order_build(user=shopper, parts=[[(first.offer, 2)], [(second.offer, 1)]])


def test_anonymous_visitors_are_sent_to_sign_in(client, order):
    for url in (
        reverse("orders:order-list"),
        order.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("orders:order-cancel", args=[order.number]))
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


def test_another_shopper_cannot_see_or_cancel_the_order(client, order):
    client.force_login(UserFactory())

    assert client.get(order.get_absolute_url()).status_code == 404
    assert client.post(reverse("orders:order-cancel", args=[order.number])).status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert list(client.get(reverse("orders:order-list")).context["orders"]) == []


def test_the_list_shows_the_shoppers_orders_newest_first(client, shopper, order, stocks):
    newer = order_build(user=shopper, parts=[[(stocks[0].offer, 1)]])
    order_build(user=UserFactory(), parts=[[(stocks[0].offer, 1)]])
    client.force_login(shopper)

    response = client.get(reverse("orders:order-list"))

    orders = list(response.context["orders"])
    assert orders == [newer, order]
    assert [o.seller_order_count for o in orders] == [1, 2]
    content = response.content.decode()
    assert f"Order {order.number}" in content
    assert "$57.50" in content  # 45.00 + 2 x 4.00 shipping + 4.50 tax
    assert "2 sellers" in content
    assert "Awaiting payment" in content


def test_the_list_query_count_does_not_grow_with_the_orders(
    client, shopper, stocks, django_assert_num_queries
):
    for _ in range(3):
        order_build(user=shopper, parts=[[(stocks[0].offer, 1)], [(stocks[1].offer, 1)]])
    client.force_login(shopper)
    client.get(reverse("orders:order-list"))  # warm the navigation cache
    # session, user, count, the page of orders with their seller counts
    with django_assert_num_queries(4) as three:
        client.get(reverse("orders:order-list"))

    for _ in range(27):
        order_build(user=shopper, parts=[[(stocks[0].offer, 1)], [(stocks[1].offer, 1)]])
    with django_assert_num_queries(4):
        response = client.get(reverse("orders:order-list"))

    assert len(three.captured_queries) == 4
    assert len(response.context["orders"]) == 20
    assert response.context["page_obj"].paginator.count == 30


def test_the_order_page_shows_address_amounts_lines_and_the_pay_link(client, shopper, order):
    client.force_login(shopper)

    response = client.get(order.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Ada Lovelace",
        "12 Analytical Way",
        "Reno, NV 89501",
        "Desk lamp",
        "Sold by Lamp World",
        "$45.00",
        "$8.00",
        "$4.50",
        order.number + "-1",
        "Cancel this order",
    ):
        assert text in content, text
    assert response.context["cancellable"] is True


def test_the_order_page_has_a_timeline_per_seller(client, shopper, order):
    order_mark_paid(order=order, payment_reference="pi_1", amount=order.total_amount)
    first, second = order.seller_orders.all()
    seller_order_transition(seller_order=first, to=SellerOrder.Status.SHIPPED)
    seller_order_transition(seller_order=second, to=SellerOrder.Status.CANCELLED)
    client.force_login(shopper)

    response = client.get(order.get_absolute_url())

    timelines = [
        [(step.label, step.done, step.current) for step in steps]
        for _, steps, _until in response.context["parts"]
    ]
    assert timelines == [
        [
            ("Placed", True, False),
            ("Paid", True, False),
            ("Ready to ship", True, False),
            ("Shipped", True, True),
            ("Delivered", False, False),
        ],
        [
            ("Placed", True, False),
            ("Paid", True, False),
            ("Ready to ship", True, False),
            ("Cancelled", True, True),
        ],
    ]
    assert response.context["cancellable"] is False
    assert "Cancel this order" not in response.content.decode()


def test_the_order_page_query_count_is_fixed(client, shopper, order, django_assert_num_queries):
    client.force_login(shopper)
    client.get(order.get_absolute_url())  # warm the navigation cache

    # session, user, order, seller orders (with sellers and return policies), lines (with products),
    # parcels, returns, claims, events
    with django_assert_num_queries(9):
        client.get(order.get_absolute_url())


def test_the_owner_cancels_the_order(client, shopper, order, stocks):
    client.force_login(shopper)

    response = client.post(
        reverse("orders:order-cancel", args=[order.number]), {"reason": "Ordered twice"}, follow=True
    )

    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (Order.Status.CANCELLED, "Ordered twice")
    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [f"Order {order.number} is cancelled."]
    assert [Stock.objects.get(pk=s.pk).reserved for s in stocks] == [0, 0]


def test_cancelling_a_shipped_order_shows_why_not(client, shopper, order):
    order_mark_paid(order=order, payment_reference="pi_1", amount=order.total_amount)
    seller_order_transition(seller_order=order.seller_orders.first(), to=SellerOrder.Status.SHIPPED)
    client.force_login(shopper)

    response = client.post(reverse("orders:order-cancel", args=[order.number]), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        f"Order {order.number} has shipped items and cannot be cancelled."
    ]
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_the_cancel_page_accepts_only_post(client, shopper, order):
    client.force_login(shopper)

    assert client.get(reverse("orders:order-cancel", args=[order.number])).status_code == 405
