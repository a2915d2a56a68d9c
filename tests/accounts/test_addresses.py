"""The signed-in user's address book at /account/."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from marketplace.accounts import services
from marketplace.accounts.models import Address
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Ada Lovelace",
    "line1": "1 Market Street",
    "line2": "Suite 200",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94103",
    "country": "US",
    "phone": "+1 415 555 0100",
}


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def address_rows(user):
    return list(
        Address.objects.filter(user=user)
        .order_by("pk")
        .values_list("full_name", "line1", "city", "postal_code", "country", "is_default")
    )


def test_overview_requires_sign_in(client):
    response = client.get(reverse("accounts:overview"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/account/"


def test_overview_lists_only_the_users_addresses_default_first(client, user):
    older = AddressFactory(user=user, full_name="Old Default", is_default=True)
    newer = AddressFactory(user=user, full_name="Newer Address")
    AddressFactory(full_name="Someone Else")

    response = client.get(reverse("accounts:overview"))

    assert response.status_code == 200
    assert list(response.context["addresses"]) == [older, newer]
    content = response.content.decode()
    assert "<h1>Your account</h1>" in content
    assert "Someone Else" not in content
    assert content.count("<strong>Default address</strong>") == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_overview_query_count_does_not_grow_with_addresses(client, user, django_assert_num_queries, rows):
    AddressFactory.create_batch(rows, user=user)

    # session, user, the storefront's category navigation, addresses, seller membership.
    with django_assert_num_queries(5):
        response = client.get(reverse("accounts:overview"))

    assert len(response.context["addresses"]) == rows


def test_the_first_address_becomes_the_default(client, user):
    response = client.post(reverse("accounts:address-create"), VALID)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:overview")
    assert address_rows(user) == [("Ada Lovelace", "1 Market Street", "San Francisco", "94103", "US", True)]


def test_adding_a_default_address_unsets_the_previous_default(client, user):
    first = AddressFactory(user=user, is_default=True)

    client.post(reverse("accounts:address-create"), {**VALID, "is_default": "on"})

    first.refresh_from_db()
    assert first.is_default is False
    assert Address.objects.get(user=user, is_default=True).full_name == "Ada Lovelace"


def test_adding_a_non_default_address_keeps_the_default(client, user):
    first = AddressFactory(user=user, is_default=True)

    client.post(reverse("accounts:address-create"), VALID)

    assert list(Address.objects.filter(user=user, is_default=True)) == [first]


def test_a_us_zip_plus_four_is_normalised(client, user):
    client.post(reverse("accounts:address-create"), {**VALID, "postal_code": "941031234"})

    assert Address.objects.get(user=user).postal_code == "94103-1234"


def test_a_generic_postal_code_is_upper_cased(client, user):
    client.post(
        reverse("accounts:address-create"),
        {**VALID, "country": "GB", "region": "", "postal_code": "sw1a 1aa"},
    )

    assert Address.objects.get(user=user).postal_code == "SW1A 1AA"


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"city": ""}, "city", "This field is required."),
        ({"full_name": "   "}, "full_name", "This field is required."),
        ({"line1": ""}, "line1", "This field is required."),
        (
            {"postal_code": "1234"},
            "postal_code",
            "Enter a US ZIP code of 5 or 9 digits, e.g. 94103 or 94103-1234.",
        ),
        (
            {"postal_code": "94103-12"},
            "postal_code",
            "Enter a US ZIP code of 5 or 9 digits, e.g. 94103 or 94103-1234.",
        ),
        (
            {"country": "DE", "postal_code": "1"},
            "postal_code",
            "Enter a valid postal code (3 to 10 letters, digits, spaces or dashes).",
        ),
        ({"country": "us"}, "country", "Select a valid choice. us is not one of the available choices."),
        ({"country": "XX"}, "country", "Select a valid choice. XX is not one of the available choices."),
    ],
)
def test_invalid_addresses_are_refused_with_a_field_error_and_nothing_saved(
    client, user, changes, field, error
):
    response = client.post(reverse("accounts:address-create"), {**VALID, **changes})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [error]}
    assert error in response.content.decode()
    assert Address.objects.filter(user=user).count() == 0


def test_editing_an_address_saves_the_changes(client, user):
    address = AddressFactory(user=user, is_default=True)

    page = client.get(reverse("accounts:address-update", args=[address.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["line1"] == address.line1

    response = client.post(
        reverse("accounts:address-update", args=[address.pk]), {**VALID, "is_default": "on"}
    )

    assert response.status_code == 302
    assert address_rows(user) == [("Ada Lovelace", "1 Market Street", "San Francisco", "94103", "US", True)]


def test_an_invalid_edit_changes_nothing(client, user):
    address = AddressFactory(user=user, full_name="Grace Hopper", city="Arlington", postal_code="22201")
    before = address_rows(user)

    response = client.post(
        reverse("accounts:address-update", args=[address.pk]), {**VALID, "postal_code": "ABCDE"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "postal_code": ["Enter a US ZIP code of 5 or 9 digits, e.g. 94103 or 94103-1234."]
    }
    assert address_rows(user) == before


def test_making_another_address_the_default_switches_it(client, user):
    first = AddressFactory(user=user, is_default=True)
    second = AddressFactory(user=user)

    client.post(reverse("accounts:address-update", args=[second.pk]), {**VALID, "is_default": "on"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_unticking_default_on_the_default_address_keeps_it_default(client, user):
    only = AddressFactory(user=user, is_default=True)

    client.post(reverse("accounts:address-update", args=[only.pk]), VALID)

    only.refresh_from_db()
    assert only.is_default is True


def test_deleting_an_address_after_confirmation(client, user):
    address = AddressFactory(user=user)

    page = client.get(reverse("accounts:address-delete", args=[address.pk]))
    assert page.status_code == 200
    assert "<h1>Delete this address?</h1>" in page.content.decode()

    response = client.post(reverse("accounts:address-delete", args=[address.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:overview")
    assert Address.objects.filter(user=user).count() == 0


def test_deleting_the_default_hands_it_to_the_newest_remaining_address(client, user):
    default = AddressFactory(user=user, is_default=True)
    older = AddressFactory(user=user)
    newer = AddressFactory(user=user)

    client.post(reverse("accounts:address-delete", args=[default.pk]))

    assert list(Address.objects.filter(user=user, is_default=True)) == [newer]
    older.refresh_from_db()
    assert older.is_default is False


@pytest.mark.parametrize("url_name", ["accounts:address-update", "accounts:address-delete"])
def test_another_users_address_is_a_404(client, user, url_name):
    theirs = AddressFactory(full_name="Not Yours", is_default=True)
    before = address_rows(theirs.user)

    assert client.get(reverse(url_name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse(url_name, args=[theirs.pk]), VALID).status_code == 404
    assert address_rows(theirs.user) == before


def test_address_create_service_switches_the_default_in_one_step(db):
    user = UserFactory()
    first = services.address_create(user=user, **VALID)
    second = services.address_create(user=user, **{**VALID, "full_name": "Second"}, is_default=True)

    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_address_update_refuses_unknown_fields(db):
    address = AddressFactory()

    with pytest.raises(TypeError, match="address_update\\(\\) got unexpected fields: user"):
        services.address_update(address=address, user=UserFactory())


def test_the_database_allows_one_default_address_per_user(db):
    user = UserFactory()
    AddressFactory(user=user, is_default=True)

    with pytest.raises(IntegrityError, match="one_default_address_per_user"), transaction.atomic():
        AddressFactory(user=user, is_default=True)
