"""The seller's warehouses: the list, adding and editing one, and what is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from fulfillment.models import Stock, Warehouse
from sellers.models import SellerMember
from tests.fulfillment.factories import WarehouseFactory
from tests.fulfillment.inventory_data import inventory_shop
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db
LIST = reverse("seller:warehouse-list")
ADD = reverse("seller:warehouse-add")

VALID = {
    "name": "Denver Hub",
    "line1": "1 Blake St",
    "city": "Denver",
    "region": "CO",
    "postal_code": "80202",
    "country": "US",
    "timezone": "America/Denver",
    "cutoff_hour": "15",
    "latitude": "39.7392",
    "longitude": "-104.9903",
    "is_active": "on",
}


def edit_url(warehouse):
    return reverse("seller:warehouse-edit", kwargs={"pk": warehouse.pk})


def fields_of(warehouse) -> dict:
    warehouse.refresh_from_db()
    return {
        name: getattr(warehouse, name) for name in ("name", "city", "cutoff_hour", "latitude", "is_active")
    }


@pytest.fixture
def shop(client):
    made = inventory_shop(listings=1)
    client.force_login(made["owner"])
    return made


def test_the_list_shows_the_sellers_warehouses_with_their_stock(client, shop):
    WarehouseFactory(seller=None, name="Marketplace FC")
    inventory_shop(listings=1, name="Other Co")

    response = client.get(LIST)

    assert response.status_code == 200
    rows = [(w.name, w.units_on_hand, w.listings, w.is_active) for w in response.context["warehouses"]]
    assert rows == [("Austin DC", 4, 1, True), ("Reno DC", 10, 1, True)]
    assert "Marketplace FC" not in response.text and edit_url(shop["reno"]) in response.text


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_makes_the_same_queries_for_3_and_30_warehouses(
    client, shop, count, django_assert_num_queries
):
    for n in range(count - 2):
        WarehouseFactory(seller=shop["seller"], name=f"Extra {n:02d}")
    client.get(LIST)
    with django_assert_num_queries(4):  # session, user, membership, the warehouses with their stock
        response = client.get(LIST)
    assert len(response.context["warehouses"]) == count


def test_adding_a_warehouse_generates_a_unique_code(client, shop):
    response = client.post(ADD, VALID)
    assert response.status_code == 302 and response["Location"] == LIST
    again = client.post(ADD, VALID)
    assert again.status_code == 302
    added = list(Warehouse.objects.filter(seller=shop["seller"], name="Denver Hub").order_by("pk"))
    assert len(added) == 2 and added[0].code != added[1].code
    assert added[0].code.startswith(f"{shop['seller'].slug}-denver-hub-")
    made = added[0]
    assert (made.city, made.timezone, made.cutoff_hour, made.latitude, made.longitude, made.is_active) == (
        "Denver",
        "America/Denver",
        15,
        Decimal("39.739200"),
        Decimal("-104.990300"),
        True,
    )


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"latitude": "91"}, "latitude", "Ensure this value is less than or equal to 90."),
        ({"longitude": "-180.5"}, "longitude", "Ensure this value is greater than or equal to -180."),
        ({"latitude": "north"}, "latitude", "Enter a number."),
        ({"latitude": "NaN"}, "latitude", "Enter a number."),
        ({"longitude": ""}, "longitude", "This field is required."),
        ({"cutoff_hour": "24"}, "cutoff_hour", "The cut-off hour must be from 0 to 23."),
        (
            {"cutoff_hour": "noon"},
            "cutoff_hour",
            "'noon' is not a whole number: the cut-off hour must be from 0 to 23.",
        ),
        (
            {"cutoff_hour": "9" * 5000},
            "cutoff_hour",
            "Ensure this value has at most 40 characters (it has 5000).",
        ),
        (
            {"timezone": "Mars/Olympus"},
            "timezone",
            "'Mars/Olympus' is not an IANA time zone name, e.g. America/New_York.",
        ),
        ({"country": "XX"}, "country", "Select a valid choice. XX is not one of the available choices."),
        ({"name": "Hub\x00"}, "name", "Null characters are not allowed."),
        ({"city": ""}, "city", "This field is required."),
    ],
)
def test_bad_warehouse_input_is_refused_with_a_clear_message(client, shop, changes, field, message):
    response = client.post(ADD, {**VALID, **changes})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not Warehouse.objects.filter(name__startswith="Denver").exists()
    assert message.replace("'", "&#x27;") in response.text


def test_editing_a_warehouse(client, shop):
    reno = shop["reno"]
    page = client.get(edit_url(reno))
    assert page.status_code == 200 and page.context["form"].initial["name"] == "Reno DC"
    response = client.post(edit_url(reno), {**VALID, "name": "Reno North"})
    assert response.status_code == 302
    assert fields_of(reno) == {
        "name": "Reno North",
        "city": "Denver",
        "cutoff_hour": 15,
        "latitude": Decimal("39.739200"),
        "is_active": True,
    }


def test_a_warehouse_holding_stock_cannot_be_deactivated(client, shop):
    reno = shop["reno"]
    before = fields_of(reno)
    data = {**VALID, "name": "Reno DC"}
    del data["is_active"]

    response = client.post(edit_url(reno), data)

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Reno DC holds 10 units on hand: move or sell them (or set the stock to 0) before deactivating it."
    ]
    assert fields_of(reno) == before
    Stock.objects.filter(warehouse=reno).update(on_hand=0)
    assert client.post(edit_url(reno), data).status_code == 302
    assert fields_of(reno)["is_active"] is False


def test_another_sellers_warehouse_is_404_and_unchanged(client, shop):
    theirs = inventory_shop(listings=1, name="Other Co")["reno"]
    before = fields_of(theirs)
    assert client.get(edit_url(theirs)).status_code == 404
    assert client.post(edit_url(theirs), VALID).status_code == 404
    assert fields_of(theirs) == before


def test_warehouses_belong_to_the_inventory_section(client, shop):
    for role, status in (
        (SellerMember.Role.MANAGER, 200),
        (SellerMember.Role.SHIPPING, 404),
        (SellerMember.Role.FINANCE, 404),
    ):
        client.force_login(SellerMemberFactory(seller=shop["seller"], role=role).user)
        assert client.get(LIST).status_code == status
        assert client.get(ADD).status_code == status
