"""Two-factor authentication: TOTP, recovery codes and WebAuthn, required for staff and seller money roles.

The test settings turn the requirement off (MFA_REQUIRED_FOR_PRIVILEGED = False) because most
tests sign owners and staff in with ``force_login``; every test here that is about the
requirement turns it on (the ``required`` fixture). marketplace/accounts/mfa.py, ADR 0088.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission
from django.urls import reverse

from sellers.access import ROLE_SECTIONS, VIEW_AS_SESSION_KEY
from sellers.models import SellerCentralAccess, SellerMember
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.security import address, confirmed_just_now, sign_in_confirmed, totp_code, verify_email
from tests.core.test_settings import GOOD_SECRET_KEY, run_prod
from tests.sellers.central_data import seller_world
from tests.sellers.factories import SellerFactory, SellerMemberFactory
from tests.sellers.seller_central_urls import OPEN_TO_SIGNED_IN, STAFF_ONLY
from tests.sellers.test_central_access import section_of, urls_for

pytestmark = pytest.mark.django_db
Role = SellerMember.Role
REQUIRED = reverse("accounts:mfa-required")


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True


def with_totp(user) -> str:
    """Give ``user`` an authenticator app; return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sent_to_set_up(response, next_url: str) -> bool:
    return (
        response.status_code == 302 and response["Location"] == f"{REQUIRED}?next={quote(next_url, safe='')}"
    )


# -- staff and the admin ----------------------------------------------------------------------


def test_staff_without_an_authenticator_are_sent_to_set_one_up_before_any_admin_page(client, required):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for url in ("/admin/", "/admin/catalog/product/", "/admin/accounts/user/?q=ada"):
        assert sent_to_set_up(client.get(url), url), url
    # Signing out of the admin stays open.
    assert client.post(reverse("admin:logout")).status_code == 200


def test_staff_with_an_authenticator_reach_the_admin(client, required):
    staff = UserFactory(is_staff=True, is_superuser=True)
    with_totp(staff)
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_the_set_up_page_says_why_and_where_it_leads(client, required):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(client.get("/admin/catalog/product/")["Location"])

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Turn on two-factor authentication</h1>" in content
    assert "before you continue to <code>/admin/catalog/product/</code>" in content
    assert "reach other people's orders, money and payouts" in content
    assert f'href="{reverse("mfa_activate_totp")}"' in content
    assert f'href="{reverse("mfa_add_webauthn")}"' in content
    assert '<div class="page account-page">' in content


def test_a_staff_member_signs_in_with_password_and_code_and_reaches_the_admin(client, required):
    staff = verify_email(UserFactory(email="staff@example.com", is_staff=True, is_superuser=True))
    secret = with_totp(staff)

    login_url = client.get("/admin/")["Location"]
    assert login_url.startswith(reverse("admin:login"))
    login_url = client.get(login_url)["Location"]
    password_step = client.post(login_url, {"login": staff.email, "password": DEFAULT_PASSWORD})
    wrong_code = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    code_step = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert password_step.status_code == 302 and password_step["Location"] == reverse("mfa_authenticate")
    assert wrong_code.status_code == 200 and "Incorrect code." in wrong_code.content.decode()
    assert code_step.status_code == 302 and code_step["Location"] == "/admin/"
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_signs_in_once(client):
    user = verify_email(UserFactory())
    client.force_login(user)
    confirmed_just_now(client, user)
    secret = generate_totp_secret()
    session = client.session
    session["mfa.totp.secret"] = secret
    session.save()
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    codes = (
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    )
    client.logout()

    def sign_in_with(code):
        client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
        return client.post(reverse("mfa_authenticate"), {"code": code})

    first = sign_in_with(codes[0])
    client.logout()
    again = sign_in_with(codes[0])

    assert len(codes) == 10
    assert first.status_code == 302
    assert again.status_code == 200 and "Incorrect code." in again.content.decode()


def test_wrong_codes_are_rate_limited_per_account(client):
    user = verify_email(UserFactory())
    secret = with_totp(user)
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})

    wrong = [client.post(reverse("mfa_authenticate"), {"code": "000000"}, **address(n)) for n in range(5)]
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}, **address(9))

    assert [response.status_code for response in wrong] == [200] * 5
    assert right.status_code == 200
    assert "Too many failed login attempts. Try again later." in right.content.decode()
    assert SESSION_KEY not in client.session


