"""Staff decide on a product waiting for review: approve (it goes live) or reject with a reason."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from catalog.services import product_refresh_buy_box
from catalog.submissions.checks import REASON_MAX
from marketplace.accounts.services import email_enqueue
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from sellers.models import SellerMember


def _lock_pending(product: Product) -> tuple[Product, list[int]]:
    """Lock a product waiting for review and, for a family's parent, its variations (in pk order).

    Return the product and the ids of its variations waiting with it. A variation alone is
    refused: staff decide on its family.
    """
    locked = (
        Product.objects.select_for_update(of=("self",)).filter(pk=product.pk).select_related("parent").first()
    )
    if locked is not None and locked.parent_id is not None:
        raise ApplicationError(
            f"“{locked.title}” is a variation: approve or reject its family, “{locked.parent.title}”."
        )
    if locked is None or locked.review_status != Product.ReviewStatus.PENDING:
        raise ApplicationError(f"“{product.title}” is not waiting for review.")
    variations = list(
        Product.objects.select_for_update()
        .filter(parent_id=locked.pk, review_status=Product.ReviewStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return locked, variations


def _family(variations: list[int]) -> dict:
    return {"variations": len(variations)} if variations else {}


@transaction.atomic
def product_review_approve(*, product: Product, actor) -> Product:
    """Make a product waiting for review visible; refresh its buy box and search document; e-mail.

    Approving a family's parent approves and shows its variations too (one e-mail).
    """
    locked, variations = _lock_pending(product)
    locked.review_status = Product.ReviewStatus.APPROVED
    locked.review_note = ""
    locked.is_active = True
    locked.save(update_fields=["review_status", "review_note", "is_active", "updated_at"])
    Product.objects.filter(pk__in=variations).update(
        review_status=Product.ReviewStatus.APPROVED, review_note="", is_active=True, updated_at=timezone.now()
    )
    audit_record(
        action="product.approved",
        target=locked,
        before={"review_status": Product.ReviewStatus.PENDING, "is_active": False},
        after={"review_status": locked.review_status, "is_active": True, **_family(variations)},
        seller_id=locked.submitted_by_seller_id,
        actor=actor,
    )
    # Refreshing a parent refreshes its variations too.
    product_refresh_buy_box(product_ids=[locked.pk])
    _review_email_send(product=locked, template="product_approved")
    return locked


@transaction.atomic
def product_review_reject(*, product: Product, actor, reason: str) -> Product:
    """Refuse a product waiting for review with ``reason`` (shown to the seller); it stays hidden.

    Rejecting a family's parent rejects its variations with the same reason (one e-mail).
    """
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ApplicationError("Say why the product is rejected: the seller sees the reason.")
    if len(reason) > REASON_MAX:
        raise ApplicationError(f"The reason is at most {REASON_MAX} characters.")
    locked, variations = _lock_pending(product)
    locked.review_status = Product.ReviewStatus.REJECTED
    locked.review_note = reason
    locked.save(update_fields=["review_status", "review_note", "updated_at"])
    Product.objects.filter(pk__in=variations).update(
        review_status=Product.ReviewStatus.REJECTED, review_note=reason, updated_at=timezone.now()
    )
    audit_record(
        action="product.rejected",
        target=locked,
        before={"review_status": Product.ReviewStatus.PENDING},
        after={"review_status": locked.review_status, **_family(variations)},
        reason=reason,
        seller_id=locked.submitted_by_seller_id,
        actor=actor,
    )
    _review_email_send(product=locked, template="product_rejected")
    return locked


def _review_email_send(*, product: Product, template: str) -> None:
    """E-mail ``catalog/email/<template>_*`` to the submitting seller's owners and support address."""
    seller = product.submitted_by_seller
    if seller is None:
        return
    owners = SellerMember.objects.filter(seller=seller, role=SellerMember.Role.OWNER).order_by("pk")
    to = [
        a for a in dict.fromkeys([*owners.values_list("user__email", flat=True), seller.support_email]) if a
    ]
    if not to:
        return
    protocol = getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
    base = f"{protocol}://{Site.objects.get_current().domain}"
    context = {
        "seller": seller,
        "product": product,
        "products_url": base + reverse("seller:product-list"),
        "product_url": base + product.get_absolute_url(),
        "marketplace_name": settings.MARKETPLACE_NAME,
    }
    email_enqueue(
        {
            "subject": " ".join(render_to_string(f"catalog/email/{template}_subject.txt", context).split()),
            "body": render_to_string(f"catalog/email/{template}_message.txt", context),
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "to": to,
            "alternatives": [
                [render_to_string(f"catalog/email/{template}_message.html", context), "text/html"]
            ],
        }
    )
