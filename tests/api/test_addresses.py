"""/api/v1/addresses/: the shopper's own address book, checked as the storefront checks it."""

import pytest

from marketplace.accounts.models import Address
from tests.accounts.factories import AddressFactory
from tests.api.conftest import assert_problem, patch_json, post_json, signed_in_client, verified_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/addresses/"
ADA = {
    "full_name": "Ada Buyer",
    "line1": "1 Market St",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "941031234",
    "country": "US",
}


def test_creating_the_first_address_makes_it_the_default_with_the_storefront_s_cleaning(shopper_api, shopper):
    response = post_json(shopper_api, URL, ADA)

    assert response.status_code == 201, response.content
    body = response.json()
    address = Address.objects.get(user=shopper)
    assert body["id"] == address.pk
    assert body["postal_code"] == "94103-1234"  # normalised by AddressForm
    assert body["is_default"] is True
    assert {k: body[k] for k in ("full_name", "line1", "line2", "city", "country", "phone")} == {
        "full_name": "Ada Buyer",
        "line1": "1 Market St",
        "line2": "",
        "city": "San Francisco",
        "country": "US",
        "phone": "",
    }


def test_the_storefront_rules_refuse_a_bad_address_with_field_errors(shopper_api, shopper):
    body = assert_problem(post_json(shopper_api, URL, ADA | {"country": "ZZ", "line1": "x" * 201}), 400)
    assert set(body["errors"]) == {"country", "line1"}
    body = assert_problem(post_json(shopper_api, URL, ADA | {"postal_code": "9410"}), 400)
    assert body["errors"] == {
        "postal_code": ["Enter a US ZIP code of 5 or 9 digits, e.g. 94103 or 94103-1234."]
    }
    assert not Address.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (ADA | {"city": 12}, "city"),
        (ADA | {"full_name": "Ada\x00"}, "full_name"),
        (ADA | {"is_staff": True}, "is_staff"),
        (ADA | {"user": 1}, "user"),
        (ADA | {"id": 5}, "id"),
        ({k: v for k, v in ADA.items() if k != "line1"}, "line1"),
    ],
)
def test_wrong_types_and_unknown_fields_are_400(shopper_api, payload, field):
    body = assert_problem(post_json(shopper_api, URL, payload), 400)
    assert field in body["errors"]
    assert not Address.objects.exists()


def test_a_body_that_is_not_an_object_is_400(shopper_api):
    body = assert_problem(post_json(shopper_api, URL, ["Ada"]), 400)
    assert "non_field_errors" in body["errors"]


def test_updating_checks_the_whole_address_and_changes_only_what_was_sent(shopper_api, shopper):
    address = AddressFactory(user=shopper, country="US", postal_code="94103", phone="")

    response = patch_json(shopper_api, f"{URL}{address.pk}/", {"phone": "+1 415 555 0100"})

    assert response.status_code == 200, response.content
    address.refresh_from_db()
    assert address.phone == "+1 415 555 0100" and address.postal_code == "94103"
    assert_problem(patch_json(shopper_api, f"{URL}{address.pk}/", {"postal_code": "x"}), 400)
    address.refresh_from_db()
    assert address.postal_code == "94103"


def test_setting_the_default_and_deleting_it_hands_over(shopper_api, shopper):
    first = AddressFactory(user=shopper, is_default=True)
    second = AddressFactory(user=shopper)

    response = shopper_api.post(f"{URL}{second.pk}/default/")
    assert response.status_code == 200 and response.json()["is_default"] is True
    first.refresh_from_db()
    assert first.is_default is False

    assert shopper_api.delete(f"{URL}{second.pk}/").status_code == 204
    first.refresh_from_db()
    assert first.is_default is True


def test_another_shopper_s_address_is_a_404_for_every_method(shopper_api):
    theirs = AddressFactory(user=verified_user(), phone="")
    url = f"{URL}{theirs.pk}/"
    assert_problem(shopper_api.get(url), 404)
    assert_problem(patch_json(shopper_api, url, {"phone": "1"}), 404)
    assert_problem(shopper_api.post(f"{url}default/"), 404)
    assert_problem(shopper_api.delete(url), 404)
    assert_problem(shopper_api.get(f"{URL}{'9' * 40}/"), 404)
    theirs.refresh_from_db()
    assert theirs.phone == "" and Address.objects.filter(pk=theirs.pk).exists()


def test_anonymous_callers_get_401(api):
    address = AddressFactory()
    for response in (api.get(URL), post_json(api, URL, ADA), api.delete(f"{URL}{address.pk}/")):
        assert_problem(response, 401)
        assert response["WWW-Authenticate"] == "X-Session-Token"


def test_the_list_is_the_shopper_s_own_in_cursor_pages(shopper_api, shopper):
    mine = [AddressFactory(user=shopper) for _ in range(3)]
    AddressFactory()
    first = shopper_api.get(URL, {"page_size": 2}).json()
    second = shopper_api.get(first["next"]).json()
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == [address.pk for address in reversed(mine)]
    assert second["next"] is None


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_queries_for_3_and_30_addresses(django_assert_num_queries, count):
    user = verified_user()
    AddressFactory.create_batch(count, user=user)
    client = signed_in_client(user)
    with django_assert_num_queries(4):  # session token (2), the user, the page
        response = client.get(URL, {"page_size": 100})
    assert len(response.json()["results"]) == count
