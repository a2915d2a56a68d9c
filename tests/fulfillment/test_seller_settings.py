"""Shipping settings and the return policy (owners only), the checklist steps and the inventory card."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fulfillment.models import ReturnPolicy, SellerShippingSettings, Stock, StockAlertSetting
from fulfillment.return_policy import return_terms
from sellers.models import SellerMember
from tests.fulfillment.inventory_data import inventory_shop
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db
SHIPPING = reverse("seller:shipping-settings")
RETURNS = reverse("seller:return-policy")


@pytest.fixture
def shop(client):
    made = inventory_shop(listings=2)
    client.force_login(made["owner"])
    return made


def test_the_shipping_settings_save_the_handling_time_and_show_the_warehouses(client, shop):
    page = client.get(SHIPPING)
    assert page.status_code == 200 and page.context["form"].initial == {"handling_days": 2}
    assert "Reno DC" in page.text and reverse("seller:warehouse-add") in page.text

    response = client.post(SHIPPING, {"handling_days": "1"})

    assert response.status_code == 302 and response["Location"] == SHIPPING
    assert SellerShippingSettings.objects.get(seller=shop["seller"]).handling_days == 1
    assert "Saved: new listings are handled in 1 business day." in client.get(SHIPPING).text


@pytest.mark.parametrize(
    "typed, message",
    [
        ("31", "The handling time must be from 0 to 30."),
        ("-1", "The handling time must be from 0 to 30."),
        ("two", "'two' is not a whole number: the handling time must be from 0 to 30."),
        ("", "This field is required."),
    ],
)
def test_a_bad_handling_time_is_refused(client, shop, typed, message):
    response = client.post(SHIPPING, {"handling_days": typed})
    assert response.status_code == 400
    assert response.context["form"].errors["handling_days"] == [message]
    assert not SellerShippingSettings.objects.exists()


def test_the_return_policy_starts_from_the_marketplace_terms_and_saves(client, shop, settings):
    settings.RETURN_WINDOW_DAYS = 30
    page = client.get(RETURNS)
    assert page.context["form"].initial == {
        "window_days": 30,
        "shipping_refund": "seller_fault",
        "review_every_return": False,
    }
    assert "You have not set a policy yet" in page.text

    response = client.post(
        RETURNS, {"window_days": "60", "shipping_refund": "always", "review_every_return": "on"}
    )

    assert response.status_code == 302
    terms = return_terms(seller=ReturnPolicy.objects.get(seller=shop["seller"]).seller)
    assert (terms.window_days, terms.shipping_refund, terms.review_every_return) == (60, "always", True)
    assert "Saved: returns are accepted within 60 days of delivery." in client.get(RETURNS).text
    assert client.post(RETURNS, {"window_days": "0", "shipping_refund": "never"}).status_code == 302
    assert ReturnPolicy.objects.get(seller=shop["seller"]).window_days == 0


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"window_days": "366", "shipping_refund": "always"},
            "window_days",
            "The return window must be from 0 to 365.",
        ),
        (
            {"window_days": "1e3", "shipping_refund": "always"},
            "window_days",
            "'1e3' is not a whole number: the return window must be from 0 to 365.",
        ),
        (
            {"window_days": "30", "shipping_refund": "sometimes"},
            "shipping_refund",
            "Select a valid choice. sometimes is not one of the available choices.",
        ),
    ],
)
def test_a_bad_return_policy_is_refused(client, shop, data, field, message):
    response = client.post(RETURNS, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not ReturnPolicy.objects.exists()


def test_the_settings_bounds_narrow_the_return_window(client, shop, settings):
    settings.RETURN_WINDOW_MIN_DAYS, settings.RETURN_WINDOW_MAX_DAYS = 14, 90
    response = client.post(RETURNS, {"window_days": "7", "shipping_refund": "always"})
    assert response.status_code == 400
    assert response.context["form"].errors["window_days"] == ["The return window must be from 14 to 90."]
    assert client.post(RETURNS, {"window_days": "90", "shipping_refund": "always"}).status_code == 302


def test_only_the_owner_opens_the_settings(client, shop):
    for role in (SellerMember.Role.MANAGER, SellerMember.Role.SHIPPING, SellerMember.Role.FINANCE):
        client.force_login(SellerMemberFactory(seller=shop["seller"], role=role).user)
        assert client.get(SHIPPING).status_code == 404
        assert client.post(RETURNS, {"window_days": "10", "shipping_refund": "always"}).status_code == 404
    assert not ReturnPolicy.objects.exists()


def test_the_checklist_steps_are_done_with_a_warehouse_and_a_return_policy(client):
    seller = SellerFactory()
    owner = SellerMemberFactory(seller=seller).user
    client.force_login(owner)

    def steps():
        checklist = client.get(reverse("seller:dashboard")).context["checklist"]
        return {step["key"]: (step["label"], step["url"], step["done"]) for step in checklist}

    before = steps()
    assert before["shipping"] == ("Set up shipping (a warehouse and handling time)", SHIPPING, False)
    assert before["return-policy"] == ("Set your return policy", RETURNS, False)
    client.post(
        reverse("seller:warehouse-add"),
        {
            "name": "Home",
            "city": "Reno",
            "country": "US",
            "timezone": "America/Los_Angeles",
            "cutoff_hour": "14",
            "latitude": "39.5",
            "longitude": "-119.8",
            "is_active": "on",
        },
    )
    client.post(RETURNS, {"window_days": "30", "shipping_refund": "seller_fault"})
    after = steps()
    assert after["shipping"][2] is True and after["return-policy"][2] is True


def test_the_inventory_card_counts_low_and_out_of_stock_listings(client, shop):
    first, second = shop["offers"]
    StockAlertSetting.objects.create(offer=first, low_stock_threshold=20)
    Stock.objects.filter(offer=second).update(on_hand=0)
    page = client.get(reverse("seller:dashboard"))
    (card,) = [card for card in page.context["cards"] if card["key"] == "inventory"]
    assert card["context"]["rows"] == [
        ("Low on stock", 1),
        ("Out of stock", 1),
        ("Warehouses", "2 active of 2"),
    ]
    assert card["context"]["url"] == reverse("seller:inventory") + "?stock=low"
    assert "<dt>Low on stock</dt><dd>1</dd>" in page.text

    finance = SellerMemberFactory(seller=shop["seller"], role=SellerMember.Role.FINANCE).user
    client.force_login(finance)
    assert "inventory" not in [
        card["key"] for card in client.get(reverse("seller:dashboard")).context["cards"]
    ]
