"""The seller's shipping pages: who gets in, shipping from the form, the label, voiding."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fulfillment.models import Shipment, Stock
from orders.lifecycle import order_mark_paid
from orders.models import SellerOrder
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory
from tests.fulfillment.shipping_data import PARCEL_KWARGS, paid_order
from tests.orders.order_data import order_build
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    order, seller_order, warehouse, stocks = paid_order(quantities=(2, 1))
    owner = SellerMemberFactory(seller=seller_order.seller).user
    return {"order": order, "seller_order": seller_order, "warehouse": warehouse, "owner": owner}


def form(shop, **quantities):
    lines = list(shop["seller_order"].lines.order_by("pk"))
    data = {
        "warehouse": shop["warehouse"].pk,
        "service": "ground",
        **{k: str(v) for k, v in PARCEL_KWARGS.items()},
    }
    for line, quantity in zip(lines, quantities.get("units", [line.quantity for line in lines]), strict=True):
        data[f"qty-{line.pk}"] = str(quantity)
    return data


def urls(shop):
    number = shop["seller_order"].number
    return [reverse("seller:shipping-queue"), reverse("seller:shipping-order", kwargs={"number": number})]


def test_anonymous_visitors_are_sent_to_sign_in(client, shop):
    for url in urls(shop):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_shopper_and_another_sellers_member_get_404(client, shop):
    other_member = SellerMemberFactory().user
    for user in (UserFactory(), other_member):
        client.force_login(user)
        assert client.get(urls(shop)[0]).status_code == (200 if user == other_member else 404)
        assert client.get(urls(shop)[1]).status_code == 404
        assert client.post(urls(shop)[1], form(shop)).status_code == 404
    assert not Shipment.objects.exists()


def test_the_owner_ships_from_the_form_and_downloads_the_label(client, shop):
    client.force_login(shop["owner"])
    account = client.get(reverse("accounts:overview")).content.decode()
    assert reverse("seller:shipping-queue") in account
    queue = client.get(urls(shop)[0])
    assert shop["seller_order"].number in queue.content.decode()

    response = client.post(urls(shop)[1], form(shop), follow=True)

    shipment = Shipment.objects.get()
    assert f"Label bought: Sandbox Ground {shipment.tracking_number}." in response.content.decode()
    assert SellerOrder.objects.get().status == SellerOrder.Status.SHIPPED
    label = client.get(reverse("seller:shipment-label", kwargs={"pk": shipment.pk}))
    assert label["Content-Type"] == "application/pdf"
    assert shipment.tracking_number in PdfReader(io.BytesIO(label.content)).pages[0].extract_text()


def test_bad_form_input_is_a_message_and_changes_nothing(client, shop):
    client.force_login(shop["owner"])
    for bad in ({"weight_grams": "heavy"}, {"weight_grams": "9" * 5000}, {"warehouse": "0"}):
        response = client.post(urls(shop)[1], {**form(shop), **bad}, follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    too_many = client.post(urls(shop)[1], form(shop, units=[3, 1]), follow=True)
    assert "Only 2 of" in too_many.content.decode()
    assert not Shipment.objects.exists()
    assert [s.reserved for s in Stock.objects.order_by("pk")] == [2, 1]


def test_the_owner_voids_a_label_and_another_seller_cannot(client, shop):
    client.force_login(shop["owner"])
    client.post(urls(shop)[1], form(shop))
    shipment = Shipment.objects.get()
    void_url = reverse("seller:shipment-void", kwargs={"pk": shipment.pk})

    client.force_login(SellerMemberFactory().user)
    assert client.post(void_url).status_code == 404
    assert client.get(reverse("seller:shipment-label", kwargs={"pk": shipment.pk})).status_code == 404

    client.force_login(shop["owner"])
    client.post(void_url)
    assert Shipment.objects.get().status == Shipment.Status.VOIDED
    assert SellerOrder.objects.get().status == SellerOrder.Status.READY_TO_SHIP


@pytest.mark.parametrize("rows", [3, 30])
def test_the_shipping_queue_query_count_does_not_grow_with_its_rows(client, rows, django_assert_num_queries):
    _, seller_order, warehouse, _ = paid_order(quantities=(1,))
    seller = seller_order.seller
    owner = SellerMemberFactory(seller=seller).user
    for _ in range(rows - 1):
        offer = OfferFactory(seller=seller)
        StockFactory(offer=offer, warehouse=warehouse)
        order = order_build(user=UserFactory(), parts=[[(offer, 1)]])
        order_mark_paid(order=order, payment_reference=f"pi_{order.pk}", amount=order.total_amount)
    client.force_login(owner)
    client.get(reverse("seller:shipping-queue"))

    # session, user, the member's seller, count, the page of orders
    with django_assert_num_queries(5):
        response = client.get(reverse("seller:shipping-queue"))
    assert len(response.context["seller_orders"]) == min(rows, 25)


def test_an_order_not_paid_yet_is_not_on_the_shipping_pages(client):
    from tests.orders.order_data import order_build
    from tests.sellers.factories import SellerMemberFactory

    offer = OfferFactory()
    StockFactory(offer=offer, on_hand=3)
    owner = SellerMemberFactory(seller=offer.seller).user
    unpaid = order_build(user=UserFactory(), parts=[[(offer, 1)]]).seller_orders.get()
    assert unpaid.order.paid_at is None
    client.force_login(owner)

    page = client.get(reverse("seller:shipping-order", kwargs={"number": unpaid.number}))

    assert page.status_code == 404
    assert unpaid.number not in client.get(reverse("seller:shipping-queue")).text