# -- seller owners and finance members ---------------------------------------------------------


def test_owners_and_finance_members_need_an_authenticator_on_every_seller_central_page(client, required):
    world = seller_world()
    members = {role: SellerMemberFactory(seller=world["seller"], role=role).user for role in Role.values}
    failures = []
    for name, pattern, url in urls_for(world):
        if name in OPEN_TO_SIGNED_IN or name in STAFF_ONLY:
            continue
        section = section_of(pattern)
        for role, user in members.items():
            client.force_login(user)
            response = client.get(url)
            opens = section is None or section in ROLE_SECTIONS[role]
            needs_mfa = role in (Role.OWNER, Role.FINANCE) and opens and section is not None
            if needs_mfa and not sent_to_set_up(response, url):
                failures.append(f"{role} got {response.status_code} on {name}, expected the set-up page")
            if not opens and response.status_code != 404:
                failures.append(f"{role} got {response.status_code} on {name}, expected 404 first")
            if not needs_mfa and response.status_code == 302 and response["Location"].startswith(REQUIRED):
                failures.append(f"{role} was sent to set up MFA on {name}")
    assert failures == []


def test_with_an_authenticator_the_owner_and_finance_member_get_in(client, required):
    seller = SellerFactory()
    for role, url in ((Role.OWNER, reverse("seller:dashboard")), (Role.FINANCE, reverse("seller:money"))):
        user = SellerMemberFactory(seller=seller, role=role).user
        with_totp(user)
        client.force_login(user)
        assert client.get(url).status_code == 200, role


def test_staff_viewing_as_a_seller_need_an_authenticator(client, required):
    seller = SellerFactory()
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_seller", content_type__app_label="sellers")
    )
    access = SellerCentralAccess.objects.create(seller=seller, staff=staff, reason="Ticket 1")
    client.force_login(staff)
    session = client.session
    session[VIEW_AS_SESSION_KEY] = access.pk
    session.save()

    refused = client.get(reverse("seller:dashboard"))
    with_totp(staff)
    allowed = client.get(reverse("seller:dashboard"))

    assert sent_to_set_up(refused, reverse("seller:dashboard"))
    assert allowed.status_code == 200


def test_the_requirement_can_be_off_only_where_the_tests_say(client):
    seller = SellerFactory()
    client.force_login(SellerMemberFactory(seller=seller, role=Role.OWNER).user)

    assert client.get(reverse("seller:dashboard")).status_code == 200


# -- setting an authenticator up ---------------------------------------------------------------


def test_an_owner_sets_up_an_authenticator_app_and_continues_to_seller_central(client, required):
    owner = verify_email(SellerMemberFactory(seller=SellerFactory(), role=Role.OWNER).user)
    client.force_login(owner)

    # given: sent to set up from the payments page
    set_up = client.get(client.get(reverse("seller:money"))["Location"])
    # when: the owner chooses the app, confirms the password, scans and types the code
    activate = client.get(reverse("mfa_activate_totp"))
    confirm = client.post(activate["Location"], {"password": DEFAULT_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "123456"})
    activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    codes_page = client.get(activated["Location"])
    continued = client.post(reverse("accounts:mfa-continue"))

    assert set_up.status_code == 200
    assert activate.status_code == 302 and activate["Location"].startswith(reverse("account_reauthenticate"))
    assert confirm.status_code == 302
    content = page.content.decode()
    assert "<h1>Set up an authenticator app</h1>" in content
    assert 'src="data:image/svg+xml;base64,' in content and f'value="{secret}"' in content
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()
    assert activated["Location"] == reverse("mfa_view_recovery_codes")
    assert "<h1>Recovery codes</h1>" in codes_page.content.decode()
    assert "Continue to where you were going" in codes_page.content.decode()
    assert continued.status_code == 302 and continued["Location"] == reverse("seller:money")
    assert client.get(reverse("seller:money")).status_code == 200
    assert list(Authenticator.objects.filter(user=owner).values_list("type", flat=True).order_by("type")) == [
        "recovery_codes",
        "totp",
    ]


