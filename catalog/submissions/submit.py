"""A seller creates a product (hidden, waiting for review) or corrects a rejected one and sends it again."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog import images
from catalog.models import Brand, Category, Product, ProductImage
from catalog.services import offer_create, product_image_renditions_create
from catalog.submissions.checks import (
    BRAND_MAX,
    DESCRIPTION_MAX,
    IMAGES_MAX,
    TITLE_MAX,
    WEIGHT_MAX_GRAMS,
    CleanImage,
    SubmissionRefused,
    attributes_parse,
    gtin_is_valid,
    image_clean,
    leaf_category,
    line_clean,
    variation_title,
)
from marketplace.core.audit import audit_record
from marketplace.core.inputs import has_control_characters
from sellers.models import Seller

logger = logging.getLogger(__name__)

# What a correction may change, in the audit row's before/after.
CORRECTED_FIELDS = ("title", "brand_id", "category_id", "gtin", "description", "attributes", "weight_grams")


@dataclass
class ProductFields:
    """A product's fields as the seller typed them, checked (``product_fields_clean``)."""

    title: str
    brand_name: str
    category: Category
    gtin: str
    description: str
    attributes: dict[str, str]
    weight_grams: int
    pictures: list[CleanImage]


def product_fields_clean(
    *,
    title,
    brand_name,
    category_id,
    gtin,
    description,
    attributes_text,
    weight_grams,
    uploads,
    pictures_required: bool,
) -> ProductFields:
    """Check every field of a new or corrected product; raise ``SubmissionRefused`` naming the field."""
    title = line_clean(title, field="title", name="title", limit=TITLE_MAX, required=True)
    brand_name = line_clean(brand_name, field="brand", name="brand", limit=BRAND_MAX, required=False)
    category = leaf_category(category_id)
    gtin = line_clean(gtin, field="gtin", name="GTIN", limit=20, required=False).replace(" ", "")
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
    if pictures_required and not uploads:
        raise SubmissionRefused("Add at least one picture of the product.", field="images")
    if len(uploads) > IMAGES_MAX:
        raise SubmissionRefused(f"Add at most {IMAGES_MAX} pictures.", field="images")
    pictures = [image_clean(upload) for upload in uploads]
    return ProductFields(
        title=title,
        brand_name=brand_name,
        category=category,
        gtin=gtin,
        description=description,
        attributes=attributes,
        weight_grams=weight_grams,
        pictures=pictures,
    )


def seller_lock_approved(seller: Seller, refusal: str) -> Seller:
    """Lock ``seller``'s row; refuse with ``refusal`` unless it is approved."""
    locked = Seller.objects.select_for_update().filter(pk=seller.pk).first()
    if locked is None or locked.status != Seller.Status.APPROVED:
        raise SubmissionRefused(refusal)
    return locked


def gtin_check_free(gtin: str, *, exclude_pk: int | None = None) -> None:
    """Refuse a GTIN another catalog product already has."""
    if gtin and Product.objects.filter(gtin=gtin).exclude(pk=exclude_pk).exists():
        raise SubmissionRefused(
            f"A product with GTIN {gtin} is already in the catalog: find it on “Add a listing” and offer it.",
            field="gtin",
        )


def brand_for_name(name: str) -> Brand | None:
    """The brand called ``name`` (any case), created if there is none; None for no name."""
    if not name:
        return None
    brand = Brand.objects.filter(name__iexact=name).first()
    if brand is None:
        slug = f"{slugify(name)[:120] or 'brand'}-{uuid.uuid4().hex[:8]}"
        brand, _created = Brand.objects.get_or_create(name=name, defaults={"slug": slug})
    return brand


def gtin_integrity_refusal(error: IntegrityError, gtin: str) -> SubmissionRefused | None:
    """The refusal for a GTIN taken meanwhile (the unique index said so), else None."""
    if "gtin" in str(error):
        return SubmissionRefused(f"A product with GTIN {gtin} is already in the catalog.", field="gtin")
    return None


def pictures_write(product: Product, pictures: list[CleanImage]) -> None:
    """Save ``pictures`` as the product's images; the files are deleted again if a row fails."""
    written: list[str] = []
    try:
        for position, picture in enumerate(pictures):
            image = ProductImage(product=product, alt_text=product.title, position=position)
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
    fields = product_fields_clean(
        title=title,
        brand_name=brand_name,
        category_id=category_id,
        gtin=gtin,
        description=description,
        attributes_text=attributes_text,
        weight_grams=weight_grams,
        uploads=uploads,
        pictures_required=True,
    )
    locked_seller = seller_lock_approved(seller, "Only approved sellers can create products.")
    gtin_check_free(fields.gtin)
    try:
        with transaction.atomic():
            product = Product.objects.create(
                category=fields.category,
                brand=brand_for_name(fields.brand_name),
                title=fields.title,
                slug=f"{slugify(fields.title)[:300] or 'product'}-{uuid.uuid4().hex[:10]}",
                description=fields.description,
                gtin=fields.gtin or None,
                attributes=fields.attributes,
                weight_grams=fields.weight_grams,
                is_active=False,
                review_status=Product.ReviewStatus.PENDING,
                submitted_by_seller=locked_seller,
                submitted_at=timezone.now(),
            )
    except IntegrityError as error:
        raise gtin_integrity_refusal(error, fields.gtin) or error from None
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
    pictures_write(product, fields.pictures)
    return product


