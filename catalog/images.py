"""Product pictures at the sizes they are shown (ADR 0041).

Every ``ProductImage`` original gets fixed-width WebP renditions next to it in
storage: ``renditions/<original path without extension>-<width>w.webp`` for
each width in ``RENDITION_WIDTHS`` narrower than the original. The names are
derived from the original's name alone (an upload's name never changes: the
storage picks a fresh name for every upload), so a template builds the URLs
without a query, and a cached page stays valid.

Renditions are written when an image is created
(``catalog.services.product_image_renditions_create``), by the demo seed for
its picture pool, and by ``manage.py product_image_renditions`` for rows made
any other way. A template that meets an image without them (an admin upload
before the backfill ran) writes them then, once per process; an original that
cannot be read is shown as it is.
"""

from __future__ import annotations

import io
import logging
import posixpath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# 128: gallery thumbnails (64 CSS px at up to 2x); 240: product cards (140-220 CSS px at 1x);
# 480: cards at 2x and the product page's main picture on phones.
RENDITION_WIDTHS = (128, 240, 480)
RENDITION_FORMAT = "WEBP"
RENDITION_QUALITY = 80
RENDITION_PREFIX = "renditions/"

# Pillow warns above this many pixels and refuses twice as many (DecompressionBombError),
# which Django's ImageField reports as "not a valid image". 25 MP is a 6000x4000 camera picture;
# a product photo never needs more, and a decoded 50 MP RGB picture is 150 MB of memory.
MAX_IMAGE_PIXELS = 25_000_000

ORIENTATION_TAG = 0x0112

READ_ERRORS = (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError)

# Rendition names known to be in storage, so a page render checks each one once per process.
_known: set[str] = set()
_KNOWN_LIMIT = 200_000


def configure_pillow() -> None:
    """Bound the pictures Pillow will decode (uploads and renditions alike)."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def rendition_name(name: str, width: int) -> str:
    """Return the storage name of the ``width`` rendition of the original ``name``."""
    stem, _ext = posixpath.splitext(name)
    return f"{RENDITION_PREFIX}{stem}-{width}w.{RENDITION_FORMAT.lower()}"


def rendition_widths(original_width: int | None) -> list[int]:
    """Return the rendition widths an original this wide gets (never an enlargement)."""
    if not original_width:
        return []
    return [width for width in RENDITION_WIDTHS if width < original_width]


def _encode(picture: Image.Image, width: int) -> bytes:
    height = max(1, round(picture.height * width / picture.width))
    resized = picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    resized.save(out, format=RENDITION_FORMAT, quality=RENDITION_QUALITY)
    return out.getvalue()


def _save(storage: Storage, name: str, data: bytes) -> None:
    storage.delete(name)  # a no-op when absent
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # another process wrote the same rendition meanwhile; keep the canonical one
        storage.delete(saved)


def renditions_create(name: str, *, storage: Storage | None = None, replace: bool = False) -> list[str]:
    """Write the renditions of the original ``name``; return their names.

    Existing renditions are kept unless ``replace``. Raise ``OSError``,
    ``UnidentifiedImageError`` or ``DecompressionBombError`` when the original
    cannot be read.
    """
    storage = storage or default_storage
    with storage.open(name, "rb") as handle, Image.open(handle) as opened:
        # The header gives the size; the pixels are decoded only if a rendition is missing.
        turned = opened.getexif().get(ORIENTATION_TAG, 1) in (5, 6, 7, 8)
        widths = rendition_widths(opened.height if turned else opened.width)
        names = [rendition_name(name, width) for width in widths]
        if not replace and all(storage.exists(target) for target in names):
            _remember(names)
            return names
        picture = ImageOps.exif_transpose(opened)
        picture = picture.convert("RGBA" if picture.has_transparency_data else "RGB")
    for target, width in zip(names, widths, strict=True):
        if replace or not storage.exists(target):
            _save(storage, target, _encode(picture, width))
    _remember(names)
    return names


def _remember(names: list[str]) -> None:
    if len(_known) > _KNOWN_LIMIT:
        _known.clear()
    _known.update(names)


def renditions_ensure(name: str, *, original_width: int | None) -> dict[int, str]:
    """Return ``{width: rendition name}`` for an original, writing missing renditions.

    Return an empty dict when the original cannot be read: the page then shows
    the original.
    """
    if not name:
        return {}
    wanted = {width: rendition_name(name, width) for width in rendition_widths(original_width)}
    missing = [target for target in wanted.values() if target not in _known]
    if missing:
        if all(default_storage.exists(target) for target in missing):
            _remember(missing)
        else:
            try:
                created = set(renditions_create(name))
            except READ_ERRORS:
                logger.warning("No renditions for product image %s: the original cannot be read.", name)
                return {}
            return {width: target for width, target in wanted.items() if target in created}
    return wanted


def image_srcset(image) -> str:
    """Return a ``srcset`` of a ``ProductImage``'s renditions and its original."""
    candidates = [
        f"{default_storage.url(target)} {width}w"
        for width, target in renditions_ensure(image.image.name, original_width=image.width).items()
    ]
    if image.width:
        candidates.append(f"{image.image.url} {image.width}w")
    return ", ".join(candidates)


def image_url(image, width: int) -> str:
    """Return the URL of the narrowest picture of ``image`` at least ``width`` wide."""
    renditions = renditions_ensure(image.image.name, original_width=image.width)
    for rendition_width, target in sorted(renditions.items()):
        if rendition_width >= width:
            return default_storage.url(target)
    return image.image.url