def test_continue_refuses_a_next_that_leaves_the_site(client, required):
    user = UserFactory()
    client.force_login(user)

    client.get(REQUIRED, {"next": "https://evil.example/"})
    with_totp(user)
    response = client.post(reverse("accounts:mfa-continue"))

    assert response.status_code == 302 and response["Location"] == reverse("accounts:overview")


def test_continue_without_an_authenticator_goes_back_to_the_set_up_page(client, required):
    client.force_login(UserFactory())
    client.get(REQUIRED, {"next": "/admin/"})

    response = client.post(reverse("accounts:mfa-continue"))

    assert response.status_code == 302 and response["Location"] == REQUIRED


def test_a_security_key_is_offered_with_the_sites_relying_party(client, settings):
    user = verify_email(UserFactory())
    sign_in_confirmed(client, user)

    settings.MFA_WEBAUTHN_RP_ID = "shop.example.com"
    on_the_site_domain = client.get(reverse("mfa_add_webauthn"))
    settings.MFA_WEBAUTHN_RP_ID = ""
    on_the_request_host = client.get(reverse("mfa_add_webauthn"))

    def rp(response):
        return response.context["js_data"]["creation_options"]["publicKey"]["rp"]

    assert rp(on_the_site_domain) == {"id": "shop.example.com", "name": "Marketplace"}
    assert rp(on_the_request_host)["id"] == "testserver"
    content = on_the_site_domain.content.decode()
    assert "<h1>Add a security key or passkey</h1>" in content
    assert '<script src="/static/mfa/js/webauthn.js"></script>' in content
    assert 'data-allauth-onload="allauth.webauthn.forms.addForm" type="application/json"' in content


@pytest.mark.parametrize(
    ("url_name", "title"),
    [
        ("mfa_index", "Two-factor authentication"),
        ("mfa_activate_totp", "Set up an authenticator app"),
        ("mfa_add_webauthn", "Add a security key or passkey"),
        ("mfa_list_webauthn", "Security keys and passkeys"),
        ("usersessions_list", "Where you are signed in"),
        ("accounts:mfa-required", "Turn on two-factor authentication"),
    ],
)
def test_security_pages_render_in_the_storefront_layout(client, url_name, title):
    user = verify_email(UserFactory())
    sign_in_confirmed(client, user)

    response = client.get(reverse(url_name))

    content = response.content.decode()
    assert response.status_code == 200
    assert f"<title>{title} | Marketplace</title>" in content
    assert '<div class="page account-page">' in content and '<div class="card stack">' in content
    assert f"<h1>{title}</h1>" in content
    assert (
        '<nav class="account-nav" aria-label="Your account">' in content
        or url_name == "accounts:mfa-required"
    )


def test_the_sign_in_page_offers_a_passkey_and_a_code_by_e_mail(client):
    content = client.get(reverse("account_login")).content.decode()

    assert 'id="passkey_login">Use a passkey</button>' in content
    assert f'href="{reverse("account_request_login_code")}"' in content
    assert f'href="{reverse("account_reset_password")}"' in content


# -- production --------------------------------------------------------------------------------


def test_production_refuses_to_run_with_the_requirement_off_unless_sandbox_allowed_names_mfa():
    env = {"SECRET_KEY": GOOD_SECRET_KEY, "ALLOWED_HOSTS": "shop.example.com"}
    demo = "payments,carrier,email"

    refused = run_prod("manage.py", "check", **env, SANDBOX_ALLOWED=demo, MFA_REQUIRED_FOR_PRIVILEGED="false")
    allowed = run_prod(
        "manage.py", "check", **env, SANDBOX_ALLOWED=f"{demo},mfa", MFA_REQUIRED_FOR_PRIVILEGED="false"
    )
    on = run_prod("manage.py", "check", **env, SANDBOX_ALLOWED=demo)

    assert refused.returncode == 1
    assert "core.E002" in refused.stderr
    assert "MFA_REQUIRED_FOR_PRIVILEGED is off: staff and seller owners and finance members" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert on.returncode == 0, on.stderr
