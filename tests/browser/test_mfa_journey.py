"""Two-factor authentication in the browser: staff before the admin, an owner before Seller Central.

A staff member is sent from the admin to set up two-factor authentication, confirms the
password, scans (reads) the authenticator key, turns the app on with the code computed here
(RFC 6238, tests/accounts/security.py), keeps the recovery codes, continues to the admin, signs
out, and signs in again with the password and a fresh code. A seller owner is sent to the
set-up page before Seller Central, adds a passkey (Chromium's virtual authenticator, over the
DevTools protocol), continues to the dashboard, and later signs in with the passkey alone.

The requirement is on here (the test settings turn it off elsewhere). Runs at phone and desktop
widths; every storefront step is screenshotted and audited with axe-core (conftest.py), and no
request fails and the Content-Security-Policy refuses nothing (``page_problems``).
"""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from sellers.models import SellerMember
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.security import totp_code, verify_email
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True


def fill_sign_in(page, user) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()


def confirm_password(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm with my password").click()


def fresh_code(secret: str, used: set[str]) -> str:
    """A code the app shows now that was not used yet (allauth takes each code once)."""
    while (code := totp_code(secret)) in used:
        time.sleep(1)
    used.add(code)
    return code


def test_staff_set_up_an_authenticator_app_and_sign_in_with_it_to_reach_the_admin(
    live_server, required, page, screenshot, page_problems
):
    base = live_server.url
    staff = verify_email(UserFactory(email="staff@example.com", is_staff=True, is_superuser=True))

    # -- The admin sends the staff member to sign in, then to set up a second factor.
    page.goto(f"{base}/admin/")
    fill_sign_in(page, staff)
    expect(page.get_by_role("heading", level=1)).to_have_text("Turn on two-factor authentication")
    expect(page.get_by_role("main")).to_contain_text("before you continue to /admin/")
    screenshot("mfa-required")

    # -- The authenticator app: confirm the password, read the key, type the app's code.
    page.get_by_role("link", name="Use an authenticator app").click()
    confirm_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    screenshot("totp-set-up")
    secret = page.get_by_label("Key, to type instead of scanning").input_value()
    used: set[str] = set()
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("main")).to_contain_text("Incorrect code.")
    page.get_by_label("Authenticator code").fill(fresh_code(secret, used))
    page.get_by_role("button", name="Turn on").click()

    # -- Recovery codes, then back to the admin.
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    screenshot("recovery-codes")
    page.get_by_role("button", name="Continue to where you were going").click()
    expect(page).to_have_url(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # -- Sign out, sign in again: the password, then a code from the app.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{base}/admin/")
    fill_sign_in(page, staff)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    screenshot("mfa-code")
    page.get_by_label("Code").fill(fresh_code(secret, used))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    assert sorted(Authenticator.objects.filter(user=staff).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    assert page_problems == []


def virtual_authenticator(page) -> None:
    """A platform authenticator with user verification (a laptop's fingerprint reader) for this page."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_an_owner_adds_a_passkey_before_seller_central_and_signs_in_with_it(
    live_server, required, page, screenshot, page_problems
):
    base = live_server.url
    seller = SellerFactory(name="Maple Brew Supply")
    owner = verify_email(SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user)
    virtual_authenticator(page)

    # -- Seller Central sends the owner to set up a second factor first.
    page.goto(f"{base}/accounts/login/")
    fill_sign_in(page, owner)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Seller Central").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Turn on two-factor authentication")
    expect(page.get_by_role("main")).to_contain_text("before you continue to /seller/")

    # -- A passkey: confirm the password, name it, let the device create it.
    page.get_by_role("link", name="Add a security key or passkey").click()
    confirm_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a security key or passkey")
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_label("Passwordless").check()
    screenshot("passkey-add")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    page.get_by_role("button", name="Continue to where you were going").click()
    expect(page).to_have_url(f"{base}/seller/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maple Brew Supply")
    screenshot("seller-central")

    # -- Later: sign out, and sign in with the passkey alone.
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/accounts/login/?next=/seller/")
    screenshot("sign-in")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(f"{base}/seller/")

    key = Authenticator.objects.get(user=owner, type=Authenticator.Type.WEBAUTHN)
    assert (key.wrap().name, key.wrap().is_passwordless) == ("Work laptop", True)
    assert page_problems == []
