"""The return pages: the shopper asks and prints the label; the seller decides, receives and restocks."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fulfillment.models import ReturnRequest
from fulfillment.returns import return_request_create
from tests.accounts.factories import UserFactory
from tests.fulfillment.returns_data import delivered_order, units_on_hand
from tests.payments.ledger_data import dispatch
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db
RS = ReturnRequest.Status


@pytest.fixture
def bought():
    order, seller_order, warehouse, stocks, payment = delivered_order(
        prices=("10.00", "5.00"), quantities=(2, 1)
    )
    owner = SellerMemberFactory(seller=seller_order.seller).user
    lines = list(seller_order.lines.order_by("pk"))
    return {
        "order": order,
        "seller_order": seller_order,
        "warehouse": warehouse,
        "stocks": stocks,
        "owner": owner,
        "lines": lines,
    }


def create_url(bought):
    return reverse("returns:return-create", kwargs={"number": bought["seller_order"].number})


def test_the_shopper_returns_items_from_the_order_page_and_prints_the_label(client, bought):
    client.force_login(bought["order"].user)
    order_page = client.get(bought["order"].get_absolute_url()).content.decode()
    assert create_url(bought) in order_page and "Eligible for return until" in order_page

    form = client.get(create_url(bought))
    assert form.status_code == 200
    assert b"Arrived damaged" in form.content and b'max="2"' in form.content

    first, second = bought["lines"]
    response = client.post(
        create_url(bought), {f"qty-{first.pk}": "1", f"qty-{second.pk}": "0", "reason": "defective"}
    )
    assert response.status_code == 302 and response["Location"] == bought["order"].get_absolute_url()
    rma = ReturnRequest.objects.get()
    assert (rma.status, [(item.line_id, item.quantity) for item in rma.lines.all()]) == (
        RS.APPROVED,
        [(first.pk, 1)],
    )

    page = client.get(bought["order"].get_absolute_url()).content.decode()
    assert f"Return {rma.number}" in page and "Approved: send it back" in page
    assert rma.shipment.tracking_number in page
    label = client.get(reverse("returns:return-label", kwargs={"number": rma.number}))
    assert label["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(label.content)).pages)
    assert rma.shipment.tracking_number in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"qty-first": "abc", "reason": "damaged"}, "is not a number of units"),
        ({"qty-first": "9" * 5000, "reason": "damaged"}, "is not a number of units"),
        ({"qty-first": "3", "reason": "damaged"}, "Only 2 of"),
        ({"qty-first": "1", "reason": ""}, "Choose why"),
        ({"qty-first": "1", "reason": "other", "comment": ""}, "Please write a few words"),
        ({"qty-first": "0", "reason": "damaged"}, "Choose at least one item"),
    ],
)
def test_bad_return_forms_say_why_and_change_nothing(client, bought, data, message):
    client.force_login(bought["order"].user)
    first = bought["lines"][0]
    data = {(f"qty-{first.pk}" if key == "qty-first" else key): value for key, value in data.items()}
    response = client.post(create_url(bought), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_nobody_else_sees_or_returns_the_shoppers_order(client, bought):
    rma = return_request_create(
        user=bought["order"].user,
        seller_order=bought["seller_order"],
        quantities={bought["lines"][0].pk: 1},
        reason="damaged",
    )
    client.force_login(UserFactory())
    assert client.get(create_url(bought)).status_code == 404
    assert client.post(create_url(bought), {"reason": "damaged"}).status_code == 404
    assert client.get(reverse("returns:return-label", kwargs={"number": rma.number})).status_code == 404
    assert client.post(reverse("returns:return-cancel", kwargs={"number": rma.number})).status_code == 404
    client.logout()
    assert client.get(create_url(bought)).status_code == 302
    rma.refresh_from_db()
    assert rma.status == RS.APPROVED


def test_the_shopper_cancels_a_return_from_the_order_page(client, bought):
    rma = return_request_create(
        user=bought["order"].user,
        seller_order=bought["seller_order"],
        quantities={bought["lines"][0].pk: 1},
        reason="damaged",
    )
    client.force_login(bought["order"].user)
    response = client.post(reverse("returns:return-cancel", kwargs={"number": rma.number}), follow=True)
    assert b"cancelled" in response.content
    rma.refresh_from_db()
    assert rma.status == RS.CANCELLED


def test_the_seller_rejects_approves_receives_and_restocks_from_its_pages(
    client, bought, django_capture_on_commit_callbacks
):
    order, seller_order, owner = bought["order"], bought["seller_order"], bought["owner"]
    first, second = bought["lines"]
    waiting = return_request_create(
        user=order.user, seller_order=seller_order, quantities={first.pk: 2}, reason="not_as_described"
    )
    other = return_request_create(
        user=order.user, seller_order=seller_order, quantities={second.pk: 1}, reason="better_price"
    )
    client.force_login(owner)
    listing = client.get(reverse("seller:return-list")).content.decode()
    assert waiting.number in listing and other.number in listing
    detail_url = reverse("seller:return-detail", kwargs={"number": other.number})

    response = client.post(detail_url, {"action": "reject", "note": ""}, follow=True)
    assert b"Please write a note" in response.content
    client.post(detail_url, {"action": "reject", "note": "Price changes are not a reason"})
    other.refresh_from_db()
    assert (other.status, other.seller_note) == (RS.REJECTED, "Price changes are not a reason")

    detail_url = reverse("seller:return-detail", kwargs={"number": waiting.number})
    client.post(detail_url, {"action": "approve", "note": ""})
    waiting.refresh_from_db()
    assert waiting.status == RS.APPROVED
    assert client.get(reverse("seller:return-label", kwargs={"number": waiting.number}))["Content-Type"] == (
        "application/pdf"
    )

    response = client.post(
        detail_url,
        {"action": "receive", f"restock-{first.pk}": "3", "warehouse": str(bought["warehouse"].pk)},
        follow=True,
    )
    assert b"can be restocked; 3 asked" in response.content
    waiting.refresh_from_db()
    assert waiting.status == RS.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            detail_url,
            {"action": "receive", f"restock-{first.pk}": "1", "warehouse": str(bought["warehouse"].pk)},
        )
    dispatch()
    waiting.refresh_from_db()
    assert waiting.status == RS.REFUNDED
    assert units_on_hand(bought["stocks"]) == [8 + 1, 9]
    client.post(
        detail_url,
        {"action": "restock", f"restock-{first.pk}": "1", "warehouse": str(bought["warehouse"].pk)},
    )
    assert units_on_hand(bought["stocks"]) == [10, 9]

    # The shopper sees the refund on the order page.
    client.force_login(order.user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Refunded <strong>$25.20</strong>" in page  # 2 x 10.00 + 2.00 tax + 4.00 x 20/25 shipping


def test_other_sellers_and_shoppers_get_404_on_the_sellers_return_pages(client, bought):
    rma = return_request_create(
        user=bought["order"].user,
        seller_order=bought["seller_order"],
        quantities={bought["lines"][0].pk: 1},
        reason="ordered_by_mistake",
    )
    detail = reverse("seller:return-detail", kwargs={"number": rma.number})
    for user in (SellerMemberFactory().user, bought["order"].user):
        client.force_login(user)
        assert client.get(detail).status_code == 404
        assert client.post(detail, {"action": "approve"}).status_code == 404
    rma.refresh_from_db()
    assert rma.status == RS.REQUESTED


@pytest.mark.parametrize("count", [3, 30])
def test_the_return_list_query_count_does_not_grow_with_its_rows(client, count, django_assert_num_queries):
    order, seller_order, *_ = delivered_order(quantities=(count,), on_hand=count)
    line = seller_order.lines.get()
    for _ in range(count):
        return_request_create(
            user=order.user, seller_order=seller_order, quantities={line.pk: 1}, reason="better_price"
        )
    client.force_login(SellerMemberFactory(seller=seller_order.seller).user)
    # The same few queries for a page of 3 or of 25 returns (the lines are prefetched).
    with django_assert_num_queries(7):
        response = client.get(reverse("seller:return-list"))
    assert response.content.decode().count("Found a better price") == min(count, 25)


def test_the_order_page_stops_offering_a_return_once_every_unit_is_in_one(client, bought):
    order, seller_order = bought["order"], bought["seller_order"]
    first, second = bought["lines"]
    return_request_create(
        user=order.user, seller_order=seller_order, quantities={first.pk: 2, second.pk: 1}, reason="damaged"
    )
    client.force_login(order.user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert create_url(bought) not in page and "Eligible for return until" not in page


def test_the_timeline_shows_the_carriers_delivery_time(client, bought):
    client.force_login(bought["order"].user)
    response = client.get(bought["order"].get_absolute_url())
    (_, steps, _until), *_ = response.context["parts"]
    delivered = next(step for step in steps if step.label == "Delivered")
    assert delivered.at == bought["seller_order"].delivered_at
