"""Applying to sell, and staff's decision (docs/decisions/0071-seller-applications.md).

An application is a ``Seller`` in status ``applied`` with its applicant as
owner member and a ``SellerApplication`` row saying what they sell. Staff
approve it (the seller enters Seller Central) or reject it with a reason; a
rejected applicant may correct it and apply again, which re-submits the same
seller. Every submission takes one advisory lock, so two applications cannot
both take a business name, nor one user send two at once.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_text
from sellers.models import Seller, SellerApplication, SellerMember
from sellers.notifications import absolute_url, sellers_email_send
from sellers.services.profile import AddressInput, ProfileInput, seller_addresses_save
from sellers.services.standing import seller_approve, seller_lock, seller_transition

Status = Seller.Status

# pg_advisory_xact_lock key serialising submissions (an arbitrary constant of this module).
APPLICATION_LOCK_KEY = 710_001
REJECTION_REASON_LIMIT = 1000


def _applications_lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPLICATION_LOCK_KEY])


def _slug_for(name: str, *, seller_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "seller"
    taken = set(
        Seller.objects.filter(slug__startswith=base).exclude(pk=seller_pk).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def seller_application_submit(
    *,
    applicant,
    name: str,
    legal_name: str,
    profile: ProfileInput,
    business_address: AddressInput,
    return_address: AddressInput | None,
    what_they_sell: str,
    categories: str = "",
) -> Seller:
    """Apply to sell as a new business, or apply again after a rejection.

    Refuse while the applicant has an application waiting, and refuse a
    business name another seller has (in any letter case).
    """
    _applications_lock()
    name = " ".join(name.split())
    if not name:
        raise ApplicationError("Enter the business name.")
    mine = SellerApplication.objects.filter(applicant=applicant).select_related("seller")
    waiting = mine.filter(seller__status=Status.APPLIED).first()
    if waiting is not None:
        raise ApplicationError(
            f"Your application for {waiting.seller.name} is waiting for review: we e-mail you the decision."
        )
    rejected = mine.filter(seller__status=Status.REJECTED).order_by("-submitted_at").first()
    clash = Seller.objects.filter(name__iexact=name)
    if rejected is not None:
        clash = clash.exclude(pk=rejected.seller_id)
    if clash.exists():
        raise ApplicationError(f"A seller named {name} already exists: choose another business name.")

    fields = {
        "name": name,
        "legal_name": legal_name,
        "description": profile.description,
        "support_email": profile.support_email,
        "contact_name": profile.contact_name,
        "contact_phone": profile.contact_phone,
        "country": business_address.country,
    }
    if rejected is None:
        seller = Seller.objects.create(status=Status.APPLIED, slug=_slug_for(name), **fields)
        SellerMember.objects.create(seller=seller, user=applicant, role=SellerMember.Role.OWNER)
        SellerApplication.objects.create(
            seller=seller, applicant=applicant, what_they_sell=what_they_sell, categories=categories
        )
    else:
        seller = seller_lock(seller_id=rejected.seller_id)
        seller_transition(seller=seller, to=Status.APPLIED, actor=applicant, reason="applied again")
        for field, value in fields.items():
            setattr(seller, field, value)
        seller.slug = _slug_for(name, seller_pk=seller.pk)
        seller.save(update_fields=[*fields, "slug"])
        SellerMember.objects.get_or_create(
            seller=seller, user=applicant, defaults={"role": SellerMember.Role.OWNER}
        )
        application = rejected
        application.what_they_sell, application.categories = what_they_sell, categories
        application.submitted_at = timezone.now()
        application.submission_count += 1
        application.decided_at, application.decided_by = None, None
        application.save(
            update_fields=[
                "what_they_sell",
                "categories",
                "submitted_at",
                "submission_count",
                "decided_at",
                "decided_by",
            ]
        )
    seller_addresses_save(seller=seller, business_address=business_address, return_address=return_address)
    return seller


def _waiting_application(*, seller: Seller) -> SellerApplication:
    """The locked seller's application, refused unless it waits for a decision."""
    application = SellerApplication.objects.select_related("applicant").filter(seller=seller).first()
    if seller.status != Status.APPLIED or application is None:
        raise ApplicationError(
            f"{seller.name} is {seller.get_status_display().lower()}: it has no application waiting."
        )
    return application


def _decided(*, application: SellerApplication, actor, reason: str = "") -> None:
    application.decided_at = timezone.now()
    application.decided_by = actor
    fields = ["decided_at", "decided_by"]
    if reason:
        application.rejection_reason = reason
        fields.append("rejection_reason")
    application.save(update_fields=fields)


def _applicant_addresses(*, application: SellerApplication, seller: Seller) -> list[str]:
    return [application.applicant.email if application.applicant else seller.support_email]


@transaction.atomic
def seller_application_approve(*, seller: Seller, actor) -> Seller:
    """Approve a waiting application: the seller enters Seller Central; e-mail the applicant."""
    locked = seller_lock(seller_id=seller.pk)
    application = _waiting_application(seller=locked)
    seller_approve(seller=locked, actor=actor)
    _decided(application=application, actor=actor)
    sellers_email_send(
        to=_applicant_addresses(application=application, seller=locked),
        template="application_approved",
        context={"seller": locked, "central_url": absolute_url(reverse("seller:dashboard"))},
    )
    seller.status, seller.approved_at = locked.status, locked.approved_at
    return seller


@transaction.atomic
def seller_application_reject(*, seller: Seller, actor, reason: str) -> Seller:
    """Reject a waiting application with a reason the applicant reads (e-mail and apply page)."""
    reason = parse_text(
        reason,
        name="reason",
        limit=REJECTION_REASON_LIMIT,
        missing="Give the applicant a reason for the rejection.",
    )
    locked = seller_lock(seller_id=seller.pk)
    application = _waiting_application(seller=locked)
    seller_transition(seller=locked, to=Status.REJECTED, actor=actor, reason=reason)
    _decided(application=application, actor=actor, reason=reason)
    sellers_email_send(
        to=_applicant_addresses(application=application, seller=locked),
        template="application_rejected",
        context={
            "seller": locked,
            "reason": reason,
            "apply_url": absolute_url(reverse("seller:apply")),
        },
    )
    seller.status = locked.status
    return seller
