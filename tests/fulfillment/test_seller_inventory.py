"""The inventory page: stock per warehouse, filters, setting stock and thresholds inline, low-stock alerts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from fulfillment.inventory.history import Cause
from fulfillment.models import InventoryChange, Stock, StockAlertSetting
from fulfillment.stock import stock_release, stock_reserve
from orders.models import StockAllocation
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory
from tests.fulfillment.inventory_data import inventory_shop, levels
from tests.orders.order_data import order_build
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db
URL = reverse("seller:inventory")


def stock_url(offer, warehouse):
    return reverse("seller:stock-set", kwargs={"offer": offer.pk, "warehouse": warehouse.pk})


def threshold_url(offer):
    return reverse("seller:stock-threshold", kwargs={"offer": offer.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def shop(client):
    made = inventory_shop(listings=2)
    client.force_login(made["owner"])
    return made


def test_the_page_shows_each_listing_per_warehouse_with_totals_and_badges(client, shop):
    first, second = shop["offers"]
    reno_first = Stock.objects.get(offer=first, warehouse=shop["reno"])
    Stock.objects.filter(pk=reno_first.pk).update(reserved=3)
    Stock.objects.filter(offer=second).update(on_hand=0)
    StockAlertSetting.objects.create(offer=first, low_stock_threshold=11)
    OfferFactory(sku="NOT-MINE")  # another seller's listing is not shown

    response = client.get(URL)

    assert response.status_code == 200
    rows = {offer.sku: offer for offer in response.context["offers"]}
    assert list(rows) == [first.sku, second.sku]
    row = rows[first.sku]
    assert [(w.name, s.on_hand, s.reserved, s.available) for w, s in row.cells] == [
        ("Austin DC", 4, 0, 4),
        ("Reno DC", 10, 3, 7),
    ]
    assert (row.on_hand_total, row.reserved_total, row.available_total) == (14, 3, 11)
    assert (row.is_low, row.is_out, row.threshold) == (True, False, 11)
    assert (rows[second.sku].is_low, rows[second.sku].is_out) == (False, True)
    page = response.text
    assert "Low stock" in page and "Out of stock" in page and "NOT-MINE" not in page
    assert "3 reserved &middot; 7 available" in page
    assert f'action="{stock_url(first, shop["reno"])}"' in page
    assert f'hx-post="{threshold_url(first)}"' in page


def test_filters_find_by_title_or_sku_low_and_out_of_stock_and_warehouse(client, shop):
    first, second = shop["offers"]
    Stock.objects.filter(offer=second).update(on_hand=0)
    StockAlertSetting.objects.create(offer=first, low_stock_threshold=14)
    only_reno = OfferFactory(seller=shop["seller"], sku="RENO-ONLY")
    StockFactory(offer=only_reno, warehouse=shop["reno"], on_hand=50)

    def skus(query):
        response = client.get(URL, query)
        assert response.status_code == 200
        return [offer.sku for offer in response.context["offers"]]

    assert skus({"q": "kettle 01"}) == [second.sku]
    assert skus({"q": "reno-only"}) == ["RENO-ONLY"]
    assert skus({"stock": "low"}) == [first.sku]
    assert skus({"stock": "out"}) == [second.sku]
    assert skus({"warehouse": shop["austin"].pk}) == [first.sku, second.sku]
    response = client.get(URL, {"warehouse": shop["austin"].pk})
    assert [w.name for w in response.context["columns"]] == ["Austin DC"]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"warehouse": "abc"}, "Choose one of your warehouses."),
        ({"warehouse": "999999"}, "Choose one of your warehouses."),
        ({"q": "bad\x00search"}, "The search cannot contain control characters."),
    ],
)
def test_bad_filters_are_said_and_ignored(client, shop, query, message):
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response.context["filter_errors"] == [message]
    assert len(response.context["offers"]) == 2


def test_another_sellers_warehouse_is_not_a_filter(client, shop):
    theirs = inventory_shop(listings=1, name="Other Co")
    response = client.get(URL, {"warehouse": theirs["reno"].pk})
    assert response.context["filter_errors"] == ["Choose one of your warehouses."]
    assert [offer.sku for offer in response.context["offers"]] == [o.sku for o in shop["offers"]]


def test_the_page_lists_25_listings_a_page(client):
    shop = inventory_shop(listings=30)
    client.force_login(shop["owner"])
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    assert len(first.context["offers"]) == 25 and len(second.context["offers"]) == 5
    assert first.context["page_obj"].paginator.count == 30


@pytest.mark.parametrize("listings", [3, 30])
def test_the_page_makes_the_same_queries_for_3_and_30_listings(client, django_assert_num_queries, listings):
    shop = inventory_shop(listings=listings)
    for offer in shop["offers"]:
        StockAlertSetting.objects.create(offer=offer, low_stock_threshold=5)
    client.force_login(shop["owner"])
    client.get(URL)  # the session is warm
    # session, user, membership, warehouses, count, the page of offers, their stock rows
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert len(response.context["offers"]) == min(listings, 25)


# Setting the stock on hand


def test_setting_the_stock_saves_it_records_it_and_goes_back_to_the_page(client, shop):
    offer = shop["offers"][0]
    back = f"{URL}?q=kettle"

    response = client.post(stock_url(offer, shop["reno"]), {"on_hand": "25", "back": back})

    assert response.status_code == 302 and response["Location"] == back
    stock = Stock.objects.get(offer=offer, warehouse=shop["reno"])
    assert (stock.on_hand, stock.reserved) == (25, 0)
    change = InventoryChange.objects.get(stock=stock)
    assert (
        change.cause,
        change.delta_on_hand,
        change.delta_reserved,
        change.on_hand_after,
        change.reserved_after,
    ) == (
        Cause.MANUAL,
        15,
        0,
        25,
        0,
    )
    assert change.actor == shop["owner"]
    page = client.get(back)
    assert f"Saved: 25 of {offer.sku} on hand at Reno DC (25 available)." in messages_of(page)


def test_with_htmx_the_row_comes_back(client, shop):
    offer = shop["offers"][0]
    response = client.post(stock_url(offer, shop["austin"]), {"on_hand": "7"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="inventory-row-{offer.pk}">')
    assert f"Saved: 7 of {offer.sku} on hand at Austin DC (7 available)." in response.text
    assert response.context["offer"].on_hand_total == 17


def test_a_listing_not_stocked_in_a_warehouse_gets_a_row_there(client, shop):
    offer = OfferFactory(seller=shop["seller"])
    response = client.post(stock_url(offer, shop["austin"]), {"on_hand": "3"})
    assert response.status_code == 302
    assert Stock.objects.get(offer=offer, warehouse=shop["austin"]).on_hand == 3


def test_the_stock_cannot_go_below_what_is_reserved(client, shop):
    offer = shop["offers"][0]
    stock = Stock.objects.get(offer=offer, warehouse=shop["reno"])
    stock_reserve(offer_quantities={offer.pk: 12})  # 10 in Reno (nearest: by warehouse order) + 2
    before = levels(stock), InventoryChange.objects.count()

    response = client.post(stock_url(offer, shop["austin"]), {"on_hand": "1"})

    assert response.status_code == 400
    assert messages_of(response) == [
        f"{offer.sku} was not changed: 2 units are reserved for orders at Austin DC, "
        "so the stock on hand cannot go below 2."
    ]
    assert (levels(stock), InventoryChange.objects.count()) == before
    htmx = client.post(stock_url(offer, shop["austin"]), {"on_hand": "1"}, headers={"HX-Request": "true"})
    assert "so the stock on hand cannot go below 2." in htmx.text and 'role="alert"' in htmx.text


@pytest.mark.parametrize(
    "typed, message",
    [
        ("abc", "'abc' is not a whole number: the quantity on hand must be from 0 to 1,000,000."),
        ("-1", "The quantity on hand must be from 0 to 1,000,000."),
        ("1000001", "The quantity on hand must be from 0 to 1,000,000."),
        ("9" * 5000, "The quantity on hand must be from 0 to 1,000,000."),
        ("1.5", "'1.5' is not a whole number: the quantity on hand must be from 0 to 1,000,000."),
        ("\u00b2", "'\u00b2' is not a whole number: the quantity on hand must be from 0 to 1,000,000."),
        ("4\x00", "'4\\x00' is not a whole number: the quantity on hand must be from 0 to 1,000,000."),
        ("", "Enter the quantity on hand: a whole number from 0 to 1,000,000."),
    ],
)
def test_a_quantity_that_is_not_one_is_refused_and_changes_nothing(client, shop, typed, message):
    offer = shop["offers"][0]
    stock = Stock.objects.get(offer=offer, warehouse=shop["reno"])

    response = client.post(stock_url(offer, shop["reno"]), {"on_hand": typed})

    assert response.status_code == 400
    assert messages_of(response) == [f"{offer.sku} was not changed: {message}"]
    assert levels(stock) == (10, 0) and not InventoryChange.objects.exists()


def test_another_sellers_listing_or_warehouse_is_404_and_changes_nothing(client, shop):
    theirs = inventory_shop(listings=1, name="Other Co")
    mine, their_offer = shop["offers"][0], theirs["offers"][0]
    before = sorted(Stock.objects.values_list("pk", "on_hand", "reserved"))

    assert client.post(stock_url(their_offer, theirs["reno"]), {"on_hand": "0"}).status_code == 404
    assert client.post(stock_url(their_offer, shop["reno"]), {"on_hand": "0"}).status_code == 404
    assert client.post(stock_url(mine, theirs["reno"]), {"on_hand": "0"}).status_code == 404
    assert client.post(threshold_url(their_offer), {"threshold": "50"}).status_code == 404
    assert client.get(stock_url(mine, shop["reno"])).status_code == 405

    assert sorted(Stock.objects.values_list("pk", "on_hand", "reserved")) == before
    assert not InventoryChange.objects.exists() and not StockAlertSetting.objects.exists()


def test_a_manager_sets_stock_and_a_shipping_member_cannot(client, shop):
    offer = shop["offers"][0]
    manager = SellerMemberFactory(seller=shop["seller"], role=SellerMember.Role.MANAGER).user
    shipping = SellerMemberFactory(seller=shop["seller"], role=SellerMember.Role.SHIPPING).user
    client.force_login(shipping)
    assert client.post(stock_url(offer, shop["reno"]), {"on_hand": "1"}).status_code == 404
    client.force_login(manager)
    assert client.post(stock_url(offer, shop["reno"]), {"on_hand": "1"}).status_code == 302
    assert Stock.objects.get(offer=offer, warehouse=shop["reno"]).on_hand == 1


def test_selling_out_by_hand_takes_the_product_out_of_stock_and_back(
    client, shop, django_capture_on_commit_callbacks
):
    offer = shop["offers"][0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(stock_url(offer, shop["reno"]), {"on_hand": "0"})
        client.post(stock_url(offer, shop["austin"]), {"on_hand": "0"})
    offer.product.refresh_from_db()
    assert offer.product.in_stock is False
    with django_capture_on_commit_callbacks(execute=True):
        client.post(stock_url(offer, shop["austin"]), {"on_hand": "2"})
    offer.product.refresh_from_db()
    assert offer.product.in_stock is True


def test_an_inactive_warehouse_takes_no_new_stock(client, shop):
    offer = shop["offers"][0]
    Stock.objects.filter(warehouse=shop["austin"]).update(on_hand=0)
    type(shop["austin"]).objects.filter(pk=shop["austin"].pk).update(is_active=False)
    response = client.post(stock_url(offer, shop["austin"]), {"on_hand": "5"})
    assert response.status_code == 400
    assert messages_of(response) == [
        f"{offer.sku} was not changed: Austin DC is not active: activate it before adding stock."
    ]


# Low-stock threshold and alert


def low_stock_mails():
    return [m for m in mail.outbox if m.subject.startswith("Low stock:")]


def test_setting_a_threshold_and_clearing_it(client, shop):
    offer = shop["offers"][0]
    response = client.post(threshold_url(offer), {"threshold": "5"})
    assert response.status_code == 302
    assert StockAlertSetting.objects.get(offer=offer).low_stock_threshold == 5
    assert client.post(threshold_url(offer), {"threshold": " "}).status_code == 302
    assert not StockAlertSetting.objects.exists()


@pytest.mark.parametrize(
    "typed, message",
    [
        ("x", "'x' is not a whole number: the low-stock threshold must be from 0 to 1,000,000."),
        ("-3", "The low-stock threshold must be from 0 to 1,000,000."),
        ("10000000", "The low-stock threshold must be from 0 to 1,000,000."),
    ],
)
def test_a_bad_threshold_is_refused(client, shop, typed, message):
    offer = shop["offers"][0]
    response = client.post(threshold_url(offer), {"threshold": typed})
    assert response.status_code == 400
    assert messages_of(response) == [f"{offer.sku} was not changed: {message}"]
    assert not StockAlertSetting.objects.exists()


def test_the_low_stock_e_mail_goes_once_per_crossing(client, shop, django_capture_on_commit_callbacks):
    offer = shop["offers"][0]  # 10 in Reno, 4 in Austin: 14 available
    client.post(threshold_url(offer), {"threshold": "5"})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(offer_quantities={offer.pk: 9})  # 5 left: the alert fires
    assert StockAlertSetting.objects.get(offer=offer).alerted_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(offer_quantities={offer.pk: 2})  # 3 left: still low, no second e-mail
        client.post(stock_url(offer, shop["austin"]), {"on_hand": "3"})  # 2 left (still low)

    (sent,) = low_stock_mails()
    assert sent.subject == f"Low stock: Kettle 00 ({offer.sku}) has 5 left"
    assert sent.to == [shop["owner"].email, shop["seller"].support_email]
    assert "at or below the low-stock threshold of 5" in sent.body
    assert f"/seller/inventory/?q={offer.sku}" in sent.body
    assert sent.alternatives[0][1] == "text/html"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(stock_url(offer, shop["reno"]), {"on_hand": "40"})  # back above: re-armed
    assert StockAlertSetting.objects.get(offer=offer).alerted_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(stock_url(offer, shop["reno"]), {"on_hand": "12"})  # 12 + 3 - 11 reserved = 4
    assert [m.subject for m in low_stock_mails()] == [
        f"Low stock: Kettle 00 ({offer.sku}) has 5 left",
        f"Low stock: Kettle 00 ({offer.sku}) has 4 left",
    ]


def test_a_release_brings_the_units_back_and_re_arms_the_alert(shop, django_capture_on_commit_callbacks):
    offer = shop["offers"][0]
    StockAlertSetting.objects.create(offer=offer, low_stock_threshold=5)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_build(user=UserFactory(), parts=[[(offer, 10)]])
    assert StockAlertSetting.objects.get(offer=offer).alerted_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        stock_release(allocations=StockAllocation.objects.filter(line__seller_order__order=order))
    assert StockAlertSetting.objects.get(offer=offer).alerted_at is None
    assert len(low_stock_mails()) == 1


def test_a_threshold_set_above_what_is_available_alerts_at_once(
    client, shop, django_capture_on_commit_callbacks
):
    offer = shop["offers"][0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(threshold_url(offer), {"threshold": "20"})
        client.post(threshold_url(offer), {"threshold": "15"})
    assert [m.subject for m in low_stock_mails()] == [f"Low stock: Kettle 00 ({offer.sku}) has 14 left"]


def test_a_new_seller_is_asked_to_add_a_warehouse_here_and_on_the_dashboard(client):
    seller = SellerFactory()
    client.force_login(SellerMemberFactory(seller=seller).user)

    page = client.get(URL)

    assert page.status_code == 200
    assert "You have no warehouse yet: add one to hold your stock." in page.text
    assert reverse("seller:warehouse-add") in page.text and "You have no listings yet." in page.text
    dashboard = client.get(reverse("seller:dashboard"))
    cards = {card["key"]: card["context"] for card in dashboard.context["cards"]}
    assert cards["inventory"]["empty"] == "Add a warehouse to hold your stock."
    assert cards["inventory"]["url"] == reverse("seller:warehouse-add")
