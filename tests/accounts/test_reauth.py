"""Re-authentication before changing e-mail addresses, the password, MFA and the payout account.

allauth asks again (password, or a code from the authenticator app) when the last confirmation
is older than ACCOUNT_REAUTHENTICATION_TIMEOUT (5 minutes); the refused request waits in the
session and runs once the user has confirmed. Password changes ask for the current password on
the form itself (tests/accounts/test_auth.py).
"""

from __future__ import annotations

import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.urls import reverse

from payments.models import SellerPayoutAccount
from sellers.models import SellerMember
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.security import confirmed_just_now, totp_code, verify_email
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db
REAUTHENTICATE = reverse("account_reauthenticate")


@pytest.fixture
def user(db):
    return verify_email(UserFactory(email="shopper@example.com"))


def emails(user) -> list[str]:
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", flat=True))


def test_adding_an_email_address_asks_for_the_password_first_then_adds_it(client, user):
    client.force_login(user)

    refused = client.post(reverse("account_email"), {"action_add": "", "email": "second@example.com"})

    assert refused.status_code == 302
    assert refused["Location"] == f"{REAUTHENTICATE}?next=%2Faccounts%2Femail%2F"
    assert emails(user) == ["shopper@example.com"]
    page = client.get(refused["Location"]).content.decode()
    assert "<h1>Confirm it is you</h1>" in page

    wrong = client.post(refused["Location"], {"password": "not-it"})
    assert wrong.status_code == 200 and emails(user) == ["shopper@example.com"]

    resumed = client.post(refused["Location"], {"password": DEFAULT_PASSWORD})

    assert resumed.status_code == 302
    assert emails(user) == ["second@example.com", "shopper@example.com"]


def test_removing_an_email_address_asks_again_once_the_confirmation_is_old(client, user):
    EmailAddress.objects.create(user=user, email="old@example.com", verified=True, primary=False)
    client.force_login(user)
    confirmed_just_now(client, user)

    with time_machine.travel(time.time() + settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1):
        refused = client.post(reverse("account_email"), {"action_remove": "", "email": "old@example.com"})

    assert refused.status_code == 302 and refused["Location"].startswith(REAUTHENTICATE)
    assert emails(user) == ["old@example.com", "shopper@example.com"]


def test_turning_on_an_authenticator_app_asks_for_the_password(client, user):
    client.force_login(user)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 302 and response["Location"].startswith(REAUTHENTICATE)


def test_with_an_authenticator_a_code_confirms_too(client, user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.force_login(user)

    refused = client.get(reverse("mfa_deactivate_totp"))
    page = client.get(refused["Location"]).content.decode()
    by_code = client.post(
        reverse("mfa_reauthenticate") + "?next=" + reverse("mfa_deactivate_totp"), {"code": totp_code(secret)}
    )

    assert refused.status_code == 302 and refused["Location"].startswith(REAUTHENTICATE)
    assert f'href="{reverse("mfa_reauthenticate")}' in page
    assert by_code.status_code == 302 and by_code["Location"] == reverse("mfa_deactivate_totp")
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 200


def test_connecting_the_payout_account_asks_the_owner_for_the_password_then_connects(client, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    seller = SellerFactory()
    owner = verify_email(SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user)
    client.force_login(owner)

    refused = client.post(reverse("seller:payout-account"))

    assert refused.status_code == 302
    assert refused["Location"] == f"{REAUTHENTICATE}?next=%2Fseller%2Fpayments%2Faccount%2F"
    assert not SellerPayoutAccount.objects.exists()

    resumed = client.post(refused["Location"], {"password": DEFAULT_PASSWORD})

    assert resumed.status_code == 302 and resumed["Location"] == reverse("seller:payout-account")
    account = SellerPayoutAccount.objects.get()
    assert (account.seller, account.provider) == (seller, "sandbox")


def test_the_payout_account_page_itself_opens_without_asking(client):
    owner = SellerMemberFactory(seller=SellerFactory(), role=SellerMember.Role.OWNER).user
    client.force_login(owner)

    assert client.get(reverse("seller:payout-account")).status_code == 200


@pytest.mark.parametrize("url_name", ["mfa_view_recovery_codes", "mfa_download_recovery_codes"])
def test_recovery_codes_are_shown_only_after_a_fresh_confirmation(client, user, url_name):
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    client.post(reverse("mfa_generate_recovery_codes"))  # refused too: it asks first
    confirmed_just_now(client, user)
    client.post(reverse("mfa_generate_recovery_codes"))

    with time_machine.travel(time.time() + settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1):
        stale = client.get(reverse(url_name))
    fresh = client.get(reverse(url_name))

    assert stale.status_code == 302 and stale["Location"].startswith(REAUTHENTICATE)
    assert fresh.status_code == 200
