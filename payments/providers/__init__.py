"""Payment providers: ``get_provider()`` returns the configured one.

``settings.PAYMENT_PROVIDER`` names it; empty means "stripe" when
``STRIPE_SECRET_KEY`` is set and "sandbox" otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import PaymentProvider

PROVIDERS = {
    "sandbox": "payments.providers.sandbox.SandboxProvider",
    "stripe": "payments.providers.stripe.StripeProvider",
}


def configured_provider_name() -> str:
    name = getattr(settings, "PAYMENT_PROVIDER", "")
    if name:
        return name
    return "stripe" if settings.STRIPE_SECRET_KEY else "sandbox"


def get_provider(name: str | None = None) -> PaymentProvider:
    """Return the provider called ``name``, or the configured one."""
    name = name or configured_provider_name()
    if name not in PROVIDERS:
        raise ImproperlyConfigured(
            f"Payment provider {name!r} is not available (known: {', '.join(sorted(PROVIDERS))})."
        )
    return import_string(PROVIDERS[name])()
