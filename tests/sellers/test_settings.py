"""Seller Central settings: the owner edits the business profile."""

import pytest
from django.urls import reverse

from marketplace.core.models import AuditEntry
from sellers.models import Seller, SellerAddress, SellerMember
from sellers.views.settings import OTHER_SETTINGS, other_settings_links
from tests.accounts.factories import UserFactory
from tests.sellers.applications_data import ADDRESS
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db
SETTINGS = "/seller/settings/"
Role = SellerMember.Role


@pytest.fixture
def owner(client):
    member = SellerMemberFactory(seller=SellerFactory(name="Blade House", country="US"), role=Role.OWNER)
    client.force_login(member.user)
    return member


def profile_post(**overrides) -> dict:
    data = {
        "description": "Knives since 1990.",
        "contact_name": "Ada Blade",
        "contact_phone": "+44 20 7946 0000",
        "support_email": "help@blade.example",
        "return_same": "on",
        **{f"business-{key}": value for key, value in ADDRESS.items()},
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_settings_url_is_named():
    assert reverse("seller:settings") == SETTINGS


def test_the_owner_edits_the_profile_and_addresses(client, owner):
    page = client.get(SETTINGS)
    assert page.status_code == 200
    assert "<h1>Settings</h1>" in page.text and 'name="business-line1"' in page.text
    assert page.context["forms"].business.initial == {"country": "US"}

    response = client.post(
        SETTINGS,
        profile_post(
            return_same=None,
            **{"return-line1": "9 Dock Road", "return-city": "Leeds", "return-postal_code": "LS1 4AP"},
            **{"return-country": "GB", "business-country": "CA", "business-postal_code": "k1a 0b1"},
        ),
        follow=True,
    )

    assert response.redirect_chain == [(SETTINGS, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Your business profile is saved."]
    seller = Seller.objects.get(pk=owner.seller_id)
    assert (
        seller.description,
        seller.contact_name,
        seller.contact_phone,
        seller.support_email,
        seller.country,
    ) == (
        "Knives since 1990.",
        "Ada Blade",
        "+44 20 7946 0000",
        "help@blade.example",
        "CA",
    )
    addresses = {
        a.kind: (a.line1, a.postal_code, a.country) for a in SellerAddress.objects.filter(seller=seller)
    }
    assert addresses == {
        "business": ("1 Market Street", "K1A 0B1", "CA"),
        "return": ("9 Dock Road", "LS1 4AP", "GB"),
    }
    # the page shows what was saved, return box unticked
    again = client.get(SETTINGS)
    assert again.context["forms"].main.initial["return_same"] is False
    assert again.context["forms"].returns.initial["city"] == "Leeds"

    # ticking "returns go to the business address" drops the separate one
    client.post(SETTINGS, profile_post())
    assert list(SellerAddress.objects.filter(seller=seller).values_list("kind", flat=True)) == ["business"]

    # Each change is in the audit log with who made it and what changed; saving it unchanged is not.
    first, second = AuditEntry.objects.filter(action="seller.profile_changed").order_by("pk")
    assert (first.actor_id, first.seller_id) == (owner.user_id, seller.pk)
    assert first.before["support_email"] == "" and first.after["support_email"] == "help@blade.example"
    assert first.before["return_address"] == ""
    assert first.after["return_address"] == "9 Dock Road, Leeds, LS1 4AP, GB"
    assert (second.before["return_address"], second.after["return_address"]) == (
        "9 Dock Road, Leeds, LS1 4AP, GB",
        "",
    )
    # Only what changed is recorded: the addresses and country (back to the US), not the contact.
    assert set(second.after) == {"return_address", "business_address", "country"}
    client.post(SETTINGS, profile_post())
    assert AuditEntry.objects.filter(action="seller.profile_changed").count() == 2


@pytest.mark.parametrize(
    ("field", "value", "form", "error"),
    [
        ("description", "d" * 2001, "main", "Ensure this value has at most 2000 characters (it has 2001)."),
        ("description", "Hi\x1b", "main", "The description contains a character that is not allowed."),
        ("support_email", "nope", "main", "Enter a valid email address."),
        ("contact_phone", "12", "main", "Enter a phone number of digits, spaces, +, -, ( and )."),
        (
            "business-postal_code",
            "!!",
            "business",
            "Enter a US ZIP code of 5 or 9 digits, e.g. 94103 or 94103-1234.",
        ),
        (
            "business-country",
            "ZZ",
            "business",
            "Select a valid choice. ZZ is not one of the available choices.",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(client, owner, field, value, form, error):
    response = client.post(SETTINGS, profile_post(**{field: value}))
    assert response.status_code == 400
    assert getattr(response.context["forms"], form).errors == {field.split("-", 1)[-1]: [error]}
    seller = Seller.objects.get(pk=owner.seller_id)
    assert (seller.description, seller.support_email) == ("", "")
    assert not SellerAddress.objects.exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SHIPPING, Role.FINANCE])
def test_only_owners_open_settings(client, role):
    member = SellerMemberFactory(role=role)
    client.force_login(member.user)
    assert client.get(SETTINGS).status_code == 404
    assert client.post(SETTINGS, profile_post()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(SETTINGS).status_code == 404
    client.logout()
    assert client.get(SETTINGS)["Location"] == f"{reverse('account_login')}?next={SETTINGS}"
    assert not SellerAddress.objects.exists()


def test_an_owner_edits_only_their_own_seller(client, owner):
    theirs = SellerFactory(name="Other", description="Theirs")
    client.post(SETTINGS, profile_post(description="Mine"))
    theirs.refresh_from_db()
    assert theirs.description == "Theirs"
    assert Seller.objects.get(pk=owner.seller_id).description == "Mine"


def test_the_other_settings_pages_are_linked_once_they_exist(client, owner):
    page = client.get(SETTINGS)
    assert page.context["other_settings"] == other_settings_links()
    for link in page.context["other_settings"]:
        assert f'<a href="{link["url"]}">{link["label"]}</a>' in page.text
    assert {name for _label, name in OTHER_SETTINGS} == {
        "seller:shipping-settings",
        "seller:return-policy",
        "seller:payout-account",
    }


def test_the_navigation_links_settings_and_members_for_the_owner(client, owner):
    page = client.get(reverse("seller:dashboard")).text
    assert f'href="{SETTINGS}"' in page and 'href="/seller/members/"' in page
