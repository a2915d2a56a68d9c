"""A seller connects its Stripe Connect account from Seller Central (ADR 0094).

Stripe's HTTP API is the ``FakeStripe`` of stripe_fixtures (the real library sends every
request); what the seller does on Stripe's own pages is ``stripe_api.onboard``.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from marketplace.accounts.models import OutboundEmail
from marketplace.core.models import AuditEntry
from payments.models import SellerPayoutAccount
from sellers.models import SellerMember
from tests.accounts.security import sign_in_confirmed
from tests.payments.stripe_fixtures import event, sign, stripe_api  # noqa: F401 - fixture
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db

Role = SellerMember.Role
ACCOUNT_URL = "/seller/payments/account/"
RETURN_URL = "/seller/payments/account/stripe/return/"
REFRESH_URL = "/seller/payments/account/stripe/refresh/"
WEBHOOK_URL = "/pay/stripe/webhook/"
CONNECT_SECRET = "whsec_test_connect_5e1d9a7b3c2f4e6a8b0c1d2e3f4a5b6c"


@pytest.fixture
def shop(client, stripe_api):  # noqa: F811
    merchant = SellerFactory(name="Fresh", country="DE", support_email="help@fresh.test")
    owner = SellerMemberFactory(seller=merchant, role=Role.OWNER).user
    sign_in_confirmed(client, owner)
    return {"seller": merchant, "owner": owner, "client": client, "stripe": stripe_api}


def post_event(client, payload: bytes, **signing):
    return client.post(
        WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload, **signing)
    )


def connect(shop):
    return shop["client"].post(ACCOUNT_URL)


def test_the_page_offers_to_connect_with_stripe(shop):
    page = shop["client"].get(ACCOUNT_URL).content.decode()
    assert '<button class="btn btn-primary" type="submit">Connect with Stripe</button>' in page
    assert "Connect a sandbox payout account" not in page


def test_connecting_creates_one_account_with_payouts_off_and_sends_the_owner_to_stripe(shop):
    response = connect(shop)

    account = SellerPayoutAccount.objects.get(seller=shop["seller"])
    assert (account.provider, account.payouts_enabled) == ("stripe", False)
    assert account.account_id.startswith("acct_")
    assert response.status_code == 302
    assert response["Location"].startswith(f"https://connect.stripe.com/setup/e/{account.account_id}/")
    (created,) = shop["stripe"].sent("POST", "/v1/accounts")
    assert created.params["country"] == "DE"
    assert created.params["email"] == shop["owner"].email
    assert created.params["controller[stripe_dashboard][type]"] == "express"
    assert created.params["controller[fees][payer]"] == "application"
    assert created.params["capabilities[transfers][requested]"] == "true"
    assert created.params["metadata[seller_id]"] == str(shop["seller"].pk)
    (link,) = shop["stripe"].sent("POST", "/v1/account_links")
    assert link.params["account"] == account.account_id
    assert link.params["type"] == "account_onboarding"
    assert link.params["return_url"] == f"http://testserver{RETURN_URL}"
    assert link.params["refresh_url"] == f"http://testserver{REFRESH_URL}"
    entry = AuditEntry.objects.get(action="payout.account_changed")
    assert entry.after["account_id"] == account.account_id
    assert OutboundEmail.objects.get().payload["to"] == [shop["owner"].email]


def test_coming_back_before_finishing_says_what_is_left_and_continuing_reuses_the_account(shop):
    connect(shop)
    account = SellerPayoutAccount.objects.get()

    back = shop["client"].get(RETURN_URL, follow=True)

    assert "Stripe still needs some details before payouts can start" in back.content.decode()
    assert (
        '<button class="btn btn-primary" type="submit">Continue at Stripe</button>' in back.content.decode()
    )
    again = connect(shop)
    assert again["Location"].startswith(f"https://connect.stripe.com/setup/e/{account.account_id}/")
    assert len(shop["stripe"].sent("POST", "/v1/accounts")) == 1  # no second account
    assert len(shop["stripe"].sent("POST", "/v1/account_links")) == 2
    assert SellerPayoutAccount.objects.count() == 1


def test_after_onboarding_at_stripe_the_return_turns_payouts_on(shop):
    connect(shop)
    account = SellerPayoutAccount.objects.get()
    shop["stripe"].onboard(account.account_id)

    back = shop["client"].get(RETURN_URL, follow=True)

    assert "Your Stripe account is connected: payouts are on." in back.content.decode()
    account.refresh_from_db()
    assert account.payouts_enabled is True
    entry = AuditEntry.objects.filter(action="payout.account_changed").latest("pk")
    assert (entry.before, entry.after) == ({"payouts_enabled": False}, {"payouts_enabled": True})
    refused = connect(shop)
    assert refused.status_code == 400
    assert "nothing is left to set up" in refused.content.decode()


def test_details_given_but_still_checked_say_so(shop):
    connect(shop)
    account = SellerPayoutAccount.objects.get()
    shop["stripe"].onboard(account.account_id, payouts_enabled=False)

    back = shop["client"].get(RETURN_URL, follow=True)

    assert "Stripe is checking the details you gave" in back.content.decode()
    account.refresh_from_db()
    assert account.payouts_enabled is False


def test_an_expired_link_is_replaced_by_a_new_one(shop):
    connect(shop)
    account = SellerPayoutAccount.objects.get()

    response = shop["client"].get(REFRESH_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(f"https://connect.stripe.com/setup/e/{account.account_id}/")


def test_an_account_updated_webhook_from_the_connect_endpoint_follows_stripe(shop, client):
    connect(shop)
    account = SellerPayoutAccount.objects.get()
    snapshot = shop["stripe"].onboard(account.account_id)
    payload = event("account.updated", snapshot)

    with override_settings(STRIPE_CONNECT_WEBHOOK_SECRET=CONNECT_SECRET):
        forged = client.post(
            WEBHOOK_URL,
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload, secret="x"),
        )
        assert forged.status_code == 400
        account.refresh_from_db()
        assert account.payouts_enabled is False

        response = post_event(client, payload, secret=CONNECT_SECRET)

    assert response.status_code == 200
    account.refresh_from_db()
    assert account.payouts_enabled is True
    # Stripe disables payouts later (a verification failed): they stop here too.
    disabled = event("account.updated", {**snapshot, "payouts_enabled": False})
    assert post_event(client, disabled).status_code == 200
    account.refresh_from_db()
    assert account.payouts_enabled is False


def test_a_malformed_account_event_is_refused_and_changes_nothing(shop, client):
    connect(shop)
    account = SellerPayoutAccount.objects.get()
    payload = event(
        "account.updated", {"object": "account", "id": account.account_id, "payouts_enabled": "yes"}
    )

    response = client.post(
        WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload)
    )

    assert response.status_code == 400
    assert "payout state" in response.json()["error"]
    account.refresh_from_db()
    assert account.payouts_enabled is False


def test_an_account_event_about_an_unknown_account_is_accepted_and_changes_nothing(shop, client):
    payload = event(
        "account.updated",
        {"object": "account", "id": "acct_someone_else", "payouts_enabled": True, "details_submitted": True},
    )
    response = client.post(
        WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload)
    )
    assert response.status_code == 200
    assert not SellerPayoutAccount.objects.exists()


def test_a_payout_account_that_is_not_stripes_never_reaches_stripe(shop):
    SellerPayoutAccount.objects.create(seller=shop["seller"], provider="sandbox", account_id="acct_sb_old")

    response = connect(shop)

    assert response.status_code == 400
    assert "not a Stripe account" in response.content.decode()
    assert shop["stripe"].requests == []


@pytest.mark.parametrize("role", [Role.FINANCE, Role.MANAGER, Role.SHIPPING])
def test_only_the_owner_connects(shop, client, role):
    sign_in_confirmed(client, SellerMemberFactory(seller=shop["seller"], role=role).user)
    for url in (ACCOUNT_URL, RETURN_URL, REFRESH_URL):
        assert client.get(url).status_code == 404
    assert client.post(ACCOUNT_URL).status_code == 404
    assert shop["stripe"].requests == []
    assert not SellerPayoutAccount.objects.exists()


def test_stripe_refusing_the_account_is_said_and_nothing_is_stored(shop, monkeypatch):
    monkeypatch.setattr(
        shop["stripe"],
        "_create_account",
        lambda params: (
            400,
            {
                "error": {
                    "message": "Connect is not enabled on this platform.",
                    "type": "invalid_request_error",
                }
            },
        ),
    )

    response = connect(shop)

    assert response.status_code == 400
    assert "Stripe: Connect is not enabled on this platform." in response.content.decode()
    assert not SellerPayoutAccount.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_the_return_page_without_an_account_explains(shop):
    response = shop["client"].get(RETURN_URL, follow=True)
    assert "There is no Stripe account to check: connect one first." in response.content.decode()
    assert reverse("seller:payout-account") == ACCOUNT_URL
