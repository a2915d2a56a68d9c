"""Production refuses the sandbox carrier unless SANDBOX_ALLOWED names it (core.checks)."""

from django.conf import settings
from django.core.checks import Error, register

from marketplace.core.checks import sandbox_allowed, sandbox_refused

SANDBOX_CARRIER = "fulfillment.carriers.sandbox.SandboxCarrier"


@register()
def carrier_check(app_configs=None, **kwargs) -> list[Error]:
    if SANDBOX_CARRIER in settings.CARRIERS.values() and not sandbox_allowed("carrier"):
        return [
            sandbox_refused(
                name="carrier",
                what="The sandbox carrier would sell the labels (settings.CARRIERS)",
                fix="Add a real carrier's adapter to CARRIERS (docs/fulfillment.md) and remove the sandbox",
                check_id="fulfillment.E001",
            )
        ]
    return []
