"""Sign-up, e-mail verification, sign-in, sign-out and password reset through django-allauth."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from marketplace.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.security import confirmed_just_now

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")
RESET_LINK = re.compile(r"http://testserver(/accounts/password/reset/key/[^/\s]+/)")
NEW_PASSWORD = "a-brand-new-passphrase-42"


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


@pytest.fixture
def post_and_deliver(client, django_capture_on_commit_callbacks):
    """POST, then run the after-commit callbacks: that is when the e-mail task is enqueued (eagerly here)."""

    def post(path, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)

    return post


def test_signup_sends_a_confirmation_email_and_the_link_signs_the_user_in(client, post_and_deliver):
    response = post_and_deliver(
        reverse("account_signup"),
        {"email": "New.Shopper@Example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "new.shopper@example.com"
    assert signed_in_user_id(client) is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.shopper@example.com"]
    assert message.subject == "[Marketplace] Confirm your e-mail address"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.body.startswith("Hello from Marketplace,")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Confirm your e-mail address</a>" in html
    confirm_path = CONFIRM_LINK.search(message.body).group(1)

    # allauth confirms on POST only (ACCOUNT_CONFIRM_EMAIL_ON_GET is off): the GET shows a button.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert (
        "Confirm that <strong>new.shopper@example.com</strong> is your e-mail address."
        in page.content.decode()
    )
    assert EmailAddress.objects.get(user=user).verified is False

    response = client.post(confirm_path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True
    assert signed_in_user_id(client) == str(user.pk)


def test_a_confirmed_user_can_sign_in_from_a_fresh_session(client, verified_user, password):
    response = client.post(reverse("account_login"), {"login": "shopper@example.com", "password": password})

    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL
    assert signed_in_user_id(client) == str(verified_user.pk)


def test_signing_in_with_a_wrong_password_shows_a_clear_error(client, verified_user):
    response = client.post(
        reverse("account_login"), {"login": "shopper@example.com", "password": "wrong-one"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert '<div class="message error" role="alert">' in content
    assert "The email address and/or password you specified are not correct." in content
    assert signed_in_user_id(client) is None


def test_signing_in_before_confirming_the_email_is_refused_and_resends_the_link(
    client, password, post_and_deliver
):
    user = UserFactory(email="pending@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = post_and_deliver(
        reverse("account_login"), {"login": "pending@example.com", "password": password}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["pending@example.com"], "[Marketplace] Confirm your e-mail address")
    ]


def test_password_reset_sends_a_link_that_sets_a_new_password(client, verified_user, post_and_deliver):
    response = post_and_deliver(reverse("account_reset_password"), {"email": "shopper@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["shopper@example.com"]
    assert message.subject == "[Marketplace] Reset your password"
    assert "Choose a new password</a>" in message.alternatives[0][0]
    key_path = RESET_LINK.search(message.body).group(1)

    # allauth moves the key into the session and redirects to a URL without it.
    response = client.get(key_path)
    assert response.status_code == 302
    form_path = response["Location"]
    assert form_path.endswith("-set-password/")
    assert client.get(form_path).status_code == 200

    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    verified_user.refresh_from_db()
    assert verified_user.check_password(NEW_PASSWORD) is True
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "shopper@example.com", "password": NEW_PASSWORD}
    )
    assert signed_in_user_id(client) == str(verified_user.pk)


def test_a_used_password_reset_link_is_refused(client, verified_user, post_and_deliver):
    post_and_deliver(reverse("account_reset_password"), {"email": "shopper@example.com"})
    key_path = RESET_LINK.search(mail.outbox[0].body).group(1)
    form_path = client.get(key_path)["Location"]
    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()

    response = client.get(key_path, follow=True)

    content = response.content.decode()
    assert "<h1>Link not valid</h1>" in content
    assert "This password reset link is not valid; it may have been used already." in content


def test_password_reset_for_an_unknown_address_reveals_nothing_on_the_page(client, db, post_and_deliver):
    response = post_and_deliver(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["nobody@example.com"], "[Marketplace] Password reset requested")
    ]


def test_sign_out_needs_a_post(client, verified_user):
    client.force_login(verified_user)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert signed_in_user_id(client) == str(verified_user.pk)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_password_change_keeps_the_user_signed_in(client, verified_user, password):
    client.force_login(verified_user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert verified_user.check_password(NEW_PASSWORD) is True
    assert signed_in_user_id(client) == str(verified_user.pk)


def test_password_change_with_a_wrong_current_password_changes_nothing(client, verified_user, password):
    client.force_login(verified_user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()
    verified_user.refresh_from_db()
    assert verified_user.check_password(password) is True


def test_argon2_is_the_first_password_hasher_in_the_base_settings():
    from marketplace.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize(
    ("url_name", "title"),
    [
        ("account_login", "Sign in"),
        ("account_signup", "Create your account"),
        ("account_reset_password", "Reset your password"),
        ("account_reset_password_done", "Check your e-mail"),
        ("account_email_verification_sent", "Check your e-mail"),
    ],
)
def test_entrance_pages_render_in_the_storefront_layout(client, url_name, title):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    content = response.content.decode()
    assert f"<title>{title} | Marketplace</title>" in content
    assert '<div class="page account-page">' in content
    assert '<div class="card stack">' in content
    assert f"<h1>{title}</h1>" in content
    assert '<main id="main"' in content


@pytest.mark.parametrize(
    ("url_name", "title"),
    [
        ("account_logout", "Sign out"),
        ("account_change_password", "Change your password"),
        ("account_email", "E-mail addresses"),
    ],
)
def test_account_management_pages_render_in_the_storefront_layout(client, verified_user, url_name, title):
    client.force_login(verified_user)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    content = response.content.decode()
    assert f"<title>{title} | Marketplace</title>" in content
    assert '<div class="page account-page">' in content
    assert f"<h1>{title}</h1>" in content


def test_form_fields_have_labels(client):
    content = client.get(reverse("account_signup")).content.decode()

    assert '<label for="id_email">Email:</label>' in content
    assert '<label for="id_password1">Password:</label>' in content
    assert '<label for="id_password2">Password (again):</label>' in content


def test_signup_errors_are_shown_next_to_the_field(client, verified_user):
    response = client.post(
        reverse("account_signup"),
        {"email": "shopper@example.com", "password1": NEW_PASSWORD, "password2": "different-passphrase-1"},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "You must type the same password each time." in content
    assert User.objects.count() == 1


def test_an_unknown_confirmation_key_shows_an_error(client, db):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))

    assert response.status_code == 200
    assert "This confirmation link has expired or is not valid." in response.content.decode()


def test_adding_a_second_email_address_sends_it_a_confirmation(client, verified_user, post_and_deliver):
    client.force_login(verified_user)
    confirmed_just_now(client, verified_user)  # adding an address asks for the password (test_reauth.py)

    response = post_and_deliver(reverse("account_email"), {"action_add": "", "email": "second@example.com"})

    assert response.status_code == 302
    assert list(
        EmailAddress.objects.filter(user=verified_user)
        .order_by("email")
        .values_list("email", "verified", "primary")
    ) == [("second@example.com", False, False), ("shopper@example.com", True, True)]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["second@example.com"], "[Marketplace] Confirm your e-mail address")
    ]
    page = client.get(reverse("account_email")).content.decode()
    assert '<span class="badge warning">Not confirmed</span>' in page
