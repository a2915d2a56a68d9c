"""The seller's Orders pages: the list and its filters, one order, acknowledge, cancel, the card."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.core.errors import ApplicationError
from orders.lifecycle import seller_order_cancel, seller_order_transition
from orders.models import Order, OrderEvent, SellerOrder
from orders.seller_central.services import seller_order_acknowledge
from payments.models import Refund
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory
from tests.fulfillment.returns_data import delivered_order
from tests.orders.order_data import order_build
from tests.orders.seller_orders_data import paid, part_of, seller_with_stock
from tests.payments.ledger_data import dispatch
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db
SS = SellerOrder.Status
Role = SellerMember.Role


def list_url(**query) -> str:
    from urllib.parse import urlencode

    return reverse("seller:order-list") + (f"?{urlencode(query)}" if query else "")


def numbers(response) -> list[str]:
    assert response.status_code == 200
    return [seller_order.number for seller_order in response.context["seller_orders"]]


@pytest.fixture
def shop():
    """Seven paid orders of one seller, placed in this order, in every state, and two it never sees."""
    today = timezone.localdate()
    seller, offers, _stocks = seller_with_stock(name="North Co", prices=("10.00",), on_hand=50)
    mug = OfferFactory(seller=seller, sku="MUG-RED", price_amount=Decimal("7.00"))
    StockFactory(offer=mug, warehouse=_stocks[0].warehouse, on_hand=10)
    offer = offers[0]
    member = SellerMemberFactory(seller=seller, role=Role.SHIPPING).user

    def part(ship_by, item=offer, quantity=1):
        return part_of(paid(parts=[[(item, quantity)]], ship_by=ship_by), seller)

    parts = {
        "overdue": part(today - timedelta(days=1)),
        "today": part(today),
        "soon": part(today + timedelta(days=2), item=mug, quantity=3),
        "later": part(today + timedelta(days=10)),
        "shipped": part(today - timedelta(days=3)),
        "delivered": part(today - timedelta(days=6)),
        "cancelled": part(today + timedelta(days=1)),
    }
    seller_order_transition(seller_order=parts["shipped"], to=SS.SHIPPED)
    seller_order_transition(seller_order=parts["delivered"], to=SS.SHIPPED)
    seller_order_transition(seller_order=parts["delivered"], to=SS.DELIVERED)
    seller_order_cancel(seller_order=parts["cancelled"], actor=member, reason="out_of_stock")
    seller_order_acknowledge(seller_order=parts["today"], actor=member)
    # Not paid: the seller never sees it. Another seller's order: never either.
    order_build(user=UserFactory(), parts=[[(offer, 1)]])
    other_seller, other_offers, _ = seller_with_stock(name="South Co")
    paid(parts=[[(other_offers[0], 1)]], ship_by=today)
    for seller_order in parts.values():
        seller_order.refresh_from_db()
    return {"seller": seller, "member": member, "parts": parts, "today": today}


def test_the_list_shows_orders_to_ship_by_ship_by_date(client, shop):
    client.force_login(shop["member"])
    p = shop["parts"]
    assert numbers(client.get(list_url())) == [
        p["overdue"].number,
        p["today"].number,
        p["soon"].number,
        p["later"].number,
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "to_acknowledge"}, ["overdue", "soon", "later"]),
        ({"status": "to_ship"}, ["overdue", "today", "soon", "later"]),
        ({"status": "shipped"}, ["shipped"]),
        ({"status": "delivered"}, ["delivered"]),
        ({"status": "cancelled"}, ["cancelled"]),
        ({"status": "all"}, ["delivered", "shipped", "overdue", "today", "cancelled", "soon", "later"]),
        (
            {"status": "all", "sort": "placed"},
            ["cancelled", "delivered", "shipped", "later", "soon", "today", "overdue"],
        ),
        ({"status": "all", "due": "overdue"}, ["overdue"]),
        ({"status": "all", "due": "today"}, ["today"]),
        ({"status": "all", "due": "soon"}, ["soon"]),
        ({"status": "to_acknowledge", "due": "today"}, []),
        ({"status": "all", "q": "mug-red"}, ["soon"]),
        (
            {"status": "nonsense", "sort": "nonsense", "due": "nonsense"},
            ["overdue", "today", "soon", "later"],
        ),
    ],
)
def test_the_filters_are_exact(client, shop, query, expected):
    client.force_login(shop["member"])
    assert numbers(client.get(list_url(**query))) == [shop["parts"][key].number for key in expected]


def test_searching_by_a_part_of_the_order_number(client, shop):
    client.force_login(shop["member"])
    target = shop["parts"]["delivered"]
    assert numbers(client.get(list_url(status="all", q=target.number[-8:]))) == [target.number]


def test_a_search_with_a_control_character_says_so_and_shows_the_unsearched_list(client, shop):
    client.force_login(shop["member"])
    response = client.get(list_url(q="MUG\x00"))
    assert "The search contains a character that is not allowed." in response.text
    assert len(numbers(response)) == 4


def test_a_row_shows_the_buyer_by_first_name_and_links_to_shipping(client, shop):
    client.force_login(shop["member"])
    page = client.get(list_url(status="all")).text
    overdue = shop["parts"]["overdue"]
    assert "<td>Ada L.</td>" in page
    assert "12 Analytical Way" not in page and overdue.order.user.email not in page
    assert reverse("seller:shipping-order", kwargs={"number": overdue.number}) in page
    assert reverse("seller:shipping-order", kwargs={"number": shop["parts"]["delivered"].number}) not in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_query_count_does_not_grow_with_its_rows(client, count, django_assert_num_queries):
    seller, offers, _ = seller_with_stock(on_hand=count)
    orders = [paid(parts=[[(offers[0], 1)]], ship_by=timezone.localdate()) for _ in range(count)]
    client.force_login(SellerMemberFactory(seller=seller).user)
    # Session, user, membership, count, the page of orders, the storefront's category navigation.
    with django_assert_num_queries(6):
        response = client.get(list_url())
    assert len(response.context["seller_orders"]) == min(count, 25)
    assert response.text.count('<th scope="row"><a href="/seller/orders/') == min(count, 25)
    assert response.context["page_obj"].paginator.count == len(orders)


def test_the_order_page_shows_lines_address_and_history(client, shop):
    client.force_login(shop["member"])
    cancelled = shop["parts"]["cancelled"]
    page = client.get(reverse("seller:order-detail", kwargs={"number": cancelled.number}))
    assert page.status_code == 200
    text = page.text
    line = cancelled.lines.get()
    assert f"<td>{line.title}</td><td>{line.sku}</td><td>1</td><td>$10.00</td><td>$10.00</td>" in text
    # Cancelled: only the town; no e-mail ever.
    assert "<p>Reno, NV, US</p>" in text and "12 Analytical Way" not in text
    assert cancelled.order.user.email not in text
    assert [(row.what, row.who, row.message) for row in page.context["audit"]] == [
        ("Paid: ready to ship", "Automatic", "Paid."),
        ("Cancelled", shop["member"].full_name or "Your team", "Out of stock"),
    ]
    assert reverse("seller:order-cancel", kwargs={"number": cancelled.number}) not in text

    open_part = shop["parts"]["overdue"]
    text = client.get(reverse("seller:order-detail", kwargs={"number": open_part.number})).text
    assert "12 Analytical Way" in text and "89501" in text
    assert reverse("seller:order-cancel", kwargs={"number": open_part.number}) in text
    assert reverse("seller:order-acknowledge", kwargs={"number": open_part.number}) in text
    assert reverse("seller:shipping-order", kwargs={"number": open_part.number}) in text


def test_an_unpaid_or_another_sellers_order_is_404(client, shop):
    client.force_login(shop["member"])
    unpaid = SellerOrder.objects.get(seller=shop["seller"], status=SS.PENDING_PAYMENT)
    other = SellerOrder.objects.exclude(seller=shop["seller"]).get()
    for seller_order in (unpaid, other):
        detail = reverse("seller:order-detail", kwargs={"number": seller_order.number})
        assert client.get(detail).status_code == 404
        for name in ("order-acknowledge", "order-cancel"):
            url = reverse(f"seller:{name}", kwargs={"number": seller_order.number})
            assert client.post(url, {"reason": "out_of_stock"}).status_code == 404
    other.refresh_from_db()
    assert (other.status, other.acknowledged_at) == (SS.READY_TO_SHIP, None)
    assert unpaid.events.count() == 0


def test_acknowledging_twice_changes_nothing_and_says_so(client, shop):
    client.force_login(shop["member"])
    part = shop["parts"]["overdue"]
    url = reverse("seller:order-acknowledge", kwargs={"number": part.number})
    first = client.post(url, {"next": list_url(status="all")}, follow=True)
    assert first.redirect_chain == [(list_url(status="all"), 302)]
    assert f"Order {part.number} acknowledged." in first.text
    part.refresh_from_db()
    acknowledged_at = part.acknowledged_at
    assert acknowledged_at is not None

    second = client.post(url, follow=True)
    assert f"Order {part.number} was already acknowledged; nothing changed." in second.text
    part.refresh_from_db()
    assert part.acknowledged_at == acknowledged_at
    assert OrderEvent.objects.filter(seller_order=part, kind="acknowledged").count() == 1
    event = OrderEvent.objects.get(seller_order=part, kind="acknowledged")
    assert event.actor == shop["member"]


def test_acknowledging_with_htmx_returns_the_cell(client, shop):
    client.force_login(shop["member"])
    part = shop["parts"]["soon"]
    response = client.post(
        reverse("seller:order-acknowledge", kwargs={"number": part.number}), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.text.strip().startswith(f'<div class="order-acknowledge" id="ack-{part.number}">')
    assert "Acknowledged <time" in response.text and f"Order {part.number} acknowledged." in response.text


def test_a_cancelled_order_cannot_be_acknowledged(client, shop):
    client.force_login(shop["member"])
    part = shop["parts"]["cancelled"]
    response = client.post(
        reverse("seller:order-acknowledge", kwargs={"number": part.number}), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert f"Order {part.number} is cancelled and cannot be acknowledged." in response.text
    part.refresh_from_db()
    assert part.acknowledged_at is None


def test_an_off_site_next_is_ignored(client, shop):
    client.force_login(shop["member"])
    part = shop["parts"]["later"]
    url = reverse("seller:order-acknowledge", kwargs={"number": part.number})
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("seller:order-detail", kwargs={"number": part.number})


def test_cancelling_from_the_page(client, shop):
    client.force_login(shop["member"])
    part = shop["parts"]["later"]
    url = reverse("seller:order-cancel", kwargs={"number": part.number})
    response = client.post(url, {"reason": "other", "note": "Label printer on fire."}, follow=True)
    assert response.redirect_chain == [(reverse("seller:order-detail", kwargs={"number": part.number}), 302)]
    assert f"Order {part.number} cancelled; the buyer is refunded and told by e-mail." in response.text
    part.refresh_from_db()
    assert part.status == SS.CANCELLED
    dispatch()
    # The only part of its order: the order is cancelled and refunded in full.
    assert Order.objects.get(pk=part.order_id).status == Order.Status.CANCELLED
    assert Refund.objects.get(payment__order_id=part.order_id).amount == Decimal("15.00")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose why you are cancelling."),
        ({"reason": "bored"}, "Choose one of the listed reasons."),
        ({"reason": "other", "note": ""}, "Say in the note why you are cancelling."),
        ({"reason": "other", "note": "x" * 301}, "The note is too long: at most 300 characters."),
        ({"reason": "other", "note": "bad\x00"}, "The note contains a character that is not allowed."),
    ],
)
def test_a_bad_cancellation_re_renders_with_400_and_changes_nothing(client, shop, data, message):
    client.force_login(shop["member"])
    part = shop["parts"]["overdue"]
    response = client.post(reverse("seller:order-cancel", kwargs={"number": part.number}), data)
    assert response.status_code == 400
    assert message in response.text
    part.refresh_from_db()
    assert part.status == SS.READY_TO_SHIP
    assert not OrderEvent.objects.filter(seller_order=part, kind=SS.CANCELLED).exists()


def test_a_shipped_or_cancelled_order_cannot_be_cancelled_from_the_page(client, shop):
    client.force_login(shop["member"])
    for key, message in (
        ("shipped", "is shipped: only an order with no unit shipped can be cancelled."),
        ("cancelled", "is already cancelled."),
    ):
        part = shop["parts"][key]
        response = client.post(
            reverse("seller:order-cancel", kwargs={"number": part.number}), {"reason": "out_of_stock"}
        )
        assert response.status_code == 400
        assert f"Order {part.number} {message}" in response.text
        assert SellerOrder.objects.get(pk=part.pk).status == part.status


def test_a_shipped_and_delivered_order_cannot_be_cancelled():
    order, seller_order, *_ = delivered_order()
    with pytest.raises(ApplicationError) as refused:
        seller_order_cancel(seller_order=seller_order, actor=None, reason="out_of_stock")
    assert "only an order with no unit shipped can be cancelled" in str(refused.value)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.OWNER, True), (Role.MANAGER, True), (Role.SHIPPING, True), (Role.FINANCE, False)],
)
def test_who_may_cancel_and_acknowledge(client, shop, role, allowed):
    part = shop["parts"]["overdue"]
    client.force_login(SellerMemberFactory(seller=shop["seller"], role=role).user)
    ack = client.post(reverse("seller:order-acknowledge", kwargs={"number": part.number}))
    cancel = client.post(
        reverse("seller:order-cancel", kwargs={"number": part.number}), {"reason": "out_of_stock"}
    )
    part.refresh_from_db()
    if allowed:
        assert (ack.status_code, cancel.status_code) == (302, 302)
        assert part.status == SS.CANCELLED and part.acknowledged_at is not None
    else:
        assert (ack.status_code, cancel.status_code) == (404, 404)
        assert part.status == SS.READY_TO_SHIP and part.acknowledged_at is None


def test_another_sellers_member_changes_nothing(client, shop):
    stranger = SellerMemberFactory(seller=seller_with_stock(name="West Co")[0], role=Role.OWNER).user
    client.force_login(stranger)
    part = shop["parts"]["overdue"]
    for name in ("order-acknowledge", "order-cancel"):
        url = reverse(f"seller:{name}", kwargs={"number": part.number})
        assert client.post(url, {"reason": "out_of_stock"}).status_code == 404
    part.refresh_from_db()
    assert (part.status, part.acknowledged_at) == (SS.READY_TO_SHIP, None)
    assert len(client.get(list_url(status="all")).context["seller_orders"]) == 0


def test_the_dashboard_card_counts_to_acknowledge_due_today_and_overdue(client, shop):
    client.force_login(shop["member"])
    page = client.get(reverse("seller:dashboard"))
    (card,) = [card for card in page.context["cards"] if card["key"] == "orders"]
    assert card["context"]["rows"] == [("To acknowledge", 3), ("To ship today", 1), ("Overdue", 1)]
    assert f'href="{reverse("seller:order-list")}"' in page.text


def test_the_card_is_not_shown_to_finance(client, shop):
    client.force_login(SellerMemberFactory(seller=shop["seller"], role=Role.FINANCE).user)
    page = client.get(reverse("seller:dashboard"))
    assert [card["key"] for card in page.context["cards"] if card["key"] == "orders"] == []
