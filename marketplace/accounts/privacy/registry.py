"""What each app holds about a person: an exporter, an eraser, refusals and a retention purge.

``marketplace.accounts`` sits below every other app, so it cannot import their
models: each app registers one ``PrivacySection`` in its ``AppConfig.ready()``
(``<app>/privacy.py`` holds the functions) and the export and the erasure walk
the registered sections in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class PrivacySection:
    """One app's part of a person's data.

    ``export(user)`` returns ``{table name: rows}``; ``erase(user)`` erases or
    anonymises the rows and returns how many it touched (it runs inside the
    erasure's transaction); ``refusals(user)`` lists why the account cannot be
    erased yet; ``purge(now)`` deletes what the retention settings say is too old.
    """

    key: str
    export: Callable[[Any], dict[str, Rows]]
    erase: Callable[[Any], int]
    refusals: Callable[[Any], list[str]] | None = None
    purge: Callable[[datetime], int] | None = None


_SECTIONS: dict[str, PrivacySection] = {}


def privacy_register(section: PrivacySection) -> None:
    """Register an app's section (idempotent: ``ready()`` may run twice in tests)."""
    _SECTIONS[section.key] = section


def privacy_sections() -> list[PrivacySection]:
    return list(_SECTIONS.values())


def rows_of(queryset: models.QuerySet, fields: list[str]) -> Rows:
    """The ``fields`` of every row of ``queryset``, in primary-key order, as plain dicts."""
    return [dict(row) for row in queryset.order_by("pk").values(*fields)]
