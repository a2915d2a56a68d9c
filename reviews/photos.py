"""Review photos: checked, decoded within bounds and re-encoded before anything is stored.

An upload is refused when it is too large, not an image Pillow can decode,
or a decompression bomb (more pixels than ``catalog.images.MAX_IMAGE_PIXELS``).
What is stored is never the upload: the decoded picture is turned upright
(EXIF orientation), shrunk to at most ``MAX_SIDE`` pixels and written again as
JPEG, which drops every metadata block (location included) and any payload
hidden in the file.
"""

from __future__ import annotations

import io
import secrets
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from catalog.images import MAX_IMAGE_PIXELS
from marketplace.core.errors import ApplicationError

MAX_PHOTOS = 5
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
JPEG_QUALITY = 85


def photo_reencode(upload) -> ContentFile:
    """The upload as a fresh JPEG, or ``ApplicationError`` saying what is wrong with it."""
    name = getattr(upload, "name", "photo") or "photo"
    if upload.size > MAX_UPLOAD_BYTES:
        raise ApplicationError(f"{name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ApplicationError(f"{name} has too many pixels for a photo ({width} x {height}).")
                probe.verify()
            with Image.open(io.BytesIO(data)) as picture:
                picture.load()
                upright = ImageOps.exif_transpose(picture)
                rgb = upright.convert("RGB")
    except ApplicationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ApplicationError(f"{name} has too many pixels for a photo (25 megapixels at most).") from None
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        raise ApplicationError(f"{name} is not a picture we can read (JPEG, PNG, WebP or GIF).") from None
    rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(8)}.jpg")


def photos_reencode(uploads) -> list[ContentFile]:
    """Every upload re-encoded, refusing more than ``MAX_PHOTOS``; nothing is stored here."""
    uploads = [upload for upload in uploads or () if upload]
    if len(uploads) > MAX_PHOTOS:
        raise ApplicationError(f"A review can have at most {MAX_PHOTOS} photos.")
    return [photo_reencode(upload) for upload in uploads]
