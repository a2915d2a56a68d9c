from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from fulfillment.models import Stock
from orders.lifecycle import order_mark_paid, seller_order_transition
from orders.models import Order, SellerOrder
from tests.accounts.factories import UserFactory
from tests.fulfillment.factories import StockFactory
from tests.orders.order_data import order_build

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:orders_order_changelist"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def stocks():
    return (
        StockFactory(on_hand=100, offer__price_amount=Decimal("10.00")),
        StockFactory(on_hand=100, offer__price_amount=Decimal("25.00")),
    )


def place(stocks, user=None):
    first, second = stocks
    return order_build(user=user or UserFactory(), parts=[[(first.offer, 2)], [(second.offer, 1)]])


def messages_of(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_order_seller_order_and_cart_pages_load_for_staff(staff_client, stocks):
    order = place(stocks)
    seller_order = order.seller_orders.first()
    pages = [
        reverse(CHANGELIST),
        reverse("admin:orders_order_change", args=[order.pk]),
        reverse("admin:orders_sellerorder_changelist"),
        reverse("admin:orders_sellerorder_change", args=[seller_order.pk]),
        reverse("admin:orders_cart_changelist"),
    ]
    for url in pages:
        assert staff_client.get(url).status_code == 200, url
    content = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert seller_order.number in content
    assert "placed" in content


def test_orders_cannot_be_added_or_deleted_in_the_admin(staff_client, stocks):
    order = place(stocks)

    assert staff_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert staff_client.get(reverse("admin:orders_order_delete", args=[order.pk])).status_code == 403


@pytest.mark.parametrize("rows", [3, 30])
def test_the_order_changelist_query_count_does_not_grow(
    staff_client, stocks, rows, django_assert_num_queries
):
    for _ in range(rows):
        place(stocks)

    staff_client.get(reverse(CHANGELIST))  # warm the navigation cache

    # session, user, count, full count, rows, date hierarchy (2): none per order
    with django_assert_num_queries(7):
        response = staff_client.get(reverse(CHANGELIST))
    assert [o.part_count for o in response.context["cl"].result_list] == [2] * rows


def test_cancel_action_asks_for_a_reason_then_cancels_through_the_service(staff_client, stocks):
    order = place(stocks)
    data = {"action": "cancel", "_selected_action": [order.pk]}

    page = staff_client.post(reverse(CHANGELIST), data)
    assert page.status_code == 200
    assert page.templates[0].name == "admin/orders/order/cancel_selected.html"
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT

    response = staff_client.post(
        reverse(CHANGELIST), {**data, "apply": "1", "reason": "Fraud check"}, follow=True
    )

    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (Order.Status.CANCELLED, "Fraud check")
    assert [s.reserved for s in Stock.objects.order_by("pk")] == [0, 0]
    assert messages_of(response) == [("success", f"Cancelled 1: {order.number}.")]
    assert LogEntry.objects.get().change_message == "Cancelled: Fraud check"


def test_cancel_action_reports_orders_it_cannot_cancel(staff_client, stocks):
    order = place(stocks)
    order_mark_paid(order=order, payment_reference="pi_1", amount=order.total_amount)
    seller_order_transition(seller_order=order.seller_orders.first(), to=SellerOrder.Status.SHIPPED)

    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "cancel", "_selected_action": [order.pk], "apply": "1", "reason": "Too late"},
        follow=True,
    )

    assert messages_of(response) == [
        ("error", f"Order {order.number} has shipped items and cannot be cancelled.")
    ]
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_staff_cannot_mark_seller_orders_shipped_or_delivered_without_a_parcel(staff_client, stocks):
    order = place(stocks)
    order_mark_paid(order=order, payment_reference="pi_1", amount=order.total_amount)

    response = staff_client.get(reverse("admin:orders_sellerorder_changelist"))

    actions = response.context["cl"].model_admin.get_actions(response.wsgi_request)
    assert response.status_code == 200
    assert "mark_shipped" not in actions and "mark_delivered" not in actions
    assert b"Mark selected as shipped" not in response.content
