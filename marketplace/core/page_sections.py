"""Sections a higher app adds to a lower app's page, without the lower app importing it.

The product page belongs to ``catalog``, but its reviews to ``reviews``,
which sits above it: ``reviews`` registers a ``PageSection`` for the page
``"product"`` in its ``AppConfig.ready()``, and the catalog view renders
``page_sections("product", request=..., **objects)`` in order. A section's
``context`` returns what its template renders, or ``None`` to show nothing;
its queries count towards the page's budget, so it should take a fixed number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PageSection:
    key: str
    page: str
    template: str
    context: Callable[..., dict | None]
    order: int = 100


_SECTIONS: dict[tuple[str, str], PageSection] = {}


def page_section_register(section: PageSection) -> None:
    """Add (or replace, by page and key) a section of a page."""
    _SECTIONS[(section.page, section.key)] = section


def page_sections(page: str, /, **objects) -> list[dict]:
    """The sections of ``page`` that have something to show: ``{"key", "template", "context"}`` each."""
    sections = sorted((s for s in _SECTIONS.values() if s.page == page), key=lambda s: (s.order, s.key))
    rendered = []
    for section in sections:
        context = section.context(**objects)
        if context is not None:
            rendered.append({"key": section.key, "template": section.template, "context": context})
    return rendered