def resubmittable_product(*, seller: Seller, pk) -> Product | None:
    """``seller``'s rejected product ``pk``, the one it may correct and send again, or None."""
    return (
        Product.objects.filter(
            pk=pk,
            submitted_by_seller=seller,
            review_status=Product.ReviewStatus.REJECTED,
            parent__isnull=True,
        )
        .select_related("brand", "category")
        .first()
    )


@transaction.atomic
def product_resubmit(
    *,
    seller: Seller,
    actor,
    product: Product,
    title: str,
    brand_name: str,
    category_id: int,
    gtin: str,
    description: str,
    attributes_text: str,
    weight_grams: int,
    uploads: list,
) -> Product:
    """Correct ``seller``'s rejected product and send it for review again.

    The fields replace the product's; new pictures (if any) replace all of its pictures, none
    keep them. The product stays hidden, ``pending`` again with the reason cleared (the audit row
    keeps the old reason and values), and joins the admin's review queue. A product that is not
    this seller's or not rejected any more (approved meanwhile, or already sent again) is refused.
    """
    fields = product_fields_clean(
        title=title,
        brand_name=brand_name,
        category_id=category_id,
        gtin=gtin,
        description=description,
        attributes_text=attributes_text,
        weight_grams=weight_grams,
        uploads=uploads,
        pictures_required=False,
    )
    locked_seller = seller_lock_approved(seller, "Only approved sellers can send products for review.")
    locked = (
        Product.objects.select_for_update().filter(pk=product.pk, submitted_by_seller=locked_seller).first()
    )
    if locked is None or locked.review_status != Product.ReviewStatus.REJECTED:
        raise SubmissionRefused(
            f"“{product.title}” is not waiting for a correction: it cannot be sent again."
        )
    if locked.is_parent and fields.gtin:
        raise SubmissionRefused(
            "A product with variations has no GTIN of its own: leave it empty.", field="gtin"
        )
    gtin_check_free(fields.gtin, exclude_pk=locked.pk)
    before = {name: getattr(locked, name) for name in CORRECTED_FIELDS}
    reason = locked.review_note
    locked.title = fields.title
    locked.brand = brand_for_name(fields.brand_name)
    locked.category = fields.category
    locked.gtin = fields.gtin or None
    locked.description = fields.description
    locked.attributes = fields.attributes
    locked.weight_grams = fields.weight_grams
    locked.review_status = Product.ReviewStatus.PENDING
    locked.review_note = ""
    locked.submitted_at = timezone.now()
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as error:
        raise gtin_integrity_refusal(error, fields.gtin) or error from None
    if locked.is_parent:
        family_children_resubmit(parent=locked)
    if fields.pictures:
        old = list(ProductImage.objects.filter(product=locked))
        ProductImage.objects.filter(pk__in=[image.pk for image in old]).delete()
        pictures_write(locked, fields.pictures)
        transaction.on_commit(lambda: _files_delete([image.image.name for image in old]))
    after = {name: getattr(locked, name) for name in CORRECTED_FIELDS}
    changed = [name for name in CORRECTED_FIELDS if before[name] != after[name]]
    audit_record(
        action="product.resubmitted",
        target=locked,
        before={"review_status": Product.ReviewStatus.REJECTED, **{name: before[name] for name in changed}},
        after={
            "review_status": locked.review_status,
            **{name: after[name] for name in changed},
            **({"pictures": len(fields.pictures)} if fields.pictures else {}),
        },
        reason=reason,
        seller_id=locked_seller.pk,
        actor=actor,
    )
    return locked


def family_children_resubmit(*, parent: Product) -> None:
    """Send a corrected family's variations for review again with their parent's new fields.

    Their own values, offers and GTINs stay as they are (editing them is not offered yet).
    """
    children = list(Product.objects.select_for_update().filter(parent=parent).order_by("pk"))
    dimensions = parent.variation_theme.split("/")
    now = timezone.now()
    for child in children:
        values = [child.variant_attributes.get(name, "") for name in dimensions]
        child.title = variation_title(parent.title, values)
        child.updated_at = now
        child.brand, child.category = parent.brand, parent.category
        child.description, child.weight_grams = parent.description, parent.weight_grams
        child.attributes = {**parent.attributes, **child.variant_attributes}
        child.review_status, child.review_note = Product.ReviewStatus.PENDING, ""
        child.submitted_at = parent.submitted_at
    Product.objects.bulk_update(
        children,
        [
            "title",
            "brand",
            "category",
            "description",
            "weight_grams",
            "attributes",
            "review_status",
            "review_note",
            "submitted_at",
            "updated_at",
        ],
    )


def _files_delete(originals: list[str]) -> None:
    """Delete replaced pictures and every rendition they may have (absent ones are no-ops)."""
    for name in originals:
        for target in (name, *(images.rendition_name(name, width) for width in images.RENDITION_WIDTHS)):
            default_storage.delete(target)


def _renditions_create(product_id: int) -> None:
    for image in ProductImage.objects.filter(product_id=product_id):
        try:
            product_image_renditions_create(product_image=image)
        except images.READ_ERRORS:
            logger.warning("No renditions for product image %s.", image.pk)
