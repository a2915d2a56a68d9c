"""Who a seller API request acts for: an integrator key, or a signed-in member.

``SellerApiKeyAuthentication`` reads ``Authorization: Api-Key <key>`` (the package's parser),
finds the key by its prefix and checks its hash; an unknown, revoked or expired key is a 401
(never silently anonymous). ``SellerApiView`` then resolves the seller and checks the view's
scope: a key acts for its seller within its scopes (a missing scope is a 403 naming it); a
member (session cookie or ``X-Session-Token``) acts for its seller with its role's scopes
(sellers/api_keys.py), the second factor asked of owners and finance members as Seller
Central asks it. A signed-in user who works for no seller gets a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView
from rest_framework_api_key.permissions import KeyParser

from marketplace.accounts.mfa import user_has_second_factor
from marketplace.api.authentication import SessionTokenAuthentication
from marketplace.api.throttling import IPThrottle
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_id
from sellers.access import OUTSIDE_CENTRAL, membership_current, membership_get, role_requires_mfa
from sellers.api_keys import SellerApiKey, role_allows_scope, seller_api_key_touch
from sellers.models import Seller, SellerMember

KEYWORD = "Api-Key"
SELLER_HEADER = "X-Seller-Id"
INVALID_KEY = "The API key is not valid: it is unknown, revoked or expired."
MFA_NEEDED = (
    "Two-factor authentication is required for an owner or finance member: add an authenticator "
    "app or a security key at /accounts/2fa/, or use an integrator key."
)


class SellerApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <prefix>.<secret>``: the key's creator as ``request.user`` (for
    throttling and the idempotency store) and the key as ``request.auth``."""

    parser = KeyParser()

    def authenticate(self, request):
        key = self.parser.get_from_authorization(request)
        if key is None:
            return None
        prefix, dot, _secret = key.partition(".")
        api_key = (
            SellerApiKey.objects.select_related("seller", "created_by").filter(prefix=prefix).first()
            if dot and len(prefix) <= 8
            else None
        )
        if api_key is None or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed(INVALID_KEY)
        if (
            not api_key.is_usable
            or api_key.seller.status in OUTSIDE_CENTRAL
            or not api_key.created_by.is_active
        ):
            raise exceptions.AuthenticationFailed(INVALID_KEY)
        seller_api_key_touch(api_key=api_key, now=timezone.now())
        return api_key.created_by, api_key

    def authenticate_header(self, request) -> str:
        return KEYWORD


class SellerApiKeyScheme(OpenApiAuthenticationExtension):
    """Describes SellerApiKeyAuthentication in the schema."""

    target_class = "sellers.api.auth.SellerApiKeyAuthentication"
    name = "sellerApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A seller's integrator key, made in Seller Central (/seller/api-keys/): "
                "`Authorization: Api-Key <key>`. Each endpoint names the scope it needs."
            ),
        }


class SellerCallerThrottle(SimpleRateThrottle):
    """One budget per integrator key, or per signed-in member (``API_THROTTLE_USER``'s rate,
    or ``DEFAULT_THROTTLE_RATES["api_key"]`` when set)."""

    scope = "api_key"

    def __init__(self):
        rates = api_settings.DEFAULT_THROTTLE_RATES
        self.rate = rates.get("api_key") or rates.get("user")
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, SellerApiKey):
            ident = f"key-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


@dataclass(frozen=True, slots=True)
class SellerCaller:
    """The seller a request acts for, and with what: an integrator key or a membership."""

    seller: Seller
    user: object
    api_key: SellerApiKey | None = None
    member: SellerMember | None = None


def _member_for(request) -> SellerMember | None:
    raw = request.headers.get(SELLER_HEADER)
    if raw is not None:
        try:
            seller_id = parse_id(raw, message="")
        except ApplicationError:
            raise exceptions.ValidationError({SELLER_HEADER: ["Send a seller's id."]}) from None
        return membership_get(user=request.user, seller_id=seller_id)
    membership, must_choose = membership_current(request)
    if membership is None and must_choose:
        raise exceptions.PermissionDenied(
            f"You work for several sellers: name one in the {SELLER_HEADER} header."
        )
    return membership


def seller_caller(request, *, scope: str) -> SellerCaller:
    """The seller ``request`` acts for, if it may use ``scope``; else a 403 that says why."""
    api_key = request.auth if isinstance(request.auth, SellerApiKey) else None
    if api_key is not None:
        if scope not in api_key.scopes:
            raise exceptions.PermissionDenied(f"This key does not have the scope {scope}.")
        return SellerCaller(seller=api_key.seller, user=request.user, api_key=api_key)
    member = _member_for(request)
    if member is None:
        raise exceptions.PermissionDenied("You do not work for a seller.")
    if not role_allows_scope(member.role, scope):
        raise exceptions.PermissionDenied(f"Your role ({member.get_role_display()}) does not allow {scope}.")
    if (
        role_requires_mfa(member.role)
        and settings.MFA_REQUIRED_FOR_PRIVILEGED
        and not user_has_second_factor(request.user)
    ):
        raise exceptions.PermissionDenied(MFA_NEEDED)
    return SellerCaller(seller=member.seller, user=request.user, member=member)


class SellerApiView(APIView):
    """A seller endpoint: ``scopes`` maps each method to the scope it needs; ``self.caller``
    holds the seller it acts for once the checks pass."""

    authentication_classes = [
        SellerApiKeyAuthentication,
        SessionTokenAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [SellerCallerThrottle, IPThrottle]
    scopes: dict[str, str] = {}
    caller: SellerCaller

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        scope = self.scopes.get(request.method) or self.scopes.get("GET" if request.method == "HEAD" else "")
        if scope is None:
            if request.method == "OPTIONS":
                return
            raise exceptions.MethodNotAllowed(request.method)
        self.caller = seller_caller(request, scope=scope)


def scoped(scope: str, text: str) -> str:
    """An endpoint's description with the scope it needs (the schema shows it)."""
    return f"{text}\n\n**Scope:** `{scope}` (an integrator key's, or a member role's that includes it)."
