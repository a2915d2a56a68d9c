"""Product pictures at the size they are shown: ``{% load product_images %}`` (ADR 0041)."""

from django import template

from catalog.images import image_srcset, image_url

register = template.Library()


@register.filter
def srcset(image) -> str:
    """Return the ``srcset`` of a ``ProductImage``: its renditions and its original."""
    return image_srcset(image)


@register.filter
def rendition_url(image, width) -> str:
    """Return the URL of the narrowest picture of a ``ProductImage`` at least ``width`` wide."""
    return image_url(image, int(width))
