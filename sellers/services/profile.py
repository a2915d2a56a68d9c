"""A seller's business profile: contact, support address and postal addresses."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from sellers.models import Seller, SellerAddress, SellerMember
from sellers.services.standing import seller_lock


@dataclass(frozen=True, slots=True)
class AddressInput:
    """A postal address as a form cleaned it."""

    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    region: str = ""

    def as_fields(self) -> dict:
        return {
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "region": self.region,
            "postal_code": self.postal_code,
            "country": self.country,
        }


@dataclass(frozen=True, slots=True)
class ProfileInput:
    """How buyers and the marketplace reach the business."""

    contact_name: str
    contact_phone: str
    support_email: str
    description: str = ""


def seller_addresses_save(
    *, seller: Seller, business_address: AddressInput, return_address: AddressInput | None
) -> None:
    """Store the business address and the return address (None: returns go to the business
    address, so any separate return address is removed). Call it under the seller's lock."""
    SellerAddress.objects.update_or_create(
        seller=seller, kind=SellerAddress.Kind.BUSINESS, defaults=business_address.as_fields()
    )
    if return_address is None:
        SellerAddress.objects.filter(seller=seller, kind=SellerAddress.Kind.RETURN).delete()
    else:
        SellerAddress.objects.update_or_create(
            seller=seller, kind=SellerAddress.Kind.RETURN, defaults=return_address.as_fields()
        )


def owner_check(*, seller: Seller, actor) -> None:
    """Refuse unless ``actor`` is an owner of ``seller`` (views check the section too)."""
    if not SellerMember.objects.filter(seller=seller, user=actor, role=SellerMember.Role.OWNER).exists():
        raise ApplicationError("Only an owner of the seller can do that.")


@transaction.atomic
def seller_profile_update(
    *,
    seller: Seller,
    actor,
    profile: ProfileInput,
    business_address: AddressInput,
    return_address: AddressInput | None,
) -> Seller:
    """Change the business profile an owner edits in Seller Central's settings.

    The business name and legal name are not editable here: they were reviewed
    when the seller applied (staff change them in the admin).
    """
    owner_check(seller=seller, actor=actor)
    locked = seller_lock(seller_id=seller.pk)
    before = _profile_state(locked)
    locked.description = profile.description
    locked.support_email = profile.support_email
    locked.contact_name = profile.contact_name
    locked.contact_phone = profile.contact_phone
    locked.country = business_address.country
    locked.save(update_fields=["description", "support_email", "contact_name", "contact_phone", "country"])
    seller_addresses_save(seller=locked, business_address=business_address, return_address=return_address)
    after = _profile_state(locked)
    if before != after:
        # Where buyers' mail, returns and questions go: a hijacked account would change these first.
        audit_record(
            action="seller.profile_changed",
            target=locked,
            before=before,
            after=after,
            seller_id=locked.pk,
            actor=actor,
        )
    return locked


PROFILE_FIELDS = ("description", "support_email", "contact_name", "contact_phone", "country")


def _profile_state(seller: Seller) -> dict:
    """The profile's fields and its addresses (one line each), for the audit log."""
    state = {name: getattr(seller, name) for name in PROFILE_FIELDS}
    addresses = {address.kind: address for address in SellerAddress.objects.filter(seller=seller)}
    for kind in (SellerAddress.Kind.BUSINESS, SellerAddress.Kind.RETURN):
        address = addresses.get(kind)
        parts = [getattr(address, name) for name in ADDRESS_FIELDS] if address else []
        state[f"{kind}_address"] = ", ".join(part for part in parts if part)
    return state


ADDRESS_FIELDS = ("line1", "line2", "city", "region", "postal_code", "country")
