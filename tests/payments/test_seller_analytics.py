"""Seller Central analytics: exact figures, the CSVs, bad periods, roles, other sellers, query budget."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse

from catalog.models import ProductViewDaily
from fulfillment.returns import return_receive, return_request_create
from orders.lifecycle import seller_order_cancel
from orders.models import Order, SellerOrder
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory
from tests.fulfillment.returns_data import delivered_order
from tests.orders.order_data import order_build
from tests.payments.ledger_data import dispatch, paid_order
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db

D = Decimal
Role = SellerMember.Role
URL = reverse("seller:analytics")
CSV_URL = reverse("seller:analytics-csv")


def today():
    return datetime.now(UTC).date()


@pytest.fixture
def shop():
    """A seller with listings A ($10) and B ($25) and three orders over two days.

    * yesterday: order 1, 2 x A + 1 x B, delivered; 1 unit of A returned and received;
    * today: order 2, 1 x A; order 3, 1 x B, cancelled by the seller;
    * another seller also lists A and sells one today; a third product, not ours, has 100 views.
    * views of A: yesterday 10 with our buy box + 5 with the other's; today 4 without a buy box;
      views of B: today 6 with our buy box.
    """
    order1, part1, _warehouse, stocks, _payment = delivered_order(
        prices=("10.00", "25.00"), quantities=(2, 1)
    )
    seller = part1.seller
    offer_a, offer_b = (stock.offer for stock in stocks)
    yesterday = today() - timedelta(days=1)
    Order.objects.filter(pk=order1.pk).update(paid_at=F("paid_at") - timedelta(days=1))
    line_a = part1.lines.get(offer=offer_a)
    rma = return_request_create(
        user=order1.user, seller_order=part1, quantities={line_a.pk: 1}, reason="no_longer_needed"
    )
    return_receive(return_request=rma, seller=seller)
    dispatch()

    paid_order(user=UserFactory(), parts=[[(offer_a, 1)]])
    order3, _ = paid_order(user=UserFactory(), parts=[[(offer_b, 1)]])
    seller_order_cancel(seller_order=order3.seller_orders.get(), actor=None, reason="out_of_stock")

    other = SellerFactory(name="Other Co")
    rival = OfferFactory(seller=other, product=offer_a.product, price_amount=D("9.00"))
    StockFactory(offer=rival, on_hand=5)
    paid_order(user=UserFactory(), parts=[[(rival, 1)]])
    dispatch()

    views = ProductViewDaily.objects
    views.create(product=offer_a.product, day=yesterday, buy_box_seller=seller, views=10)
    views.create(product=offer_a.product, day=yesterday, buy_box_seller=other, views=5)
    views.create(product=offer_a.product, day=today(), buy_box_seller=None, views=4)
    views.create(product=offer_b.product, day=today(), buy_box_seller=seller, views=6)
    views.create(product=ProductFactory(), day=today(), buy_box_seller=other, views=100)

    owner = SellerMemberFactory(seller=seller, role=Role.OWNER).user
    return {
        "seller": seller,
        "owner": owner,
        "a": offer_a,
        "b": offer_b,
        "other": other,
        "yesterday": yesterday,
    }


def two_days(shop) -> dict:
    return {"start": shop["yesterday"].isoformat(), "end": today().isoformat()}


def figures(page) -> dict:
    return {
        "sales": page.context["summary"].sales,
        "units": page.context["summary"].units,
        "orders": page.context["summary"].orders,
        "aov": page.context["summary"].average_order_value,
        "returned": page.context["summary"].returned_units,
        "returns_rate": page.context["returns_rate"],
        "views": page.context["summary"].views,
        "conversion": page.context["conversion"],
        "buy_box_share": page.context["buy_box_share"],
    }


def test_the_totals_per_day_and_per_listing_are_exact(client, shop):
    client.force_login(shop["owner"])
    page = client.get(URL, two_days(shop))

    assert page.status_code == 200
    assert figures(page) == {
        "sales": D("55.00"),
        "units": 4,
        "orders": 2,
        "aov": D("27.50"),
        "returned": 1,
        "returns_rate": "25.0%",
        "views": 25,
        "conversion": "8.0%",
        "buy_box_share": "64.0%",
    }
    days = [
        (day.day, day.views, day.buy_box_views, day.orders, day.units, day.sales, rate)
        for day, rate in page.context["days"]
    ]
    assert days == [
        (shop["yesterday"], 15, 10, 1, 3, D("45.00"), "6.7%"),
        (today(), 10, 6, 1, 1, D("10.00"), "10.0%"),
    ]
    listings = [
        (offer.sku, offer.views, offer.units, offer.orders, offer.sales, conversion, share)
        for offer, conversion, share in page.context["listings"]
    ]
    assert listings == [
        (shop["a"].sku, 19, 3, 2, D("30.00"), "10.5%", "52.6%"),
        (shop["b"].sku, 6, 1, 1, D("25.00"), "16.7%", "100.0%"),
    ]
    html = page.content.decode()
    assert "$55.00" in html and "$27.50" in html
    assert html.count("<figure") == 3 and html.count("<figcaption") == 3 and html.count('role="img"') == 3
    assert "Sales per day as a table" in html
    assert " style=" not in html and "<script>" not in html


def test_the_default_period_is_the_last_30_days_and_presets_work(client, shop):
    client.force_login(shop["owner"])
    default = client.get(URL)
    assert (default.context["period"].days, default.context["period"].end) == (30, today())
    assert figures(default)["sales"] == D("55.00")
    week = client.get(URL, {"period": "7"})
    assert (week.context["period"].days, len(week.context["charts"][0]["bars"])) == (7, 7)
    assert 'aria-current="true">Last 7 days' in week.content.decode()


def test_the_csv_gives_the_same_figures_per_day_and_per_listing(client, shop):
    shop["a"].product.title = '=HYPERLINK("https://evil.example","x")'
    shop["a"].product.save()
    client.force_login(shop["owner"])

    response = client.get(CSV_URL, two_days(shop))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="analytics-days-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["Day (UTC)", "Page views", "Buy-box views", "Orders", "Units", "Sales", "Conversion"],
        [shop["yesterday"].isoformat(), "15", "10", "1", "3", "45.00", "0.0667"],
        [today().isoformat(), "10", "6", "1", "1", "10.00", "0.1000"],
    ]

    response = client.get(CSV_URL, {**two_days(shop), "report": "listings"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["Title", "SKU", "Page views", "Units", "Orders", "Sales", "Conversion", "Buy-box share"],
        ["'" + shop["a"].product.title, shop["a"].sku, "19", "3", "2", "30.00", "0.1053", "0.5263"],
        [shop["b"].product.title, shop["b"].sku, "6", "1", "1", "25.00", "0.1667", "1.0000"],
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-02-30", "end": "2026-03-01"}, "2026-02-30 is not a date."),
        ({"start": "yesterday", "end": "2026-03-01"}, "Enter the start date as YYYY-MM-DD"),
        ({"start": "2026-03-01"}, "Give both the first and the last day of the period."),
        ({"start": "2026-03-02", "end": "2026-03-01"}, "The period must start on or before its last day."),
        ({"start": "2025-01-01", "end": "2026-03-01"}, "A period covers at most 366 days"),
        (
            {"start": "1999-12-31", "end": "2000-01-02"},
            "The start date must be between 2000-01-01 and today.",
        ),
        ({"period": "14"}, "Choose the last 7, 30 or 90 days"),
        ({"period": "7\x00"}, "Choose the last 7, 30 or 90 days"),
    ],
)
def test_bad_periods_are_a_400_with_the_reason(client, shop, params, message):
    client.force_login(shop["owner"])
    for url in (URL, CSV_URL):
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_a_future_end_and_an_unknown_report_are_refused(client, shop):
    client.force_login(shop["owner"])
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = client.get(URL, {"start": today().isoformat(), "end": tomorrow})
    assert response.status_code == 400
    assert "The end date must be between 2000-01-01 and today." in response.content.decode()
    response = client.get(CSV_URL, {"report": "everything"})
    assert response.status_code == 400
    assert "Choose the per-day or the per-listing figures to download." in response.content.decode()


def test_owners_and_managers_see_it_finance_and_shipping_get_404(client, shop):
    for role, status in ((Role.MANAGER, 200), (Role.FINANCE, 404), (Role.SHIPPING, 404)):
        client.force_login(SellerMemberFactory(seller=shop["seller"], role=role).user)
        assert client.get(URL).status_code == status, role
        assert client.get(CSV_URL).status_code == status, role


def test_another_sellers_member_sees_only_its_own_figures(client, shop):
    client.force_login(SellerMemberFactory(seller=shop["other"], role=Role.OWNER).user)
    page = client.get(URL, two_days(shop))
    assert figures(page) == {
        "sales": D("9.00"),
        "units": 1,
        "orders": 1,
        "aov": D("9.00"),
        "returned": 0,
        "returns_rate": "0.0%",
        "views": 19,  # product A's views; the 100 of the third product are nobody's listing's
        "conversion": "5.3%",
        "buy_box_share": "26.3%",
    }
    assert [offer.sku for offer, *_ in page.context["listings"]] == [
        offer.sku for offer in shop["other"].offers.all()
    ]


def test_the_dashboard_card_shows_the_last_30_days_to_owners_not_finance(client, shop):
    client.force_login(shop["owner"])
    page = client.get(reverse("seller:dashboard")).content.decode()
    assert "Last 30 days" in page
    assert "$55.00" in page and "8.0%" in page
    assert f'href="{URL}"' in page
    client.force_login(SellerMemberFactory(seller=shop["seller"], role=Role.FINANCE).user)
    assert "Last 30 days" not in client.get(reverse("seller:dashboard")).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_query_count_is_the_same_for_3_and_30_listings_and_orders(
    client, count, django_assert_num_queries
):
    seller = SellerFactory()
    offers = [OfferFactory(seller=seller) for _ in range(count)]
    for offer in offers:
        StockFactory(offer=offer, on_hand=5)
    now = datetime.now(UTC)
    for offer in offers:
        order = order_build(user=UserFactory(), parts=[[(offer, 1)]])
        Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, paid_at=now)
        SellerOrder.objects.filter(order=order).update(status=SellerOrder.Status.READY_TO_SHIP)
        ProductViewDaily.objects.create(product=offer.product, day=today(), buy_box_seller=seller, views=3)
    client.force_login(SellerMemberFactory(seller=seller).user)

    with django_assert_num_queries(9):
        page = client.get(URL)
    assert figures(page)["orders"] == count
    assert len(page.context["listings"]) == min(count, 25)
