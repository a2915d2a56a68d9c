"""A small pool of generated product pictures, shared by every demo product.

Each top-level category gets one picture per colour pair of its palette: a
diagonal gradient, a simple shape and the category's name. The files are
written once to ``MEDIA_ROOT/demo/`` (through the default storage) and reused.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, ImageOps

from catalog.images import renditions_create
from marketplace.demo import vocabulary as v
from marketplace.demo.generator import image_name

SIZE = 600


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType
        return ImageFont.load_default()


def render(*, label: str, colours: tuple[str, str], shape: int) -> bytes:
    """Return a JPEG of a gradient with a shape and ``label`` on it."""
    rotated = Image.linear_gradient("L").rotate(45, expand=True)  # 362 px, the middle 181 px is filled
    gradient = rotated.crop((91, 91, 271, 271)).resize((SIZE, SIZE), Image.Resampling.BICUBIC)
    image = ImageOps.colorize(gradient, colours[0], colours[1])
    draw = ImageDraw.Draw(image)
    box = (150, 110, 450, 410)
    if shape == 0:
        draw.ellipse(box, fill=(255, 255, 255), outline=colours[0], width=8)
    elif shape == 1:
        draw.rounded_rectangle(box, radius=48, fill=(255, 255, 255), outline=colours[0], width=8)
    else:
        draw.polygon([(300, 100), (460, 410), (140, 410)], fill=(255, 255, 255), outline=colours[0], width=8)
    initial = label[0]
    draw.text((300, 270), initial, font=_font(150), fill=colours[0], anchor="mm")
    draw.rounded_rectangle((40, 470, 560, 550), radius=20, fill=(255, 255, 255))
    draw.text((300, 510), label, font=_font(40 if len(label) < 20 else 30), fill=(31, 41, 55), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80, optimize=True)
    return out.getvalue()


def ensure_image_pool() -> int:
    """Write the pictures that are not in storage yet, and their renditions.

    Return how many pictures were written.
    """
    written = 0
    for top_index, top in enumerate(v.TOP_CATEGORIES):
        for variant, colours in enumerate(top.palette):
            name = image_name(top_index, variant)
            if not default_storage.exists(name):
                data = render(label=top.name, colours=colours, shape=variant % 3)
                saved = default_storage.save(name, ContentFile(data))
                if saved != name:
                    # Another process (a second seed, a parallel test worker) wrote the same
                    # picture between the check and the save: keep its file, drop ours.
                    default_storage.delete(saved)
                    if not default_storage.exists(name):
                        raise RuntimeError(f"Storage saved {name} as {saved}.")
                else:
                    written += 1
            renditions_create(name)  # the smaller sizes pages show (ADR 0041); kept when present
    return written
