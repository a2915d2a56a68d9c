"""Sessions: a new key at every sign-in, and "sign out everywhere else" (allauth.usersessions)."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.security import address, verify_email

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def user(db):
    return verify_email(UserFactory(email="shopper@example.com"))


def signed_in_client(user, n: int, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}, **address(n)
    )
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get(reverse("accounts:overview")).status_code == 200


def test_signing_in_gives_the_session_a_new_key_and_the_old_one_stops_existing(client, user):
    # given: a visitor's session (an attacker may have planted its key)
    session = client.session
    session["cart_token"] = "guest-cart"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    # when
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})

    # then
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session["cart_token"] == "guest-cart"  # the visitor's data moves over


def test_sign_out_everywhere_else_ends_the_other_sessions_and_keeps_this_one(user):
    laptop = signed_in_client(user, 1, "Laptop Firefox")
    phone = signed_in_client(user, 2, "Phone Safari")
    other = verify_email(UserFactory(email="other@example.com"))
    neighbour = signed_in_client(other, 3, "Neighbour Chrome")

    page = laptop.get(reverse("usersessions_list"))
    content = page.content.decode()
    assert "Laptop Firefox" in content and "Phone Safari" in content and "Neighbour Chrome" not in content
    assert "203.0.113.1" in content and "203.0.113.2" in content
    assert content.count('<span class="badge">This browser</span>') == 1
    assert "Sign out everywhere else" in content

    response = laptop.post(reverse("usersessions_list"))

    assert response.status_code == 302 and response["Location"] == reverse("usersessions_list")
    assert is_signed_in(laptop) is True
    assert is_signed_in(phone) is False
    assert is_signed_in(neighbour) is True
    assert list(UserSession.objects.filter(user=user).values_list("user_agent", flat=True)) == [
        "Laptop Firefox"
    ]


def test_the_account_page_offers_sign_out_everywhere_else(client, user):
    client.force_login(user)

    content = client.get(reverse("accounts:overview")).content.decode()

    assert '<h2 id="security-heading">Sign-in and security</h2>' in content
    assert f'<form method="post" action="{reverse("usersessions_list")}">' in content
    assert "Sign out everywhere else</button>" in content


def test_changing_the_password_signs_the_other_sessions_out(user):
    laptop = signed_in_client(user, 1, "Laptop")
    phone = signed_in_client(user, 2, "Phone")

    laptop.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert is_signed_in(laptop) is True
    assert is_signed_in(phone) is False


def test_a_signed_out_session_drops_off_the_list(user):
    laptop = signed_in_client(user, 1, "Laptop")
    phone = signed_in_client(user, 2, "Phone")

    phone.post(reverse("account_logout"))

    assert is_signed_in(phone) is False
    assert [session.user_agent for session in UserSession.objects.purge_and_list(user)] == ["Laptop"]
    assert "Phone" not in laptop.get(reverse("usersessions_list")).content.decode()
