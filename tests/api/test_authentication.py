"""Apps sign in through allauth's headless app API and send X-Session-Token."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import override_settings
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    user = UserFactory(email="app-user@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(api, email, password=DEFAULT_PASSWORD):
    return api.post("/_allauth/app/v1/auth/login", {"email": email, "password": password}, format="json")


class WhoAmI(APIView):
    """A private endpoint with the API's default authentication."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"email": request.user.email})


def call_private(**headers):
    response = WhoAmI.as_view()(APIRequestFactory().get("/api/v1/private/", **headers))
    response.render()
    return response


def test_signing_in_gives_a_session_token_that_authenticates(api, shopper):
    response = sign_in(api, shopper.email)
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]

    response = call_private(HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200
    assert json.loads(response.content) == {"email": shopper.email}


def test_a_wrong_password_gives_no_token(api, shopper):
    response = sign_in(api, shopper.email, "wrong-password")
    assert response.status_code == 400
    assert "session_token" not in response.json().get("meta", {})


def test_no_token_on_a_private_endpoint_is_401_naming_the_scheme():
    response = call_private()
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "X-Session-Token"


def test_an_unknown_or_signed_out_token_is_401_even_on_public_endpoints(api, shopper):
    assert_problem(api.get("/api/v1/categories/", HTTP_X_SESSION_TOKEN="not-a-token"), 401)

    token = sign_in(api, shopper.email).json()["meta"]["session_token"]
    assert api.delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token).status_code == 401
    assert_problem(call_private(HTTP_X_SESSION_TOKEN=token), 401)


def test_the_user_throttle_counts_an_app_user(api, shopper):
    token = sign_in(api, shopper.email).json()["meta"]["session_token"]
    rates = {"ip": "100/minute", "user": "1/minute"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        assert api.get("/api/v1/categories/", HTTP_X_SESSION_TOKEN=token).status_code == 200
        assert_problem(api.get("/api/v1/categories/", HTTP_X_SESSION_TOKEN=token), 429)
        assert api.get("/api/v1/categories/").status_code == 200  # anonymous: its own budget


def test_the_storefront_keeps_allauths_normal_sign_in_page(client):
    assert client.get("/accounts/login/").status_code == 200


def test_app_sign_in_counts_failed_attempts_like_the_storefront(api, shopper):
    """The same adapter: past LOGIN_FAILED_ADDRESS_LIMITS (5 a minute) the address gets 429."""
    statuses = [sign_in(api, shopper.email, f"guess-{n}").status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    assert sign_in(api, shopper.email).status_code == 429  # even the right password, from here
