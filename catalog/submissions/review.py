"""Staff decide on a product waiting for review: approve (it goes live) or reject with a reason."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from catalog.models import Product
from catalog.services import product_refresh_buy_box
from catalog.submissions.checks import REASON_MAX
from marketplace.accounts.services import email_enqueue
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from sellers.models import SellerMember


def _lock_pending(product: Product) -> Product:
    locked = Product.objects.select_for_update().filter(pk=product.pk).first()
    if locked is None or locked.review_status != Product.ReviewStatus.PENDING:
        raise ApplicationError(f"“{product.title}” is not waiting for review.")
    return locked


@transaction.atomic
def product_review_approve(*, product: Product, actor) -> Product:
    """Make a product waiting for review visible; refresh its buy box and search document; e-mail."""
    locked = _lock_pending(product)
    locked.review_status = Product.ReviewStatus.APPROVED
    locked.review_note = ""
    locked.is_active = True
    locked.save(update_fields=["review_status", "review_note", "is_active", "updated_at"])
    audit_record(
        action="product.approved",
        target=locked,
        before={"review_status": Product.ReviewStatus.PENDING, "is_active": False},
        after={"review_status": locked.review_status, "is_active": True},
        seller_id=locked.submitted_by_seller_id,
        actor=actor,
    )
    product_refresh_buy_box(product_ids=[locked.pk])
    _review_email_send(product=locked, template="product_approved")
    return locked


@transaction.atomic
def product_review_reject(*, product: Product, actor, reason: str) -> Product:
    """Refuse a product waiting for review with ``reason`` (shown to the seller); it stays hidden."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ApplicationError("Say why the product is rejected: the seller sees the reason.")
    if len(reason) > REASON_MAX:
        raise ApplicationError(f"The reason is at most {REASON_MAX} characters.")
    locked = _lock_pending(product)
    locked.review_status = Product.ReviewStatus.REJECTED
    locked.review_note = reason
    locked.save(update_fields=["review_status", "review_note", "updated_at"])
    audit_record(
        action="product.rejected",
        target=locked,
        before={"review_status": Product.ReviewStatus.PENDING},
        after={"review_status": locked.review_status},
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
