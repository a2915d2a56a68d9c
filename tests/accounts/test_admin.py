"""The user admin works without a username."""

import pytest
from django.urls import reverse

from marketplace.accounts.models import User
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_changelist_searches_by_email_and_name(admin_client):
    UserFactory(email="ada@example.com", full_name="Ada Lovelace")
    UserFactory(email="grace@example.com", full_name="Grace Hopper")

    by_email = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "ada@"})
    by_name = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "Hopper"})

    assert [user.email for user in by_email.context["cl"].result_list] == ["ada@example.com"]
    assert [user.email for user in by_name.context["cl"].result_list] == ["grace@example.com"]


def test_changelist_filters_by_staff_and_is_ordered_by_email(admin_client, admin_user):
    UserFactory(email="zed@example.com")
    UserFactory(email="amy@example.com", is_staff=True)

    everyone = admin_client.get(reverse("admin:accounts_user_changelist"))
    staff = admin_client.get(reverse("admin:accounts_user_changelist"), {"is_staff__exact": "1"})

    assert [user.email for user in everyone.context["cl"].result_list] == [
        "admin@example.com",
        "amy@example.com",
        "zed@example.com",
    ]
    assert [user.email for user in staff.context["cl"].result_list] == [
        "admin@example.com",
        "amy@example.com",
    ]


def test_add_form_creates_a_user_from_email_and_password(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@example.com",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "a-long-admin-set-passphrase",
            "password2": "a-long-admin-set-passphrase",
        },
    )

    user = User.objects.get(email="new@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[user.pk])
    assert user.check_password("a-long-admin-set-passphrase") is True


def test_change_page_shows_the_address_inline_and_no_username(admin_client):
    address = AddressFactory(line1="42 Inline Road")

    response = admin_client.get(reverse("admin:accounts_user_change", args=[address.user.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "42 Inline Road" in content
    assert 'name="username"' not in content
    assert 'name="email"' in content


def test_change_form_saves_without_a_username(admin_client):
    user = UserFactory(email="edit@example.com", full_name="Before")

    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": "edit@example.com",
            "full_name": "After",
            "is_active": "on",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
            "addresses-MIN_NUM_FORMS": "0",
            "addresses-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "After"


def test_address_admin_lists_addresses(admin_client):
    AddressFactory(full_name="Listed Person")

    response = admin_client.get(reverse("admin:accounts_address_changelist"))

    assert response.status_code == 200
    assert "Listed Person" in response.content.decode()
