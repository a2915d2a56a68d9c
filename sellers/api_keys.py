"""Integrator keys of a seller: a hashed key with scopes, made and revoked in Seller Central.

``SellerApiKey`` extends djangorestframework-api-key's ``AbstractAPIKey``: the package
generates the key, keeps only its prefix and a hash (the plain key is shown once, on creation),
and parses ``Authorization: Api-Key <key>``. A key acts for its seller only, within its scopes
(``Scope``). Which scopes a member may put on a key follows the member's role: a scope belongs
to a Seller Central section (``SCOPE_SECTIONS``) and a role opens only its sections
(sellers/access.py). docs/decisions/0096-seller-api-keys.md has the reasons.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters
from sellers.access import Section, role_allows

NAME_MAX_LENGTH = 50
# The longest a key may be made to last, and how often its last use is written.
EXPIRY_MAX_DAYS = 730
LAST_USED_EVERY = timedelta(minutes=1)


class Scope(models.TextChoices):
    LISTINGS_READ = "listings:read", "Read listings and their stock"
    LISTINGS_WRITE = "listings:write", "Create and change listings"
    INVENTORY_WRITE = "inventory:write", "Set stock per warehouse"
    ORDERS_READ = "orders:read", "Read orders to ship"
    ORDERS_WRITE = "orders:write", "Acknowledge and ship orders"
    RETURNS_WRITE = "returns:write", "Approve and refuse returns"
    FINANCE_READ = "finance:read", "Read the balance and statements"


# The Seller Central section each scope reaches: a member may use (and put on a key) the scopes
# of the sections its role opens.
SCOPE_SECTIONS: dict[str, str] = {
    Scope.LISTINGS_READ: Section.LISTINGS,
    Scope.LISTINGS_WRITE: Section.LISTINGS,
    Scope.INVENTORY_WRITE: Section.INVENTORY,
    Scope.ORDERS_READ: Section.ORDERS,
    Scope.ORDERS_WRITE: Section.ORDERS,
    Scope.RETURNS_WRITE: Section.ORDERS,
    Scope.FINANCE_READ: Section.MONEY,
}


def role_allows_scope(role: str, scope: str) -> bool:
    return scope in SCOPE_SECTIONS and role_allows(role, SCOPE_SECTIONS[scope])


def scopes_for_role(role: str) -> list[str]:
    """The scopes a member in ``role`` may use and grant, in ``Scope`` order."""
    return [scope for scope in Scope.values if role_allows_scope(role, scope)]


class SellerApiKeyManager(APIKeyManager):
    def assign_key(self, obj: AbstractAPIKey) -> str:
        """The package's key, prefix and hash, with a plain number as the primary key (the
        package's ``<prefix>.<hash>`` would carry the hash into URLs and audit rows)."""
        key = super().assign_key(obj)
        obj.id = None
        return key


class SellerApiKey(AbstractAPIKey):
    """One integrator key of a seller: its name, scopes, who made it, when it was last used."""

    id = models.BigAutoField(primary_key=True)
    objects = SellerApiKeyManager()

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="api_keys")
    scopes = ArrayField(models.CharField(max_length=20, choices=Scope.choices))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        app_label = "sellers"
        verbose_name = "seller API key"
        verbose_name_plural = "seller API keys"
        indexes = [models.Index(fields=["seller", "-created"], name="seller_api_key_seller_idx")]

    @property
    def is_usable(self) -> bool:
        return not self.revoked and not self.has_expired


def _name_check(name) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ApplicationError("Name the key: say which system will use it.")
    if len(name) > NAME_MAX_LENGTH or has_control_characters(name):
        raise ApplicationError(f"A key's name is one line of at most {NAME_MAX_LENGTH} characters.")
    return name


def _scopes_check(scopes, *, role: str) -> list[str]:
    if not isinstance(scopes, list | tuple) or not scopes:
        raise ApplicationError("Choose at least one scope: what the key may do.")
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown:
        raise ApplicationError("Choose scopes from the list.")
    refused = [scope for scope in scopes if not role_allows_scope(role, scope)]
    if refused:
        raise ApplicationError(f"Your role cannot grant {', '.join(sorted(set(refused)))}.")
    return [scope for scope in Scope.values if scope in scopes]


@transaction.atomic
def seller_api_key_create(
    *, seller, member, name: str, scopes: list[str], expires_at: datetime | None = None
) -> tuple[SellerApiKey, str]:
    """Create a key of ``seller`` with ``scopes`` (those ``member``'s role opens); return it and
    the plain key, which is never stored and so can be shown this once only."""
    name = _name_check(name)
    scopes = _scopes_check(scopes, role=member.role)
    now = timezone.now()
    if expires_at is not None and not now < expires_at <= now + timedelta(days=EXPIRY_MAX_DAYS):
        raise ApplicationError(f"A key expires in the future, within {EXPIRY_MAX_DAYS} days.")
    api_key, key = SellerApiKey.objects.create_key(
        seller=seller, name=name, scopes=scopes, created_by=member.user, expiry_date=expires_at
    )
    audit_record(
        action="api_key.created",
        target=api_key,
        after={"name": name, "prefix": api_key.prefix, "scopes": scopes, "expires_at": expires_at},
        actor=member.user,
    )
    return api_key, key


@transaction.atomic
def seller_api_key_revoke(*, api_key: SellerApiKey, actor) -> SellerApiKey:
    """Revoke one key for good (its next request is a 401); revoking twice changes nothing."""
    now = timezone.now()
    changed = SellerApiKey.objects.filter(pk=api_key.pk, revoked=False).update(revoked=True, revoked_at=now)
    api_key = SellerApiKey.objects.get(pk=api_key.pk)
    if changed:
        audit_record(
            action="api_key.revoked",
            target=api_key,
            before={"revoked": False},
            after={"revoked": True},
            actor=actor,
        )
    return api_key


def seller_api_key_touch(*, api_key: SellerApiKey, now: datetime) -> None:
    """Note that the key was used now: one conditional UPDATE, at most once a minute per key."""
    if api_key.last_used_at is not None and api_key.last_used_at > now - LAST_USED_EVERY:
        return
    SellerApiKey.objects.filter(pk=api_key.pk).filter(
        models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lte=now - LAST_USED_EVERY)
    ).update(last_used_at=now)


def seller_api_key_list(*, seller) -> models.QuerySet[SellerApiKey]:
    """The seller's keys, newest first, with who made them."""
    return SellerApiKey.objects.filter(seller=seller).select_related("created_by").order_by("-created")


def seller_api_key_get_for_seller(*, seller, prefix: str) -> SellerApiKey | None:
    """One of the seller's keys by its prefix (its public part), or None."""
    return SellerApiKey.objects.filter(seller=seller, prefix=prefix).first()
