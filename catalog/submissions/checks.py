"""Checks of a new or corrected product's fields and pictures, before anything is written."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from PIL import Image, ImageOps

from catalog import images
from catalog.models import Category
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters

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


def line_clean(raw, *, field: str, name: str, limit: int, required: bool) -> str:
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


def leaf_category(category_id) -> Category:
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


def variation_title(parent_title: str, values) -> str:
    """A variation's title: its family's title and its values, “Tee (Red, M)”, at most 300 characters."""
    suffix = f" ({', '.join(values)})"
    return f"{parent_title[: max(TITLE_MAX - len(suffix), 1)].rstrip()}{suffix}"[:TITLE_MAX]
