"""A seller creates a product with variations: a parent (never sold) and its variations, each
with the seller's offer, all hidden until staff approve the family (ADR 0095)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Offer, Product
from catalog.services import offer_create
from catalog.submissions.checks import SubmissionRefused, gtin_is_valid, line_clean, variation_title
from catalog.submissions.submit import (
    brand_for_name,
    pictures_write,
    product_fields_clean,
    seller_lock_approved,
)
from marketplace.core.errors import ApplicationError
from sellers.models import Seller

VARIATIONS_MIN = 2
VARIATIONS_MAX = 30
DIMENSIONS_MAX = 2
DIMENSION_NAME_MAX = 30
DIMENSION_VALUE_MAX = 60
# What the theme field joins the dimension names with, as the seeded families do ("Size/Colour").
THEME_SEPARATOR = "/"


class VariationRefused(SubmissionRefused):
    """A refusal of one row of the variation table (``row`` numbers it as the form does)."""

    def __init__(self, message: str, *, row: int | None = None, field: str | None = None):
        super().__init__(message, field=field)
        self.row = row


@dataclass(frozen=True)
class VariationOffer:
    """One row of the variation table as the seller typed it; ``row`` is its number on the form."""

    row: int
    values: tuple[str, ...]
    sku: str
    condition: str
    condition_note: str
    price: Decimal
    shipping: Decimal
    handling_days: int
    gtin: str = ""


def variation_dimensions_clean(names) -> list[str]:
    """The one or two names the variations differ by ("Size", "Colour"); refuse with a sentence."""
    names = list(names or [])[:DIMENSIONS_MAX]
    cleaned = []
    for index, raw in enumerate(names, start=1):
        field = f"dimension_{index}"
        name = line_clean(
            raw, field=field, name="variation name", limit=DIMENSION_NAME_MAX, required=index == 1
        )
        if THEME_SEPARATOR in name:
            raise SubmissionRefused(f"A variation name cannot contain “{THEME_SEPARATOR}”.", field=field)
        if name and name.casefold() in {known.casefold() for known in cleaned}:
            raise SubmissionRefused(f"The variation name “{name}” is given twice.", field=field)
        if name:
            cleaned.append(name)
    if not cleaned:
        raise SubmissionRefused("Say what the variations differ by, like Size.", field="dimension_1")
    return cleaned


def _row_clean(row: VariationOffer, dimensions: list[str]) -> VariationOffer:
    values = list(row.values or ())
    if any(isinstance(extra, str) and extra.strip() for extra in values[len(dimensions) :]):
        raise VariationRefused(
            f"Row {row.row}: it has a second value but the variations differ by {dimensions[0]} only: "
            "name the second dimension or clear the value.",
            row=row.row,
        )
    values += [""] * (len(dimensions) - len(values))
    cleaned = []
    for dimension, raw in zip(dimensions, values, strict=False):
        try:
            cleaned.append(
                line_clean(raw, field=None, name=dimension, limit=DIMENSION_VALUE_MAX, required=True)
            )
        except SubmissionRefused as error:
            raise VariationRefused(f"Row {row.row}: {error.message}", row=row.row) from None
    gtin = row.gtin.replace(" ", "").strip() if isinstance(row.gtin, str) else ""
    if gtin and not gtin_is_valid(gtin):
        raise VariationRefused(
            f"Row {row.row}: the GTIN {gtin[:20]} is not valid (8, 12, 13 or 14 digits, the last one "
            "matching the others).",
            row=row.row,
        )
    sku = row.sku.strip() if isinstance(row.sku, str) else ""
    return VariationOffer(
        row=row.row,
        values=tuple(cleaned),
        sku=sku,
        condition=row.condition,
        condition_note=row.condition_note,
        price=row.price,
        shipping=row.shipping,
        handling_days=row.handling_days,
        gtin=gtin,
    )


def variations_clean(*, dimensions: list[str], variations) -> list[VariationOffer]:
    """Check the rows against each other: 2 to 30, each a different variation, own SKU and GTIN."""
    variations = list(variations or [])
    if len(variations) < VARIATIONS_MIN:
        raise VariationRefused(
            f"A product with variations needs at least {VARIATIONS_MIN} of them (you gave "
            f"{len(variations)}): fill in one row per variation.",
            field="variations",
        )
    if len(variations) > VARIATIONS_MAX:
        raise VariationRefused(
            f"Give at most {VARIATIONS_MAX} variations (you gave {len(variations)}).", field="variations"
        )
    rows = [_row_clean(row, dimensions) for row in variations]
    seen_values: dict[tuple, int] = {}
    seen_skus: dict[str, int] = {}
    seen_gtins: dict[str, int] = {}
    for row in rows:
        key = tuple(value.casefold() for value in row.values)
        if key in seen_values:
            described = ", ".join(
                f"{name} {value}" for name, value in zip(dimensions, row.values, strict=True)
            )
            raise VariationRefused(
                f"Rows {seen_values[key]} and {row.row} are the same variation ({described}): "
                "each row is a different one.",
                row=row.row,
            )
        seen_values[key] = row.row
        if row.sku and row.sku in seen_skus:
            raise VariationRefused(
                f"Rows {seen_skus[row.sku]} and {row.row} have the same SKU “{row.sku}”: "
                "each variation needs its own SKU.",
                row=row.row,
            )
        seen_skus[row.sku] = row.row
        if row.gtin and row.gtin in seen_gtins:
            raise VariationRefused(
                f"Rows {seen_gtins[row.gtin]} and {row.row} have the same GTIN {row.gtin}: "
                "each variation has its own bar code.",
                row=row.row,
            )
        seen_gtins[row.gtin] = row.row
    return rows


def _rows_free(*, seller: Seller, rows: list[VariationOffer]) -> None:
    """Refuse a row whose SKU the seller already uses or whose GTIN the catalog already has."""
    used_skus = set(
        Offer.objects.filter(seller=seller, sku__in=[row.sku for row in rows]).values_list("sku", flat=True)
    )
    gtins = [row.gtin for row in rows if row.gtin]
    known_gtins = (
        set(Product.objects.filter(gtin__in=gtins).values_list("gtin", flat=True)) if gtins else set()
    )
    for row in rows:
        if row.sku in used_skus:
            raise VariationRefused(
                f"Row {row.row}: you already have a listing with the SKU “{row.sku}”: choose another SKU.",
                row=row.row,
            )
        if row.gtin in known_gtins:
            raise VariationRefused(
                f"Row {row.row}: a product with GTIN {row.gtin} is already in the catalog: find it on "
                "“Add a listing” and offer it.",
                row=row.row,
            )


def _variation_create(*, parent: Product, row: VariationOffer, dimensions: list[str]) -> Product:
    """Create one variation of ``parent``, hidden and waiting for review with it."""
    title = variation_title(parent.title, row.values)
    values = dict(zip(dimensions, row.values, strict=True))
    try:
        with transaction.atomic():
            return Product.objects.create(
                parent=parent,
                category=parent.category,
                brand=parent.brand,
                title=title,
                slug=f"{slugify(title)[:300] or 'product'}-{uuid.uuid4().hex[:10]}",
                description=parent.description,
                gtin=row.gtin or None,
                attributes={**parent.attributes, **values},
                variant_attributes=values,
                weight_grams=parent.weight_grams,
                is_active=False,
                review_status=Product.ReviewStatus.PENDING,
                submitted_by_seller=parent.submitted_by_seller,
                submitted_at=parent.submitted_at,
            )
    except IntegrityError as error:
        if "gtin" in str(error):
            raise VariationRefused(
                f"Row {row.row}: a product with GTIN {row.gtin} is already in the catalog.", row=row.row
            ) from None
        raise


@transaction.atomic
def product_family_submit(
    *,
    seller: Seller,
    actor,
    title: str,
    brand_name: str,
    category_id: int,
    description: str,
    attributes_text: str,
    weight_grams: int,
    uploads: list,
    dimensions: list[str],
    variations: list[VariationOffer],
) -> Product:
    """Create a product with variations, hidden and waiting for review; return the parent.

    The parent holds the family's fields and pictures, its ``variation_theme`` names the
    dimensions ("Size/Colour"), and it is never sold. Each variation has its own values,
    optional GTIN and ``seller``'s offer (made by ``offer_create``). Everything is checked
    before a file is written; any refusal (``SubmissionRefused``, ``VariationRefused`` naming
    the row) leaves nothing behind: no product, offer, picture row or file.
    """
    fields = product_fields_clean(
        title=title,
        brand_name=brand_name,
        category_id=category_id,
        gtin="",
        description=description,
        attributes_text=attributes_text,
        weight_grams=weight_grams,
        uploads=uploads,
        pictures_required=True,
    )
    dimensions = variation_dimensions_clean(dimensions)
    rows = variations_clean(dimensions=dimensions, variations=variations)
    locked_seller = seller_lock_approved(seller, "Only approved sellers can create products.")
    _rows_free(seller=locked_seller, rows=rows)
    parent = Product.objects.create(
        category=fields.category,
        brand=brand_for_name(fields.brand_name),
        title=fields.title,
        slug=f"{slugify(fields.title)[:300] or 'product'}-{uuid.uuid4().hex[:10]}",
        description=fields.description,
        gtin=None,
        attributes=fields.attributes,
        weight_grams=fields.weight_grams,
        variation_theme=THEME_SEPARATOR.join(dimensions),
        is_active=False,
        review_status=Product.ReviewStatus.PENDING,
        submitted_by_seller=locked_seller,
        submitted_at=timezone.now(),
    )
    for row in rows:
        child = _variation_create(parent=parent, row=row, dimensions=dimensions)
        try:
            offer_create(
                seller=locked_seller,
                product=child,
                sku=row.sku,
                condition=row.condition,
                condition_note=row.condition_note,
                price=row.price,
                shipping=row.shipping,
                handling_days=row.handling_days,
            )
        except ApplicationError as error:
            raise VariationRefused(f"Row {row.row}: {error.message}", row=row.row) from None
    pictures_write(parent, fields.pictures)
    return parent
