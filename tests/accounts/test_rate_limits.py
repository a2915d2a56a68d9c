"""Failed sign-ins: a 429 by address before any hashing, a pause by account, never a lock-out.

On the real Redis cache (allauth keeps its counters there), with the limits of the base
settings: 5 failures a minute per address, 10 per 15 minutes per account
(marketplace/accounts/throttle.py, ADR 0088).
"""

from __future__ import annotations

import base64
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.security import address
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db

OWNER = "owner@example.com"
LOGIN_CODE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", re.MULTILINE)
RESET_LINK = re.compile(r"http://testserver(/accounts/password/reset/key/[^/\s]+/)")
NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def owner(db):
    user = UserFactory(email=OWNER, is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(client, n: int, password: str, email: str = OWNER, path: str | None = None):
    return client.post(path or reverse("account_login"), {"login": email, "password": password}, **address(n))


def signed_in(client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_thirty_wrong_passwords_from_one_address_are_refused_and_the_owner_still_signs_in(
    client, django_user_model, owner, redis_cache, hashes
):
    # given: the sequence, from one address
    hashes.reset()
    statuses = [sign_in(client, 1, f"guess-{n}").status_code for n in range(30)]
    right_from_the_same_address = sign_in(client, 1, DEFAULT_PASSWORD)

    # then: five wrong guesses are checked, everything after is a 429 that hashes nothing
    assert statuses == [200] * 5 + [429] * 25
    assert right_from_the_same_address.status_code == 429
    assert hashes.count == 5
    assert signed_in(client) is None

    # when: the owner signs in from another address
    response = sign_in(client, 2, DEFAULT_PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client) == str(owner.pk)


def test_the_429_page_says_what_to_wait_for_and_offers_the_e_mail_ways_in(client, owner, redis_cache):
    for n in range(5):
        sign_in(client, 1, f"guess-{n}")

    response = sign_in(client, 1, "guess-6")

    content = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in content
    assert "Wait a few minutes, then try again." in content
    assert f'href="{reverse("account_reset_password")}"' in content
    assert f'href="{reverse("account_request_login_code")}"' in content
    assert '<div class="page account-page">' in content


def test_a_right_password_gives_its_attempt_back(client, owner, redis_cache):
    for n in range(4):
        assert sign_in(client, 1, f"guess-{n}").status_code == 200
    assert sign_in(client, 1, DEFAULT_PASSWORD).status_code == 302
    client.logout()

    # The success did not count: one more failure is still checked, the next is refused.
    assert sign_in(client, 1, "guess-5").status_code == 200
    assert sign_in(client, 1, "guess-6").status_code == 429


def test_unknown_addresses_count_against_the_address_too(client, db, redis_cache, hashes):
    statuses = [sign_in(client, 1, "guess", email=f"nobody{n}@example.com").status_code for n in range(7)]

    assert statuses == [200] * 5 + [429] * 2
    assert hashes.count == 5  # Django hashes once for an unknown user too; refused ones do not


def test_the_admin_login_goes_through_allauths_sign_in(client, owner, redis_cache, hashes):
    page = client.get(reverse("admin:login"), {"next": "/admin/catalog/product/"})
    posted = client.post(reverse("admin:login"), {"username": OWNER, "password": "guess"}, **address(1))

    assert page.status_code == 302
    assert page["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2Fcatalog%2Fproduct%2F"
    assert posted.status_code == 302 and posted["Location"].startswith(reverse("account_login"))
    assert hashes.count == 0 and signed_in(client) is None

    # The same limits: a sixth wrong password to the admin's next is a 429.
    admin_login = f"{reverse('account_login')}?next=/admin/"
    statuses = [sign_in(client, 1, f"guess-{n}", path=admin_login).status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    response = sign_in(client, 2, DEFAULT_PASSWORD, path=admin_login)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_signed_in_shopper_gets_a_403_from_the_admin_login(client, db):
    client.force_login(UserFactory())

    assert client.get(reverse("admin:login")).status_code == 403


def test_many_addresses_pause_password_sign_in_to_the_account_without_hashing(
    client, owner, redis_cache, hashes
):
    # given: ten failures from two addresses (each stays under its own limit)
    for n in range(10):
        assert sign_in(client, 1 + n // 5, f"guess-{n}").status_code == 200
    hashes.reset()

    # when: the owner types the right password from a third address
    response = sign_in(client, 3, DEFAULT_PASSWORD)

    # then: password sign-in to this account waits, and says how to get in meanwhile
    content = response.content.decode()
    assert response.status_code == 200
    assert "password is paused for a while. Sign in with a code sent to your e-mail instead" in content
    assert signed_in(client) is None
    assert hashes.count == 0
    # Another account is not affected.
    other = UserFactory(email="other@example.com")
    EmailAddress.objects.create(user=other, email=other.email, verified=True, primary=True)
    assert sign_in(client, 3, DEFAULT_PASSWORD, email="other@example.com").status_code == 302


def pause(client) -> None:
    for n in range(10):
        sign_in(client, 1 + n // 5, f"guess-{n}")
    assert "paused" in sign_in(client, 3, DEFAULT_PASSWORD).content.decode()


def test_while_paused_a_code_by_e_mail_signs_the_owner_in(
    client, owner, redis_cache, django_capture_on_commit_callbacks
):
    pause(client)

    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(reverse("account_request_login_code"), {"email": OWNER}, **address(3))
    code = LOGIN_CODE.search(mail.outbox[-1].body).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, **address(3))

    assert requested.status_code == 302 and requested["Location"] == reverse("account_confirm_login_code")
    assert mail.outbox[-1].to == [OWNER] and mail.outbox[-1].subject == "[Marketplace] Your sign-in code"
    assert response.status_code == 302
    assert signed_in(client) == str(owner.pk)


def test_while_paused_the_password_reset_lets_the_owner_in_and_ends_the_pause(
    client, owner, redis_cache, django_capture_on_commit_callbacks
):
    pause(client)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": OWNER}, **address(3))
    form_path = client.get(RESET_LINK.search(mail.outbox[-1].body).group(1))["Location"]
    reset = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, **address(3))
    response = sign_in(client, 3, NEW_PASSWORD)

    assert reset.status_code == 302
    assert response.status_code == 302
    assert signed_in(client) == str(owner.pk)


def test_re_authentication_counts_against_the_address(client, owner, redis_cache):
    client.force_login(owner)

    statuses = [
        client.post(reverse("account_reauthenticate"), {"password": f"guess-{n}"}, **address(1)).status_code
        for n in range(6)
    ]

    assert statuses == [200] * 5 + [429]


def test_http_basic_credentials_on_the_api_sign_nobody_in(client, hashes):
    member = SellerMemberFactory()
    credentials = f"{member.user.email}:{DEFAULT_PASSWORD}".encode()
    hashes.reset()

    response = client.get(
        reverse("payments:seller-ledger-api", kwargs={"slug": member.seller.slug}),
        headers={"Authorization": f"Basic {base64.b64encode(credentials).decode()}"},
    )

    assert response.status_code == 403
    assert hashes.count == 0


def test_the_sign_in_code_pages_render_in_the_storefront_layout(
    client, owner, django_capture_on_commit_callbacks
):
    request_page = client.get(reverse("account_request_login_code")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": OWNER})
    confirm_page = client.get(reverse("account_confirm_login_code")).content.decode()

    assert "<h1>E-mail me a sign-in code</h1>" in request_page
    assert '<div class="page account-page">' in request_page
    assert "<h1>Enter your sign-in code</h1>" in confirm_page
    assert f"We have sent a code to {OWNER}." in confirm_page
    assert '<label for="id_code">Code:</label>' in confirm_page
