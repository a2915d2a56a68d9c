"""New catalog products created by sellers, hidden until staff approve them (ADR 0081).

``product_submit`` creates the product (``is_active=False``, ``review_status=pending``),
its pictures and the seller's first offer in one transaction. Staff decide in the admin
with ``product_review_approve`` (the product becomes active, its buy box and search
document are refreshed) or ``product_review_reject`` (it stays hidden; the reason is
shown to the seller). Both e-mail the seller's owners. ``is_active`` is what every
storefront list, the product page and the search index already read, so a product
waiting for review is nowhere on the storefront.
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageOps

from catalog import images
from catalog.models import Brand, Category, Product, ProductImage
from catalog.services import offer_create, product_image_renditions_create, product_refresh_buy_box
from marketplace.accounts.services import email_enqueue
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters
from sellers.models import Seller, SellerMember

logger = logging.getLogger(__name__)

TITLE_MAX = 300
BRAND_MAX = 120
DESCRIPTION_MAX = 5000
ATTRIBUTES_MAX = 20
ATTRIBUTE_NAME_MAX = 60
ATTRIBUTE_VALUE_MAX = 200
WEIGHT_MAX_GRAMS = 1_000_000
IMAGES_MAX = 8
IMAGE_BYTES_MAX = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
REASON_MAX = 1000
GTIN_LENGTHS = (8, 12, 13, 14)


class SubmissionRefused(ApplicationError):
    """A refusal of one field of the new-product form (``field`` names it, or is None)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


# Checks --------------------------------------------------------------------------------------------


