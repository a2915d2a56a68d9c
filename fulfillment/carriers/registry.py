"""Carrier adapters by code, from ``settings.CARRIERS`` (code -> dotted path of the class)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from fulfillment.carriers.base import Carrier, CarrierError


@cache
def _carrier(code: str, path: str) -> Carrier:
    return import_string(path)()


def carrier_get(code: str) -> Carrier:
    """Return the adapter registered as ``code``; raise ``CarrierError`` for an unknown one."""
    path = settings.CARRIERS.get(code)
    if path is None:
        raise CarrierError(f"No carrier is set up with the code {code!r}.", extra={"carrier": code})
    return _carrier(code, path)


def carrier_list() -> list[Carrier]:
    """Every configured adapter, in settings order."""
    return [carrier_get(code) for code in settings.CARRIERS]
