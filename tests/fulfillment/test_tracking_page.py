"""The shopper's parcel tracking page and the seller's packing slip."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fulfillment.models import Shipment
from fulfillment.returns import return_request_create
from tests.accounts.factories import UserFactory
from tests.fulfillment.returns_data import delivered_order, parcels_move_on
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_buyer_follows_a_parcel_on_its_own_page_and_nobody_else_sees_it(client):
    order, seller_order, *_ = delivered_order(quantities=(2,), deliver=False)
    shipment = Shipment.objects.get(seller_order=seller_order)
    url = reverse("tracking:parcel", kwargs={"tracking_number": shipment.tracking_number})
    client.force_login(order.user)
    assert url in client.get(order.get_absolute_url()).content.decode()

    page = client.get(url).content.decode()
    assert "Label created" in page and "The carrier has not scanned the parcel yet" in page
    assert "expected by" in page and f"2 &times; {seller_order.lines.get().title}" in page
    parcels_move_on(days=12)
    page = client.get(url).content.decode()
    assert "Delivered" in page and "Picked up" in page and "later than promised" not in page

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("days", [1, 12])
def test_the_tracking_page_makes_the_same_queries_whatever_the_number_of_scans(
    client, days, django_assert_num_queries
):
    order, seller_order, *_ = delivered_order(quantities=(1,), deliver=False)
    parcels_move_on(days=days)
    shipment = Shipment.objects.get(seller_order=seller_order)
    url = reverse("tracking:parcel", kwargs={"tracking_number": shipment.tracking_number})
    client.force_login(order.user)
    client.get(url)
    # session, user, parcel with its order and seller, scans, parcel lines
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_the_seller_prints_the_packing_slip_of_a_parcel(client):
    order, seller_order, *_ = delivered_order(prices=("10.00", "5.00"), quantities=(2, 1))
    shipment = Shipment.objects.get(seller_order=seller_order)
    url = reverse("seller:shipment-packing-slip", kwargs={"pk": shipment.pk})
    client.force_login(SellerMemberFactory(seller=seller_order.seller).user)
    assert (
        url
        in client.get(
            reverse("seller:shipping-order", kwargs={"number": seller_order.number})
        ).content.decode()
    )
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert seller_order.number in text and shipment.tracking_number in text
    assert all(line.sku in text for line in seller_order.lines.all())
    assert "Returns accepted within 30 days" in text

    rma = return_request_create(
        user=order.user,
        seller_order=seller_order,
        quantities={seller_order.lines.first().pk: 1},
        reason="damaged",
    )
    assert (
        client.get(reverse("seller:shipment-packing-slip", kwargs={"pk": rma.shipment_id})).status_code == 404
    )
    client.force_login(SellerMemberFactory().user)
    assert client.get(url).status_code == 404