def gtin_is_valid(gtin: str) -> bool:
    """Whether ``gtin`` is 8, 12, 13 or 14 ASCII digits whose last digit is the GS1 check digit."""
    if not (gtin.isascii() and gtin.isdigit() and len(gtin) in GTIN_LENGTHS):
        return False
    body, check = gtin[:-1], int(gtin[-1])
    total = sum(int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _line(raw, *, field: str, name: str, limit: int, required: bool) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if has_control_characters(text):
        raise SubmissionRefused(f"The {name} contains a character that is not allowed.", field=field)
    if required and not text:
        raise SubmissionRefused(f"Enter the {name}.", field=field)
    if len(text) > limit:
        raise SubmissionRefused(f"The {name} is too long: at most {limit} characters.", field=field)
    return text


def attributes_parse(raw) -> dict[str, str]:
    """``name: value`` lines (blank lines skipped) as a dict; refuse with a sentence."""
    text = raw if isinstance(raw, str) else ""
    if any(has_control_characters(char) and char not in "\r\n" for char in text):
        raise SubmissionRefused(
            "The key attributes contain a character that is not allowed.", field="attributes"
        )
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > ATTRIBUTES_MAX:
        raise SubmissionRefused(
            f"Give at most {ATTRIBUTES_MAX} key attributes (you gave {len(lines)}).", field="attributes"
        )
    attributes: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not name or not value:
            raise SubmissionRefused(
                f"Write each key attribute as “name: value” on its own line (not “{line[:60]}”).",
                field="attributes",
            )
        if len(name) > ATTRIBUTE_NAME_MAX or len(value) > ATTRIBUTE_VALUE_MAX:
            raise SubmissionRefused(
                f"An attribute name is at most {ATTRIBUTE_NAME_MAX} characters and its value at most "
                f"{ATTRIBUTE_VALUE_MAX}.",
                field="attributes",
            )
        if name.casefold() in {known.casefold() for known in attributes}:
            raise SubmissionRefused(f"The attribute “{name}” is given twice.", field="attributes")
        attributes[name] = value
    return attributes


def leaf_categories() -> list[tuple[Category, str]]:
    """Active categories without active subcategories, each with its path of names. One query."""
    categories = list(
        Category.objects.filter(is_active=True)
        .annotate(has_children=Exists(Category.objects.filter(parent=OuterRef("pk"), is_active=True)))
        .only("id", "name", "parent_id", "path")
        .order_by("path")
    )
    by_id = {category.pk: category for category in categories}
    leaves = []
    for category in categories:
        if category.has_children:
            continue
        names = [by_id[int(pk)].name for pk in category.path.strip("/").split("/") if int(pk) in by_id]
        leaves.append((category, " › ".join(names)))
    return sorted(leaves, key=lambda pair: pair[1].casefold())


def _leaf_category(category_id) -> Category:
    if not isinstance(category_id, int) or isinstance(category_id, bool):
        raise SubmissionRefused("Choose a category from the list.", field="category")
    category = (
        Category.objects.filter(pk=category_id, is_active=True)
        .exclude(Exists(Category.objects.filter(parent=OuterRef("pk"), is_active=True)))
        .first()
    )
    if category is None:
        raise SubmissionRefused("Choose a category from the list.", field="category")
    return category


@dataclass
class CleanImage:
    data: bytes
    extension: str


def image_clean(upload) -> CleanImage:
    """Read an uploaded picture: at most 5 MB, JPEG/PNG/WebP, at most 25 MP; re-encode it without
    its metadata (orientation applied). Refuse anything else with a sentence naming the file."""
    name = str(getattr(upload, "name", "") or "the picture")[:80]
    if (getattr(upload, "size", None) or 0) > IMAGE_BYTES_MAX:
        raise SubmissionRefused(f"{name} is larger than 5 MB: send a smaller picture.", field="images")
    upload.seek(0)
    data = upload.read(IMAGE_BYTES_MAX + 1)
    if len(data) > IMAGE_BYTES_MAX:
        raise SubmissionRefused(f"{name} is larger than 5 MB: send a smaller picture.", field="images")
    not_a_picture = SubmissionRefused(f"{name} is not a JPEG, PNG or WebP picture.", field="images")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            picture_format = probe.format
            if picture_format not in IMAGE_FORMATS:
                raise not_a_picture
            if probe.width * probe.height > images.MAX_IMAGE_PIXELS:
                raise SubmissionRefused(f"{name} has too many pixels: at most 25 megapixels.", field="images")
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            picture = ImageOps.exif_transpose(opened)
            if picture_format == "JPEG":
                picture = picture.convert("RGB")
            elif picture.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                picture = picture.convert("RGBA")
            out = io.BytesIO()
            options = {"quality": 90} if picture_format in ("JPEG", "WEBP") else {}
            picture.save(out, format=picture_format, **options)
    except SubmissionRefused:
        raise
    except images.READ_ERRORS + (SyntaxError,):
        raise not_a_picture from None
    return CleanImage(data=out.getvalue(), extension=IMAGE_FORMATS[picture_format])


# Writes --------------------------------------------------------------------------------------------


@transaction.atomic
def product_submit(
    *,
    seller: Seller,
    actor,
    title: str,
    brand_name: str,
    category_id: int,
    gtin: str,
    description: str,
    attributes_text: str,
    weight_grams: int,
    uploads: list,
    sku: str,
    condition: str,
    condition_note: str,
    price: Decimal,
    shipping: Decimal,
    handling_days: int,
) -> Product:
    """Create a new product (hidden, waiting for review), its pictures and ``seller``'s first offer.

    Everything is checked before a file is written; a refusal raises ``SubmissionRefused`` (or the
    offer's ``ApplicationError``) and leaves nothing behind: no product, offer, picture row or file.
    """
    title = _line(title, field="title", name="title", limit=TITLE_MAX, required=True)
    brand_name = _line(brand_name, field="brand", name="brand", limit=BRAND_MAX, required=False)
    category = _leaf_category(category_id)
    gtin = _line(gtin, field="gtin", name="GTIN", limit=20, required=False).replace(" ", "")
    if gtin and not gtin_is_valid(gtin):
        raise SubmissionRefused(
            "That GTIN is not valid: it is the 8, 12, 13 or 14 digits under the bar code, and the last "
            "digit must match the others (check for a typo).",
            field="gtin",
        )
    description = description if isinstance(description, str) else ""
    if any(has_control_characters(char) and char not in "\r\n\t" for char in description):
        raise SubmissionRefused(
            "The description contains a character that is not allowed.", field="description"
        )
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise SubmissionRefused(
            f"The description is too long: at most {DESCRIPTION_MAX} characters.", field="description"
        )
    attributes = attributes_parse(attributes_text)
    if (
        isinstance(weight_grams, bool)
        or not isinstance(weight_grams, int)
        or not 1 <= weight_grams <= WEIGHT_MAX_GRAMS
    ):
        raise SubmissionRefused(
            f"The weight is a whole number of grams from 1 to {WEIGHT_MAX_GRAMS:,}.", field="weight_grams"
        )
    uploads = list(uploads or [])
    if not uploads:
        raise SubmissionRefused("Add at least one picture of the product.", field="images")
    if len(uploads) > IMAGES_MAX:
        raise SubmissionRefused(f"Add at most {IMAGES_MAX} pictures.", field="images")
    pictures = [image_clean(upload) for upload in uploads]

    locked_seller = Seller.objects.select_for_update().filter(pk=seller.pk).first()
    if locked_seller is None or locked_seller.status != Seller.Status.APPROVED:
        raise SubmissionRefused("Only approved sellers can create products.")
    if gtin and Product.objects.filter(gtin=gtin).exists():
        raise SubmissionRefused(
            f"A product with GTIN {gtin} is already in the catalog: find it on “Add a listing” and offer it.",
            field="gtin",
        )
    brand = None
    if brand_name:
        brand = Brand.objects.filter(name__iexact=brand_name).first()
        if brand is None:
            slug = f"{slugify(brand_name)[:120] or 'brand'}-{uuid.uuid4().hex[:8]}"
            brand, _created = Brand.objects.get_or_create(name=brand_name, defaults={"slug": slug})
    try:
        with transaction.atomic():
            product = Product.objects.create(
                category=category,
                brand=brand,
                title=title,
                slug=f"{slugify(title)[:300] or 'product'}-{uuid.uuid4().hex[:10]}",
                description=description,
                gtin=gtin or None,
                attributes=attributes,
                weight_grams=weight_grams,
                is_active=False,
                review_status=Product.ReviewStatus.PENDING,
                submitted_by_seller=locked_seller,
                submitted_at=timezone.now(),
            )
    except IntegrityError as error:
        if "gtin" in str(error):
            raise SubmissionRefused(
                f"A product with GTIN {gtin} is already in the catalog.", field="gtin"
            ) from None
        raise
    offer_create(
        seller=locked_seller,
        product=product,
        sku=sku,
        condition=condition,
        condition_note=condition_note,
        price=price,
        shipping=shipping,
        handling_days=handling_days,
    )
    written: list[str] = []
    try:
        for position, picture in enumerate(pictures):
            image = ProductImage(product=product, alt_text=title, position=position)
            image.image.save(
                f"{product.slug[:60]}-{position}.{picture.extension}", ContentFile(picture.data), save=False
            )
            written.append(image.image.name)
            image.save()
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    # Files are not transactional: the pictures are written last, after every check, and
    # deleted again if saving their rows fails. The renditions are made once this commits.
    transaction.on_commit(lambda: _renditions_create(product.pk))
    return product


def _renditions_create(product_id: int) -> None:
    for image in ProductImage.objects.filter(product_id=product_id):
        try:
            product_image_renditions_create(product_image=image)
        except images.READ_ERRORS:
            logger.warning("No renditions for product image %s.", image.pk)


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
